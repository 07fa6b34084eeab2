import { describe, expect, it } from 'vitest';
import type { KernelDesign } from '../src';
import { ruleDef, serviceDef } from '../src/testing';
import { harness } from './harness';

/** A small program: `batch` (composite) fans out `item`s, then on the join starts `wrap_up`, which returns. */
function design(instruction: string, params: Record<string, unknown>): KernelDesign {
  const svc = (key: string, kind: 'manual' | 'program' = 'manual', manualStart = false) =>
    serviceDef(key, { kind, manualStart });
  const rule = ruleDef;
  return {
    services: [svc('entry', 'program', true), svc('batch'), svc('item'), svc('wrap_up')],
    events: [
      { key: 'new', label: 'new', expression: 'state = "NEW"' },
      { key: 'done', label: 'done', expression: 'state = "TERMINATED"' },
      {
        key: 'joined',
        label: 'joined',
        expression: `${instruction === 'start_parallel_service' ? 'parallel_completed' : 'iteration_completed'} = true`,
      },
      { key: 'big', label: 'big', expression: 'form.amount > 100 and state = "TERMINATED"' },
    ],
    instructions: [
      { key: 'fan', label: 'fan', sysCall: instruction, parameters: [] },
      { key: 'start', label: 'start', sysCall: 'start_service', parameters: [] },
      { key: 'ret', label: 'ret', sysCall: 'calling_return', parameters: [] },
    ],
    rules: [
      rule('entry', 'entry', 1, 'batch', 'new', 'fan', 'item', params),
      rule('join', 'batch', 1, 'batch', 'joined', 'start', 'wrap_up'),
      rule('branch', 'batch', 2, 'item', 'big', 'start', 'wrap_up'),
      rule('end', 'batch', 3, 'wrap_up', 'done', 'ret', null),
    ],
    roles: [{ key: 'ke_fu', label: 'ke_fu', services: ['batch', 'item', 'wrap_up'] }],
  };
}

describe('fan-out instructions and joins', () => {
  it('start_iteration_service creates N children and joins them (iteration_completed)', async () => {
    const { kernel, exec, ops, store } = harness(design('start_iteration_service', { iterations: 3 }));
    const { result: batch } = await exec(
      kernel.startProcess({ service: 'batch', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    const items = store.byService('item');
    expect(items.map((i) => store.frames.get(i.pid)!.localVars['iteration_index'])).toEqual([0, 1, 2]);
    expect(store.pcbs.get(batch.pid)!.state).toBe('WAITING');
    await exec(kernel.complete(items[0]!.pid, ops.fang!));
    await exec(kernel.complete(items[1]!.pid, ops.fang!));
    expect(store.byService('wrap_up')).toHaveLength(0);
    await exec(kernel.complete(items[2]!.pid, ops.fang!));
    expect(store.frames.get(batch.pid)!.localVars).toMatchObject({ iteration_completed: true, batch_completed: true });
    const wrap = store.byService('wrap_up');
    expect(wrap).toHaveLength(1);
    await exec(kernel.complete(wrap[0]!.pid, ops.fang!));
    expect(store.pcbs.get(batch.pid)!.state).toBe('TERMINATED');
  });

  it('start_parallel_service assigns one child per listed operator and sets parallel_completed on the join', async () => {
    const { kernel, exec, ops, store } = harness(
      design('start_parallel_service', { operators: ['xiao_fang', 'xiao_jiang'] }),
    );
    const { result: batch } = await exec(
      kernel.startProcess({ service: 'batch', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    const items = store.byService('item');
    expect(items.map((i) => i.assignee)).toEqual(['xiao_fang', 'xiao_jiang']);
    await exec(kernel.complete(items[0]!.pid, ops.fang!));
    await exec(kernel.complete(items[1]!.pid, ops.jiang!));
    expect(store.frames.get(batch.pid)!.localVars['parallel_completed']).toBe(true);
    expect(store.byService('wrap_up')).toHaveLength(1);
  });

  it('a rule branches on a form field submitted with the completion', async () => {
    const { kernel, exec, ops, store } = harness(design('start_iteration_service', { iterations: 2 }));
    await exec(kernel.startProcess({ service: 'batch', designVersion: 1, entity: null, actor: ops.fang! }));
    const [small, big] = store.byService('item');
    await exec(kernel.complete(small!.pid, ops.fang!, { amount: 5 }));
    expect(store.byService('wrap_up')).toHaveLength(0);
    await exec(kernel.complete(big!.pid, ops.fang!, { amount: 500 }));
    // `branch` fired for the big item AND the join fired: two wrap-ups.
    expect(store.byService('wrap_up')).toHaveLength(2);
    const fired = store.frames.get(big!.pid)!.firedRules.map((r) => r.rule);
    expect(fired).toContain('branch');
  });

  it('a bad instruction parameter is an incident: the live subject goes to ERROR; retry re-runs only that instruction', async () => {
    const { kernel, exec, ops, store } = harness(design('start_iteration_service', { iterations: 'many' }));
    const { result: batch } = await exec(
      kernel.startProcess({ service: 'batch', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    expect(store.pcbs.get(batch.pid)!.state).toBe('ERROR');
    expect(store.frames.get(batch.pid)!.errorInfo).toMatchObject({
      rule: 'entry',
      subject: batch.pid,
      code: 'INSTRUCTION_FAILED',
    });
    expect(store.audit.some((a) => a.action === 'instruction.failed' && a.pid === batch.pid)).toBe(true);
    // The design is pinned: the retry re-runs the same failing instruction and lands in ERROR again, creating nothing.
    await exec(kernel.retry(batch.pid, ops.manager!));
    expect(store.pcbs.get(batch.pid)!.state).toBe('ERROR');
    expect(store.byService('item')).toHaveLength(0);
  });

  it('retry after the cause is fixed runs the failed instruction once, without re-firing the state rules', async () => {
    const { kernel, exec, ops, store } = harness(
      design('start_parallel_service', { operators: ['xiao_fang', 'new_nurse'] }),
    );
    const { result: batch } = await exec(
      kernel.startProcess({ service: 'batch', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    expect(store.pcbs.get(batch.pid)).toMatchObject({ state: 'ERROR', resumeState: 'RUNNING' });
    expect(store.byService('item')).toHaveLength(0); // all or nothing: no member was created
    store.addOperator({ key: 'new_nurse', label: 'new', roles: ['ke_fu'] });
    await exec(kernel.retry(batch.pid, ops.manager!));
    expect(store.byService('item').map((i) => i.assignee)).toEqual(['xiao_fang', 'new_nurse']);
    expect(store.pcbs.get(batch.pid)!.state).toBe('WAITING'); // back to RUNNING, then waiting for the members
    expect(store.frames.get(batch.pid)!.errorInfo).toBeNull();
  });

  it('refuses parallel members for operators whose roles do not allow the service', async () => {
    const { kernel, exec, ops, store } = harness(
      design('start_parallel_service', { operators: ['xiao_fang', 'chen_yi_sheng'] }),
    );
    const { result: batch } = await exec(
      kernel.startProcess({ service: 'batch', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    expect(store.pcbs.get(batch.pid)!.state).toBe('ERROR');
    expect(store.frames.get(batch.pid)!.errorInfo?.message).toMatch(/chen_yi_sheng.*no role/);
    expect(store.byService('item')).toHaveLength(0);
  });

  it('a cancelled member does not count as done: the join target gets an incident', async () => {
    const { kernel, exec, ops, store } = harness(design('start_iteration_service', { iterations: 2 }));
    const { result: batch } = await exec(
      kernel.startProcess({ service: 'batch', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    const [a, b] = store.byService('item');
    await exec(kernel.cancel(a!.pid, ops.fang!, 'not needed'));
    await exec(kernel.complete(b!.pid, ops.fang!));
    expect(store.frames.get(batch.pid)!.localVars['iteration_completed']).toBe(false);
    expect(store.pcbs.get(batch.pid)!.state).toBe('ERROR');
    expect(store.byService('wrap_up')).toHaveLength(0);
  });

  it('join flags do not leak: a returned instance fires no further own rules', async () => {
    const { kernel, exec, ops, store } = harness(design('start_iteration_service', { iterations: 1 }));
    const { result: batch } = await exec(
      kernel.startProcess({ service: 'batch', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    await exec(kernel.complete(store.byService('item')[0]!.pid, ops.fang!));
    await exec(kernel.complete(store.byService('wrap_up')[0]!.pid, ops.fang!));
    expect(store.pcbs.get(batch.pid)!.state).toBe('TERMINATED');
    // `joined` (iteration_completed = true) must not fire again when the instance terminates.
    expect(store.byService('wrap_up')).toHaveLength(1);
  });

  it('stops a rule loop at the cascade limit and commits nothing', async () => {
    const d = design('start_iteration_service', { iterations: 1 });
    // item NEW → start item: an endless chain.
    d.rules.push({
      key: 'loop',
      label: 'loop',
      program: 'batch',
      order: 9,
      subject: 'item',
      event: 'new',
      instruction: 'start',
      operand: 'item',
      parameterValues: {},
    });
    const { kernel, ops, store } = harness(d);
    await expect(
      kernel.startProcess({ service: 'batch', designVersion: 1, entity: null, actor: ops.fang! }),
    ).rejects.toMatchObject({ code: 'CASCADE_LIMIT' });
    expect(store.pcbs.size).toBe(0);
    // 10 000 steps of FEEL evaluation: a few seconds on a busy 2-core machine.
  }, 60_000);
});
