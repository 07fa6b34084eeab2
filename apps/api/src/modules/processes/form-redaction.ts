import type { FormVisibility } from './process-read.policy';

/** What replaces each value of a form the reader may not see (its keys are kept). */
export const REDACTED = '[redacted: not visible to your roles]';

/** Frame variables that hold return values: objects keyed by the service whose form each entry is. */
const isReturnValueName = (name: string) => name === 'return_value' || name.endsWith('_result');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `form` with its keys kept and every value replaced by {@link REDACTED}; a non-object becomes the marker. */
export function redactForm(form: unknown): unknown {
  if (!isRecord(form)) return form === null || form === undefined ? form : REDACTED;
  return Object.fromEntries(Object.keys(form).map((k) => [k, REDACTED]));
}

/** A return value (`{ [service]: form }`) with the forms of services `visible` refuses redacted. */
export function redactReturnValue(value: unknown, visible: FormVisibility): unknown {
  if (visible.all) return value;
  if (!isRecord(value)) return value === null || value === undefined ? value : REDACTED;
  return Object.fromEntries(
    Object.entries(value).map(([service, form]) => [service, visible.sees(service) ? form : redactForm(form)]),
  );
}

/**
 * Frame variables with the form data the reader may not see redacted: `form` belongs to `owner` (the service of
 * the frame's process; null = unknown, e.g. inherited from a caller: visible only to readers who see every form), `return_value` / `<service>_result` hold forms keyed by service.
 */
export function redactVars(vars: unknown, owner: string | null, visible: FormVisibility): unknown {
  if (!isRecord(vars)) return vars;
  return Object.fromEntries(
    Object.entries(vars).map(([name, value]) => {
      if (name === 'form')
        return [name, visible.all || (owner !== null && visible.sees(owner)) ? value : redactForm(value)];
      if (isReturnValueName(name)) return [name, redactReturnValue(value, visible)];
      return [name, value];
    }),
  );
}

/**
 * A context frame (or snapshot content) as `visible` may see it: local variables (their `form` is the frame's own
 * process's, `service`), inherited variables (a `form` there has no known owner) and the return value.
 */
export function redactFrame(frame: unknown, service: string, visible: FormVisibility): unknown {
  if (visible.all || !isRecord(frame)) return frame;
  return {
    ...frame,
    localVars: redactVars(frame['localVars'], service, visible),
    inherited: redactVars(frame['inherited'], null, visible),
    returnValue: redactReturnValue(frame['returnValue'], visible),
  };
}
