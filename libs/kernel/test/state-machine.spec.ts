import { describe, expect, it } from 'vitest';
import { canTransition, IllegalTransitionError, newPcb, PROCESS_STATES, transition, type Pcb } from '../src';

const pcb = (state: Pcb['state']): Pcb => newPcb({ pid: 1, service: 's', designVersion: 1, kind: 'task', state });

describe('PCB state machine', () => {
  it('walks NEW → READY → RUNNING → WAITING → RUNNING → TERMINATED', () => {
    let p = pcb('NEW');
    p = transition(p, { type: 'admit' }, 1);
    p = transition(p, { type: 'start' }, 2);
    expect(p.startedAt).toBe(2);
    p = transition(p, { type: 'wait', reason: 'sub-call' }, 3);
    expect(p).toMatchObject({ state: 'WAITING', waitReason: 'sub-call' });
    p = transition(p, { type: 'wake' }, 4);
    p = transition(p, { type: 'complete' }, 5);
    expect(p).toMatchObject({ state: 'TERMINATED', terminatedReason: 'completed', endedAt: 5 });
  });

  it.each(['NEW', 'READY', 'RUNNING', 'WAITING'] as const)('resume from SUSPENDED returns to %s', (state) => {
    const s = transition(pcb(state), { type: 'suspend', reason: 'r' }, 1);
    expect(s).toMatchObject({ state: 'SUSPENDED', resumeState: state });
    expect(transition(s, { type: 'resume' }, 2)).toMatchObject({ state, resumeState: null, suspendReason: null });
  });

  it('fails into ERROR and retries back to the prior state', () => {
    const e = transition(pcb('RUNNING'), { type: 'fail', reason: 'boom' }, 1);
    expect(e).toMatchObject({ state: 'ERROR', resumeState: 'RUNNING' });
    expect(transition(e, { type: 'retry' }, 2).state).toBe('RUNNING');
  });

  it('rejects every transition out of TERMINATED with a typed error, leaving the input untouched', () => {
    const done = transition(pcb('RUNNING'), { type: 'complete' }, 1);
    for (const type of ['admit', 'start', 'complete', 'suspend', 'resume', 'cancel', 'wake', 'retry'] as const) {
      expect(canTransition('TERMINATED', type)).toBe(false);
      expect(() => transition(done, { type } as never, 2)).toThrow(IllegalTransitionError);
    }
    expect(done.state).toBe('TERMINATED');
  });

  it('allows cancel from every live state and never from TERMINATED', () => {
    for (const s of PROCESS_STATES) expect(canTransition(s, 'cancel')).toBe(s !== 'TERMINATED');
  });

  it('rejects skipping READY (NEW → RUNNING) and completing from READY', () => {
    expect(() => transition(pcb('NEW'), { type: 'start' }, 1)).toThrow(/cannot start from state NEW/);
    expect(() => transition(pcb('READY'), { type: 'complete' }, 1)).toThrow(IllegalTransitionError);
  });
});
