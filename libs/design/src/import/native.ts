import { parseDocument, stringify } from 'yaml';
import { DesignDocument } from '../model';
import { type DesignIssue, DesignValidationError } from '../validation/design-issue';
import { validateDesign } from '../validation/validate-design';

export { canonicalJson, designHash } from './canonical';

/**
 * Parse a design written in the native format — YAML or JSON (JSON is read as YAML 1.2) — and validate it
 * with {@link validateDesign}. Defaults of the schema are filled in. YAML aliases are limited (100) and
 * duplicate mapping keys are errors.
 *
 * @param text the document, e.g. `schemaVersion: 1\nname: clinic\nservices: [...]`.
 * @returns the validated {@link DesignDocument}.
 * @throws {DesignValidationError} with a `syntax_error` issue for unreadable YAML/JSON, or with every
 *   validation issue of the document.
 */
export function parseNativeDesign(text: string): DesignDocument {
  const yamlDoc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (yamlDoc.errors.length > 0) {
    const issues: DesignIssue[] = yamlDoc.errors.map((err) => ({
      path: '',
      code: 'syntax_error',
      message: `cannot read the document as YAML/JSON: ${err.message}`,
    }));
    throw new DesignValidationError(issues, 'design document cannot be read');
  }
  let data: unknown;
  try {
    data = yamlDoc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new DesignValidationError([{ path: '', code: 'syntax_error', message }], 'design document cannot be read');
  }
  const result = validateDesign(data);
  if (!result.ok) throw new DesignValidationError(result.issues);
  return result.design;
}

/**
 * Write a design in the native YAML format with a stable layout: keys in the order of the schema
 * (`schemaVersion`, `name`, `services`, … and within each element `key`, `label`, …), defaults written out,
 * free-form maps (forms, parameter values) in their own order, no anchors/aliases, no line folding.
 * `parseNativeDesign(serializeNativeDesign(d))` gives a document equal to `d`.
 *
 * @param doc the design (defaults may be missing; they are applied).
 * @returns YAML text.
 * @throws {DesignValidationError} when `doc` does not satisfy the schema.
 */
export function serializeNativeDesign(doc: DesignDocument): string {
  const parsed = DesignDocument.safeParse(doc);
  if (!parsed.success) {
    const result = validateDesign(doc);
    throw new DesignValidationError(result.ok ? [] : result.issues, 'cannot serialize an invalid design');
  }
  return stringify(parsed.data, { aliasDuplicateObjects: false, lineWidth: 0, sortMapEntries: false });
}
