import { describe, expect, it } from 'vitest';
import { allowedActions, type Actor, type Changeset, type Kernel, type KernelDesign, type TaskAction } from '../src';
import { ruleDef, serviceDef } from '../src/testing';
import { harness } from './harness';

/** `trip` (manual start, a program) starts `step_a` for its starter; `chore` sits in the ke_fu pool. */
const design: KernelDesign = {
  services: [
    serviceDef('journey', { kind: 'program', manualStart: true }),
    serviceDef('trip'),
    serviceDef('step_a'),
    { ...serviceDef('chore', { manualStart: true }), routeTo: 'ke_fu' },
  ],
  events: [{ key: 'new', label: 'new', expression: 'state = "NEW"' }],
  instructions: [{ key: 'start', label: 'start', sysCall: 'start_service', parameters: [] }],
  // `trip` has rules of its own, so it is a program; its rule without an instruction changes nothing.
  rules: [
    ruleDef('entry', 'journey', 1, 'trip', 'new', 'start', 'step_a'),
    ruleDef('noop', 'trip', 1, 'step_a', 'new', null, null),
  ],
  roles: [
    { key: 'ke_fu', label: 'ke_fu', services: ['trip', 'step_a', 'chore'] },
    { key: 'yi_sheng', label: 'yi_sheng', services: [] },
  ],
};

/** Runs `action` as the task page would (without committing it). */
function attempt(kernel: Kernel, pid: number, action: TaskAction, actor: Actor, other: string): Promise<Changeset> {
  switch (action) {
    case 'claim':
      return kernel.claim(pid, actor);
    case 'start':
      return kernel.start(pid, actor);
    case 'complete':
      return kernel.complete(pid, actor, {});
    case 'suspend':
      return kernel.suspend(pid, actor, 'waiting for the customer');
    case 'resume':
      return kernel.resume(pid, actor);
    case 'transfer':
      return kernel.transfer(pid, actor, other);
    case 'unclaim':
      return kernel.unclaim(pid, actor);
    case 'cancel':
      return kernel.cancel(pid, actor, 'not needed');
    case 'retry':
      return kernel.retry(pid, actor);
  }
}

describe('allowedActions: what a reader is offered, each one accepted by the kernel', () => {
  it('offers the state table of a task to its owner, its pool, an outsider and an admin', async () => {
    const { kernel, exec, ops, store } = harness(design);
    const index = await store.designSource.get(1);
    const { result: trip } = await exec(
      kernel.startProcess({ service: 'trip', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    const mine = store.byService('step_a')[0]!;
    const { result: chore } = await exec(
      kernel.startProcess({ service: 'chore', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    const offered = (pid: number, actor: Actor) => allowedActions(store.pcbs.get(pid)!, actor, index);

    expect(offered(mine.pid, ops.fang!)).toEqual(['start', 'complete', 'suspend', 'transfer', 'unclaim', 'cancel']);
    expect(offered(mine.pid, ops.jiang!)).toEqual([]); // someone else's task
    expect(offered(mine.pid, ops.chen!)).toEqual([]); // no role allows step_a
    expect(offered(mine.pid, ops.manager!)).toEqual(['suspend', 'transfer', 'unclaim', 'cancel']);
    expect(offered(chore.pid, ops.jiang!)).toEqual(['claim', 'suspend', 'transfer', 'cancel']);
    expect(offered(chore.pid, ops.chen!)).toEqual([]);
    // A journey's root: its starter may cancel it, others may not; admins may.
    expect(offered(trip.pid, ops.fang!)).toEqual(['cancel']);
    expect(offered(trip.pid, ops.jiang!)).toEqual([]);
    expect(offered(trip.pid, ops.manager!)).toEqual(['cancel']);

    await exec(kernel.suspend(mine.pid, ops.fang!, 'later'));
    expect(offered(mine.pid, ops.fang!)).toEqual(['resume', 'transfer', 'unclaim', 'cancel']);
    await exec(kernel.resume(mine.pid, ops.fang!));
    await exec(kernel.complete(mine.pid, ops.fang!, {}));
    expect(offered(mine.pid, ops.fang!)).toEqual([]);
    expect(offered(mine.pid, ops.manager!)).toEqual([]);
  });

  it('every offered action is accepted by the kernel, for every reader and state', async () => {
    const { kernel, exec, ops, store } = harness(design);
    const index = await store.designSource.get(1);
    await exec(kernel.startProcess({ service: 'trip', designVersion: 1, entity: null, actor: ops.fang! }));
    const chore = (
      await exec(kernel.startProcess({ service: 'chore', designVersion: 1, entity: null, actor: ops.fang! }))
    ).result;
    const running = store.byService('step_a')[0]!;
    await exec(kernel.start(running.pid, ops.fang!));
    const suspended = (
      await exec(kernel.startProcess({ service: 'chore', designVersion: 1, entity: null, actor: ops.fang! }))
    ).result;
    await exec(kernel.claim(suspended.pid, ops.jiang!));
    await exec(kernel.suspend(suspended.pid, ops.jiang!, 'later'));
    const others: Record<string, string> = { xiao_fang: 'xiao_jiang', xiao_jiang: 'xiao_fang', Manager: 'xiao_fang' };
    let checked = 0;
    for (const pcb of [...store.pcbs.values()]) {
      for (const actor of Object.values(ops)) {
        for (const action of allowedActions(pcb, actor, index)) {
          await expect(
            attempt(kernel, pcb.pid, action, actor, others[actor.key] ?? 'xiao_fang'),
          ).resolves.toBeDefined();
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
    expect(chore.state).toBe('READY');
  });
});
