/**
 * A plausible form for a JSON Schema (the services' forms from the design), so a scripted journey submits
 * data the API validates: first enum option, 30 for integers, 100 for numbers, true for booleans, ISO times.
 */
export function sampleForm(
  schema: Record<string, unknown> | null | undefined,
  now = new Date(),
): Record<string, unknown> {
  const props = (schema?.['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(props)) {
    const enumValues = p['enum'] as unknown[] | undefined;
    if (enumValues && enumValues.length > 0) out[key] = enumValues[0];
    else if (p['type'] === 'integer') out[key] = 30;
    else if (p['type'] === 'number') out[key] = 100;
    else if (p['type'] === 'boolean') out[key] = true;
    else if (p['format'] === 'date-time') out[key] = now.toISOString();
    else if (p['format'] === 'date') out[key] = now.toISOString().slice(0, 10);
    else if (p['format'] === 'time') out[key] = '10:30:00';
    else if (p['type'] === 'string') out[key] = String(p['title'] ?? key).slice(0, Number(p['maxLength'] ?? 50));
  }
  return out;
}
