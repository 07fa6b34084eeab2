import type { RJSFSchema, UiSchema } from '@rjsf/utils';

/** The service's form schema when it has fields to fill in, else null. */
export function formSchemaOf(form: Record<string, unknown> | null | undefined): RJSFSchema | null {
  if (!form) return null;
  const props = form['properties'];
  if (!props || typeof props !== 'object' || Object.keys(props).length === 0) return null;
  return { type: 'object', ...form } as RJSFSchema;
}

/** rjsf uiSchema: the design's `x-order` as `ui:order` (unknown names dropped, the rest after); no built-in submit. */
export function uiSchemaOf(schema: RJSFSchema): UiSchema {
  const props = Object.keys((schema.properties ?? {}) as Record<string, unknown>);
  const order = Array.isArray(schema['x-order'])
    ? (schema['x-order'] as unknown[]).filter((k): k is string => typeof k === 'string' && props.includes(k))
    : [];
  return {
    ...(order.length > 0 ? { 'ui:order': [...order, '*'] } : {}),
    'ui:submitButtonOptions': { norender: true },
  };
}
