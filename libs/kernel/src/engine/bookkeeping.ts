import { settleStage } from './stages';
import type { ErrorInfo } from '../context/frame';
import type { Pcb } from '../pcb/pcb';
import { FAILABLE, type Cause, type RunContext } from './run-context';

/**
 * Wakes a WAITING process when it has nothing left to wait for: no open callee and no open fan-out member.
 * The process is locked first, so concurrent completions of its callees/members serialize on it.
 */
export async function wakeIfDone(run: RunContext, pid: number, cause: Cause): Promise<void> {
  const target = await run.uow.tryLoad(pid);
  if (!target || target.state !== 'WAITING') return;
  if (await settleStage(run, pid, cause)) return;
  const open = [...(await run.uow.callees(pid)), ...(await run.uow.joinGroup(pid))].filter(
    (p) => p.state !== 'TERMINATED',
  );
  if (open.length === 0) await run.apply(pid, { type: 'wake' }, cause);
}

/**
 * A program instance left with no live work: RUNNING, every child TERMINATED, nothing queued that could start
 * one. Such a journey would wait forever, so it becomes an incident (ERROR with the reason) for an admin to
 * re-open a step or cancel the journey. Call after the cascade drained; `reason` is only worked out for an
 * incident.
 * @returns true when an incident was raised.
 */
export async function strandIfIdle(
  run: RunContext,
  instancePid: number,
  cause: Cause,
  reason: () => Promise<string>,
): Promise<boolean> {
  const instance = await run.uow.tryLoad(instancePid);
  if (!instance || instance.kind !== 'program' || instance.state !== 'RUNNING') return false;
  const children = await run.uow.children(instancePid);
  if (children.some((c) => c.state !== 'TERMINATED')) return false;
  await run.incident(instancePid, await reason(), cause, { code: 'STRANDED' });
  await run.drain();
  return true;
}

/** Puts a live process in ERROR as an incident (no-op for states that cannot fail). */
export async function incident(
  run: RunContext,
  pid: number,
  message: string,
  cause: Cause,
  error: Partial<ErrorInfo> = {},
): Promise<void> {
  const target = await run.uow.tryLoad(pid);
  if (!target || !FAILABLE.includes(target.state)) return;
  const frame = await run.uow.frame(pid);
  run.uow.setFrame({ ...frame, errorInfo: { code: 'INCIDENT', message, at: run.now, ...error } });
  await run.apply(pid, { type: 'fail', reason: message }, cause);
}

/**
 * Callee and join bookkeeping when a process terminates, decided under the caller's / join target's lock:
 * - a callee hands its return value to the caller; a completed callee lets the caller wake when nothing else is
 *   open; a cancelled one is an incident for the caller (its program cannot go on) — except when the caller
 *   itself closed it (`calling_return` closing its open steps);
 * - the last member of a fan-out group sets `parallel_completed` / `iteration_completed` (and `batch_completed`)
 *   on the join target and re-evaluates its rules; a cancelled member makes it an incident instead.
 */
export async function onTerminated(run: RunContext, pcb: Pcb, cause: Cause): Promise<void> {
  const closedBy = typeof cause['closing'] === 'number' ? cause['closing'] : null;
  if (pcb.callerPid !== null && pcb.callerPid !== closedBy) {
    const caller = await run.uow.tryLoad(pcb.callerPid);
    if (caller && caller.state !== 'TERMINATED') {
      const frame = await run.uow.frame(pcb.pid);
      if (frame.returnValue !== null && frame.returnValue !== undefined) {
        await run.setVars(caller.pid, {
          return_value: frame.returnValue,
          [`${pcb.service}_result`]: frame.returnValue,
        });
      }
      const by = { by: pcb.pid, returned: pcb.service };
      if (pcb.terminatedReason === 'completed') await run.wakeIfDone(caller.pid, by);
      else await run.incident(caller.pid, `called ${pcb.service} (pid ${pcb.pid}) was ${pcb.terminatedReason}`, by);
    }
  }
  const join = pcb.join;
  if (join && join.callerPid !== closedBy) {
    const target = await run.uow.tryLoad(join.callerPid);
    if (!target || target.state === 'TERMINATED') return;
    const group = (await run.uow.joinGroup(join.callerPid)).filter((p) => p.join?.group === join.group);
    if (group.length < join.size || group.some((p) => p.state !== 'TERMINATED')) return;
    const by = { by: pcb.pid, joined: join.kind, group: join.group };
    if (group.some((p) => p.terminatedReason !== 'completed')) {
      await run.incident(target.pid, `a ${join.kind} member of group ${join.group} was cancelled`, by);
      return;
    }
    const flag = join.kind === 'parallel' ? 'parallel_completed' : 'iteration_completed';
    await run.setVars(target.pid, { [flag]: true, batch_completed: true });
    if (target.state === 'WAITING') await run.wakeIfDone(target.pid, by);
    else run.queue.push({ pid: target.pid, state: target.state, cause: by });
  }
}
