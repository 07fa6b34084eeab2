import type { Pcb } from '../pcb/pcb';
import type { InstructionContext, InstructionHandler } from './context';
import { InstructionError } from '../errors/instruction-error';
import { owningInstance, ruleCause } from './scope';

/**
 * Cancels every open descendant of `instance`, top-down (a parent before its children, so a closed callee never
 * wakes or faults a caller that is itself being closed). `cause.closing` names the instance.
 */
async function closeOpenSteps(run: InstructionContext, instance: Pcb, cause: Record<string, unknown>): Promise<void> {
  for (const child of await run.children(instance.pid)) {
    if (child.state !== 'TERMINATED') {
      const current = await run.load(child.pid);
      if (current.state !== 'TERMINATED') {
        await run.apply(child.pid, { type: 'cancel', reason: `closed by return of pid ${instance.pid}` }, cause, {
          closedBy: instance.pid,
        });
      }
    }
    await closeOpenSteps(run, child, cause);
  }
}

/** The instance's return value: the form data of its completed steps, keyed by service. */
async function collectReturnValue(run: InstructionContext, instance: Pcb): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const child of await run.children(instance.pid)) {
    if (child.terminatedReason === 'completed' && child.formData) out[child.service] = child.formData;
  }
  return out;
}

/**
 * `calling_return`: the program instance the rule fired in is done (reference §3.7 point 4). Its open steps
 * are closed (cancelled, like a stack-frame pop), its return value is set, it terminates (completed), its
 * caller is woken and gets `return_value`, and the instance's TERMINATED rules run in the caller's program.
 */
export const callingReturn: InstructionHandler = async (run, subject, rule, index) => {
  const instance = await owningInstance(run, subject, rule, index);
  if (!instance || instance.kind !== 'program')
    throw new InstructionError(`calling_return from pid ${subject.pid}: no program instance to return from`);
  if (instance.state === 'TERMINATED')
    throw new InstructionError(`calling_return: program instance ${instance.pid} already terminated`);
  if (instance.state === 'ERROR')
    throw new InstructionError(`calling_return: program instance ${instance.pid} is in ERROR`);
  const cause = { ...ruleCause(subject, rule, 'calling_return'), closing: instance.pid };
  await closeOpenSteps(run, instance, cause);
  const frame = await run.frame(instance.pid);
  run.setFrame({ ...frame, returnValue: await collectReturnValue(run, instance) });
  let current = await run.load(instance.pid);
  if (current.state === 'SUSPENDED') current = await run.apply(current.pid, { type: 'resume' }, cause);
  if (current.state === 'READY') current = await run.apply(current.pid, { type: 'start' }, cause);
  await run.apply(current.pid, { type: 'complete' }, cause);
};

/**
 * `terminate`: end the program instance the rule fired in without a return value: open steps and the
 * instance are cancelled; a waiting caller is woken.
 */
export const terminate: InstructionHandler = async (run, subject, rule, index) => {
  const instance = (await owningInstance(run, subject, rule, index)) ?? subject;
  if (instance.state === 'TERMINATED') return;
  const cause = { ...ruleCause(subject, rule, 'terminate'), closing: instance.pid };
  await closeOpenSteps(run, instance, cause);
  await run.apply(instance.pid, { type: 'cancel', reason: `terminated by rule ${rule.key}` }, cause);
};
