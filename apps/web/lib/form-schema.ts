import type { RJSFSchema, UiSchema, Widget } from '@rjsf/utils';

/** The `x-ref` kinds the task form renders as pickers (names, storing the key) rather than free text. */
export const PICKER_REFS = ['Operator', 'Service'] as const;

/** The service's form schema when it has fields to fill in, else null. */
export function formSchemaOf(form: Record<string, unknown> | null | undefined): RJSFSchema | null {
  if (!form) return null;
  const props = form['properties'];
  if (!props || typeof props !== 'object' || Object.keys(props).length === 0) return null;
  return { type: 'object', ...form } as RJSFSchema;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The picker of a property (`x-ref: Operator | Service`, on a string or on an array's items), or null. */
function pickerOf(prop: unknown, widget: Widget | undefined): UiSchema | null {
  if (!widget) return null;
  if (!isRecord(prop)) return null;
  const ref = (p: unknown) =>
    isRecord(p) && p['type'] === 'string' && (PICKER_REFS as readonly unknown[]).includes(p['x-ref'])
      ? String(p['x-ref'])
      : null;
  const own = ref(prop);
  if (own) return { 'ui:widget': widget, 'ui:options': { ref: own } };
  const items = prop['type'] === 'array' ? ref(prop['items']) : null;
  return items ? { items: { 'ui:widget': widget, 'ui:options': { ref: items } } } : null;
}

/**
 * rjsf uiSchema: the design's `x-order` as `ui:order` (unknown names dropped, the rest after); no built-in submit;
 * operator and service references (`x-ref` in {@link PICKER_REFS}) rendered by `options.refWidget` (given the
 * kind as `ui:options.ref`); fields named in `options.marks` get the class `prefilled` and the mark's text as
 * help (e.g. where a prefilled value came from).
 */
export function uiSchemaOf(
  schema: RJSFSchema,
  options: { marks?: Record<string, string>; refWidget?: Widget } = {},
): UiSchema {
  const marks = options.marks ?? {};
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const props = Object.keys(properties);
  const order = Array.isArray(schema['x-order'])
    ? (schema['x-order'] as unknown[]).filter((k): k is string => typeof k === 'string' && props.includes(k))
    : [];
  const fields: UiSchema = {};
  for (const name of props) {
    const field: UiSchema = { ...pickerOf(properties[name], options.refWidget) };
    if (marks[name] !== undefined) {
      field['ui:classNames'] = 'prefilled';
      field['ui:help'] = marks[name];
    }
    if (Object.keys(field).length > 0) fields[name] = field;
  }
  return {
    ...fields,
    ...(order.length > 0 ? { 'ui:order': [...order, '*'] } : {}),
    'ui:submitButtonOptions': { norender: true },
  };
}
