import type { CurrentDesign } from './types/design';
import type { ProcessView } from './types/process';

/** One piece of a customer's data: the latest value of a form field across their processes. */
export type ProfileField = {
  /** The form field's key (the same data item in every service that asks for it, e.g. `dian_hua`). */
  key: string;
  /** Its title in the service's form (the key when the form has none). */
  title: string;
  value: string | number | boolean | string[];
  /** The field's JSON Schema `format` (`date-time`, `date` …), null when it has none. */
  format: string | null;
  /** The service whose form gave the value, and when that process last changed (ISO-8601). */
  serviceLabel: string;
  at: string;
};

/** What the API puts in place of a form value the reader's roles may not see. */
const isRedacted = (v: unknown) => typeof v === 'string' && v.startsWith('[redacted');

/** A value worth showing: text, a number, a yes/no, or a list of texts; never an empty or a hidden value. */
function shown(v: unknown): ProfileField['value'] | null {
  if (isRedacted(v)) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && !isRedacted(x))) return v;
  return null;
}

/**
 * A customer's data from the forms of their processes (`formData`, already redacted by the API for the reader):
 * per field the value of the process that changed last (a later 新预约 overrides the phone of an earlier one), with
 * the field's title from the design's form. In the order the fields first appear (oldest process first).
 */
export function customerProfile(processes: ProcessView[], design: CurrentDesign | null): ProfileField[] {
  const fields = new Map<string, ProfileField>();
  const byTime = [...processes]
    .filter((p) => p.formData)
    .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.pid - b.pid);
  for (const p of byTime) {
    const schema = design?.services.find((s) => s.key === p.service)?.form;
    const props = (schema?.['properties'] ?? {}) as Record<string, { title?: unknown; format?: unknown }>;
    for (const [key, raw] of Object.entries(p.formData!)) {
      const value = shown(raw);
      if (value === null) continue;
      const title = typeof props[key]?.title === 'string' ? props[key].title : (fields.get(key)?.title ?? key);
      const format = typeof props[key]?.format === 'string' ? props[key].format : null;
      fields.set(key, { key, title, value, format, serviceLabel: p.serviceLabel, at: p.updatedAt });
    }
  }
  return [...fields.values()];
}
