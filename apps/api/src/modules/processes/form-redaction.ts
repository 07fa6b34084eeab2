import type { FormVisibility } from './process-read.policy';

/** What replaces each value of a form the reader may not see (its keys are kept). */
export const REDACTED = '[redacted: not visible to your roles]';

/** Frame variables that hold return values: objects keyed by the service whose form each entry is. */
const isReturnValueName = (name: string) => name === 'return_value' || name.endsWith('_result');

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Redacts the form data one reader may not see ({@link FormVisibility}) and counts what it hid, so a caller can
 * tell whether anything was (e.g. to withhold a snapshot's hash). Forms keep their keys; each value becomes
 * {@link REDACTED}; a non-object form becomes the marker itself.
 */
export class FormRedactor {
  /** Forms hidden so far. */
  hidden = 0;

  constructor(private readonly visible: FormVisibility) {}

  /** `form` hidden (keys kept); null and undefined stay as they are. */
  form(form: unknown): unknown {
    if (form === null || form === undefined) return form;
    this.hidden++;
    return isRecord(form) ? Object.fromEntries(Object.keys(form).map((k) => [k, REDACTED])) : REDACTED;
  }

  /** A return value (`{ [service]: form }`) with the forms of services the reader may not see hidden. */
  returnValue(value: unknown): unknown {
    if (this.visible.all) return value;
    if (!isRecord(value)) return this.form(value);
    return Object.fromEntries(
      Object.entries(value).map(([service, form]) => [service, this.visible.sees(service) ? form : this.form(form)]),
    );
  }

  /**
   * Frame variables: `form` belongs to `owner` (the service of the frame's process; null = unknown, e.g. inherited
   * from a caller: shown only to readers who see every form), `return_value` / `<service>_result` hold forms keyed
   * by service.
   */
  vars(vars: unknown, owner: string | null): unknown {
    if (this.visible.all || !isRecord(vars)) return vars;
    return Object.fromEntries(
      Object.entries(vars).map(([name, value]) => {
        if (name === 'form') return [name, owner !== null && this.visible.sees(owner) ? value : this.form(value)];
        if (isReturnValueName(name)) return [name, this.returnValue(value)];
        return [name, value];
      }),
    );
  }

  /**
   * A context frame (or snapshot content) of a process of `service`: its local variables (their `form` is that
   * process's), its inherited variables (a `form` there has no known owner) and its return value.
   */
  frame(frame: unknown, service: string): unknown {
    if (this.visible.all || !isRecord(frame)) return frame;
    return {
      ...frame,
      localVars: this.vars(frame['localVars'], service),
      inherited: this.vars(frame['inherited'], null),
      returnValue: this.returnValue(frame['returnValue']),
      ...('stage' in frame ? { stage: this.stage(frame['stage'], service) } : {}),
    };
  }

  /**
   * An automation run (`frame.stage`) of a process of `service`: its input, outputs, output and hop journal are
   * that service's data (as `/stages` shows them), hidden from a reader who may not see it; run id, generation,
   * status, steps and the failure's code stay.
   */
  stage(stage: unknown, service: string): unknown {
    if (this.visible.all || !isRecord(stage) || this.visible.sees(service)) return stage;
    this.hidden++;
    const failure = isRecord(stage['failure']) ? { ...stage['failure'], message: REDACTED } : stage['failure'];
    return { ...stage, input: REDACTED, outputs: REDACTED, output: REDACTED, hops: REDACTED, failure, dag: REDACTED };
  }
}
