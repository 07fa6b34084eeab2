import type { Pcb, ProcessState } from '../pcb/pcb';
import { transition, type TransitionEvent } from '../pcb/state-machine';
import type { ApplyOptions, Cause, RunContext } from './run-context';

/**
 * Appends an audit row. Its actor is the command's actor (with its kind: operator, integration, scheduler,
 * timer, worker) unless the cause is a rule or another process (`rule` / `by` in the cause): then the kernel
 * (actor null).
 */
export function record(
  run: RunContext,
  pcb: Pcb,
  action: string,
  from: ProcessState | null,
  to: ProcessState | null,
  cause: Cause,
  details?: Record<string, unknown>,
): void {
  const byKernel = 'rule' in cause || 'by' in cause || run.actor === null;
  run.uow.audit.push({
    pid: pcb.pid,
    actor: byKernel ? null : run.actor!.key,
    actorKind: byKernel ? null : (run.actor!.kind ?? 'operator'),
    action,
    fromState: from,
    toState: to,
    cause,
    details: details ?? null,
    at: run.now,
  });
}

/**
 * Applies a state transition to a loaded process, audits it, and enqueues the rule evaluation of the entered
 * state (except cancellation, which fires no rules unless asked). Termination wakes a waiting caller and
 * completes joins.
 * @throws IllegalTransitionError
 */
export async function apply(
  run: RunContext,
  pid: number,
  event: TransitionEvent,
  cause: Cause,
  details?: Record<string, unknown>,
  options: ApplyOptions = {},
): Promise<Pcb> {
  run.tick();
  const before = await run.uow.load(pid);
  const after = transition(before, event, run.now);
  run.uow.put(after);
  record(run, after, event.type, before.state, after.state, cause, details);
  if (options.evaluate !== false && (event.type !== 'cancel' || options.cancellationRules)) {
    run.queue.push({ pid, state: after.state, cause, cancelled: event.type === 'cancel' });
  }
  if (after.state === 'TERMINATED') await run.onTerminated(after, cause);
  // Back to WAITING (resume, retry) with nothing left to wait for: continue at once.
  if (after.state === 'WAITING' && (event.type === 'resume' || event.type === 'retry'))
    await run.wakeIfDone(pid, cause);
  return run.uow.load(pid);
}

/** Changes fields that are not the state (assignee, pool, form data) and audits it. */
export async function update(
  run: RunContext,
  pid: number,
  patch: Partial<Pcb>,
  action: string,
  cause: Cause,
  details?: Record<string, unknown>,
): Promise<Pcb> {
  const before = await run.uow.load(pid);
  const after = { ...before, ...patch, updatedAt: run.now };
  run.uow.put(after);
  record(run, after, action, before.state, after.state, cause, details);
  return after;
}

/** Writes local variables into a process's frame. */
export async function setVars(run: RunContext, pid: number, vars: Record<string, unknown>): Promise<void> {
  const frame = await run.uow.frame(pid);
  run.uow.setFrame({ ...frame, localVars: { ...frame.localVars, ...vars } });
}
