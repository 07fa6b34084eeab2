import { IllegalTransitionError } from '../errors/kernel-error';
import type { Pcb, ProcessState, TerminatedReason } from './pcb';

/**
 * Transition events of the PCB state machine (reference/erpsys-original.md §2.5, our semantics):
 * NEW → READY → RUNNING → TERMINATED; RUNNING ⇄ WAITING; READY ⇄ WAITING for the scheduler's resource waits
 * (`defer` until a retry time, `release`); any live state ⇄ SUSPENDED (resume returns to the state held before);
 * ERROR as a side branch with retry; cancel ends any live state.
 */
export type TransitionEvent =
  | { type: 'admit' }
  | { type: 'start' }
  | { type: 'yield' }
  | { type: 'wait'; reason: string }
  | { type: 'wake' }
  | { type: 'defer'; reason: string; until: number | null }
  | { type: 'release' }
  | { type: 'complete' }
  | { type: 'suspend'; reason: string }
  | { type: 'resume' }
  | { type: 'fail'; reason: string }
  | { type: 'retry' }
  | { type: 'cancel'; reason: string };

const TABLE: Record<TransitionEvent['type'], readonly ProcessState[]> = {
  admit: ['NEW'],
  start: ['READY'],
  yield: ['RUNNING'],
  wait: ['RUNNING'],
  wake: ['WAITING'],
  // The scheduler's wait for a resource: an unassigned READY task waits (and comes back READY), not a business event.
  defer: ['READY'],
  release: ['WAITING'],
  // WAITING → TERMINATED is the program instance's return while a sub-call is still open.
  complete: ['RUNNING', 'WAITING'],
  suspend: ['NEW', 'READY', 'RUNNING', 'WAITING'],
  resume: ['SUSPENDED'],
  fail: ['NEW', 'READY', 'RUNNING', 'WAITING'],
  retry: ['ERROR'],
  cancel: ['NEW', 'READY', 'RUNNING', 'WAITING', 'SUSPENDED', 'ERROR'],
};

/** True when `event` may be applied to a process in `state`. */
export function canTransition(state: ProcessState, event: TransitionEvent['type']): boolean {
  return TABLE[event].includes(state);
}

/**
 * Applies one transition and returns the next PCB (a new object; the input is not modified).
 * `version` is not touched here: the unit of work bumps it once per write.
 * @param now epoch ms
 * @throws IllegalTransitionError when the event is not allowed from the current state
 */
export function transition(pcb: Pcb, event: TransitionEvent, now: number): Pcb {
  if (!canTransition(pcb.state, event.type)) throw new IllegalTransitionError(pcb.pid, pcb.state, event.type);
  const next: Pcb = { ...pcb, updatedAt: now };
  const end = (reason: TerminatedReason): Pcb => ({
    ...next,
    state: 'TERMINATED',
    terminatedReason: reason,
    endedAt: now,
    resumeState: null,
    waitReason: null,
  });
  switch (event.type) {
    case 'admit':
      return { ...next, state: 'READY' };
    case 'start':
      return { ...next, state: 'RUNNING', startedAt: pcb.startedAt ?? now };
    case 'yield':
      return { ...next, state: 'READY' };
    case 'wait':
      return { ...next, state: 'WAITING', waitReason: event.reason };
    case 'wake':
      return { ...next, state: 'RUNNING', waitReason: null };
    case 'defer':
      return { ...next, state: 'WAITING', waitReason: event.reason, waitUntil: event.until };
    case 'release':
      return { ...next, state: 'READY', waitReason: null, waitUntil: null };
    case 'complete':
      return end('completed');
    case 'suspend':
      return { ...next, state: 'SUSPENDED', suspendReason: event.reason, resumeState: pcb.state };
    case 'resume':
      return { ...next, state: pcb.resumeState ?? 'READY', suspendReason: null, resumeState: null };
    case 'fail':
      return { ...next, state: 'ERROR', resumeState: pcb.state, waitReason: event.reason };
    case 'retry':
      return { ...next, state: pcb.resumeState ?? 'READY', resumeState: null, waitReason: null };
    case 'cancel':
      return end('cancelled');
  }
}
