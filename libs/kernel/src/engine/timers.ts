import type { Pcb } from '../pcb/pcb';
import type { Effect } from './types';

/** The key of a process's deadline timer. */
export const deadlineTimerKey = (pid: number): string => `deadline:${pid}`;

/**
 * The timer effects of one process's change in a command: its deadline timer is set while the process is live
 * and has a deadline (again when the deadline moves), and cancelled when the process ends or loses it.
 * @param original the process before the command (null: created by it); `final` after it
 */
export function timerEffects(original: Pcb | null, final: Pcb): Effect[] {
  const key = deadlineTimerKey(final.pid);
  const wasSet = original !== null && original.state !== 'TERMINATED' && original.deadline !== null;
  const isSet = final.state !== 'TERMINATED' && final.deadline !== null;
  if (isSet && (!wasSet || original!.deadline !== final.deadline)) {
    return [{ kind: 'timer.set', timer: { key, pid: final.pid, purpose: 'deadline', dueAt: final.deadline! } }];
  }
  if (wasSet && !isSet) return [{ kind: 'timer.cancel', key }];
  return [];
}
