import { describe, expect, it } from 'vitest';
import { evaluateExpression, type KernelDesign } from '../src';
import { ruleDef, serviceDef } from '../src/testing';
import { harness } from './harness';

/**
 * `journey` (composite, manual start) starts `step_a`; a completed `step_a` starts `step_b`. With `fallback`, a
 * cancelled `step_a` starts `step_c` (a rule watching `terminated_reason`).
 */
function design(fallback: boolean): KernelDesign {
  return {
    services: [
      serviceDef('journey', { kind: 'program', manualStart: true }),
      serviceDef('trip'),
      serviceDef('step_a'),
      serviceDef('step_b'),
      serviceDef('step_c'),
    ],
    events: [
      { key: 'new', label: 'new', expression: 'state = "NEW"' },
      { key: 'done', label: 'done', expression: 'state = "TERMINATED"' },
      { key: 'cancelled', label: 'cancelled', expression: 'terminated_reason = "cancelled"' },
    ],
    instructions: [{ key: 'start', label: 'start', sysCall: 'start_service', parameters: [] }],
    rules: [
      ruleDef('entry', 'journey', 1, 'trip', 'new', 'start', 'step_a'),
      ruleDef('next', 'trip', 1, 'step_a', 'done', 'start', 'step_b'),
      ...(fallback ? [ruleDef('fallback', 'trip', 2, 'step_a', 'cancelled', 'start', 'step_c')] : []),
    ],
    roles: [{ key: 'ke_fu', label: 'ke_fu', services: ['trip', 'step_a', 'step_b', 'step_c'] }],
  };
}

describe('cancellation: rules, stranded journeys, re-opening, cancelling a journey', () => {
  it('cancelling a step fires the rules that watch terminated_reason, not the completion rules', async () => {
    const { kernel, exec, ops, store, live } = harness(design(true));
    const { result: trip } = await exec(
      kernel.startProcess({ service: 'trip', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    await exec(kernel.cancel(live('step_a').pid, ops.fang!, 'customer called off'));
    expect(store.byService('step_b')).toHaveLength(0);
    expect(live('step_c').state).toBe('READY');
    expect(store.pcbs.get(trip.pid)!.state).toBe('RUNNING');
    expect(store.audit.some((a) => a.action === 'rule.fired' && a.cause?.['rule'] === 'fallback')).toBe(true);
  });

  it('a journey left with no live work becomes an incident; an admin re-opens the step and it goes on', async () => {
    const { kernel, exec, ops, store, live } = harness(design(false));
    const { result: trip } = await exec(
      kernel.startProcess({ service: 'trip', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    const stepA = live('step_a');
    await exec(kernel.cancel(stepA.pid, ops.fang!, 'by mistake'));
    expect(store.pcbs.get(trip.pid)!.state).toBe('ERROR');
    expect(store.frames.get(trip.pid)!.errorInfo).toMatchObject({ code: 'STRANDED' });
    expect(store.frames.get(trip.pid)!.errorInfo!.message).toMatch(/step_a.*cancelled/);

    await expect(kernel.reopen(stepA.pid, ops.fang!)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const reopened = await exec(kernel.reopen(stepA.pid, ops.manager!));
    expect(reopened.result).toMatchObject({ service: 'step_a', state: 'READY', previousPid: stepA.pid });
    expect(store.pcbs.get(trip.pid)!.state).toBe('RUNNING');
    expect(store.frames.get(trip.pid)!.errorInfo).toBeNull();
    await exec(kernel.complete(reopened.result.pid, ops.fang!));
    expect(live('step_b').state).toBe('READY');
    await expect(kernel.reopen(live('step_b').pid, ops.manager!)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('a completion rule whose expression ran out of its budget strands the journey as an incident, not silently', async () => {
    // The completion rule's expression runs out of its budget; every other expression is evaluated for real.
    const exhausted = {
      evaluate: async (expression: string, context: Record<string, unknown>) =>
        expression === 'state = "TERMINATED"'
          ? {
              matched: false,
              value: null,
              error: 'expression exceeded its time budget of 50 ms',
              exhausted: 'time' as const,
            }
          : evaluateExpression(expression, context),
    };
    const { kernel, exec, ops, store, live } = harness(design(false), { evaluator: exhausted });
    const { result: trip } = await exec(
      kernel.startProcess({ service: 'trip', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    await exec(kernel.complete(live('step_a').pid, ops.fang!));
    expect(store.byService('step_b')).toHaveLength(0);
    expect(store.pcbs.get(trip.pid)!.state).toBe('ERROR');
    expect(store.frames.get(trip.pid)!.errorInfo!.message).toMatch(/step_a.*completed.*time budget of 50 ms/);
    // A second re-open of the same journey is refused (it has live work again).
    const stepA = store.byService('step_a')[0]!;
    await exec(kernel.reopen(stepA.pid, ops.manager!));
    await expect(kernel.reopen(stepA.pid, ops.manager!)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('the operator who started a journey may cancel it (cascading to its open work); others may not', async () => {
    const { kernel, exec, ops, store, live } = harness(design(false));
    const { result: trip } = await exec(
      kernel.startProcess({ service: 'trip', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    const stepA = live('step_a');
    await expect(kernel.cancel(trip.pid, ops.jiang!, 'not mine')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const cs = await exec(kernel.cancel(trip.pid, ops.fang!, 'customer left'));
    expect(store.pcbs.get(trip.pid)).toMatchObject({ state: 'TERMINATED', terminatedReason: 'cancelled' });
    expect(store.pcbs.get(stepA.pid)).toMatchObject({ state: 'TERMINATED', terminatedReason: 'cancelled' });
    expect(cs.changes.map((c) => c.pid).sort()).toEqual([trip.pid, stepA.pid].sort());
    expect(store.byService('step_b')).toHaveLength(0);
  });
});
