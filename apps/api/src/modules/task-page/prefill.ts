import type { PrefillValue } from '@opkernel/contracts';

/** An earlier form the reader may see: its step, label and data. */
export type VisibleForm = { pid: number; serviceLabel: string; formData: Record<string, unknown> };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when `value` counts as filled in (not null, not blank text, not an empty list). */
const filled = (value: unknown) =>
  value !== null &&
  value !== undefined &&
  !(typeof value === 'string' && value.trim() === '') &&
  !(Array.isArray(value) && value.length === 0);

/**
 * True when `value` could stand in field `schema` (a JSON Schema property): its type (`string`, `integer`,
 * `number`, `boolean`, `array` of such), `enum`, and a string's `maxLength`. A value of another shape is not
 * offered (a number typed into an earlier text field is not a valid age, and vice versa).
 */
export function fitsField(value: unknown, schema: unknown): boolean {
  if (!isRecord(schema)) return false;
  if (Array.isArray(schema['enum']) && !schema['enum'].some((e) => e === value)) return false;
  switch (schema['type']) {
    case 'string':
      return (
        typeof value === 'string' && (typeof schema['maxLength'] !== 'number' || value.length <= schema['maxLength'])
      );
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value) && value.every((v) => fitsField(v, schema['items']));
    default:
      return false;
  }
}

/**
 * Prefill offers for a form: for each of its fields, the newest earlier value of a field with the same name
 * that is filled in and fits the field ({@link fitsField}). Booleans are not offered (an unticked box is an
 * answer of its own step, not a fact about the customer).
 * @param form the task's form schema (`properties`), or null (no offers)
 * @param earlier the forms the reader may see, newest first
 * @returns field name → value and the step it comes from
 * @example prefillOffers({ properties: { xing_ming: { type: 'string' } } }, [{ pid: 3, serviceLabel: '新预约', formData: { xing_ming: '张三' } }])
 *   // { xing_ming: { value: '张三', pid: 3, serviceLabel: '新预约' } }
 */
export function prefillOffers(
  form: Record<string, unknown> | null | undefined,
  earlier: readonly VisibleForm[],
): Record<string, PrefillValue> {
  const properties = isRecord(form?.['properties']) ? form['properties'] : {};
  const offers: Record<string, PrefillValue> = {};
  for (const [field, schema] of Object.entries(properties)) {
    if (isRecord(schema) && schema['type'] === 'boolean') continue;
    const source = earlier.find((f) => Object.hasOwn(f.formData, field) && filled(f.formData[field]));
    const value = source?.formData[field];
    if (source && fitsField(value, schema))
      offers[field] = { value, pid: source.pid, serviceLabel: source.serviceLabel };
  }
  return offers;
}
