import { describe, expect, it } from 'vitest';
import type { Actor, Changeset, KernelDesign, StageJob, StageReport } from '../src';
import { ruleDef, serviceDef } from '../src/testing';
import { harness } from './harness';

const admin: Actor = { key: 'admin', roles: [], admin: true };
const deck0: Actor = { key: 'deck-execution', roles: [], admin: false, kind: 'worker' };
const retry = { attempts: 1, backoff: { type: 'fixed' as const, delayMs: 10, jitter: 0 } };
const decks = [{ key: 'ops', id: 1, label: 'Ops', handlers: ['ops.hash'], concurrency: 4, retry, timeoutMs: null }];
const jobs = (cs: Changeset): StageJob[] => cs.effects.flatMap((e) => (e.kind === 'stage.dispatch' ? [e.job] : []));
const done = (job: StageJob, output: unknown): StageReport => ({
  kind: 'completed',
  pid: job.pid,
  runId: job.runId,
  node: job.node,
  gen: job.gen,
  output,
  outputs: [output],
  hops: [],
});

/** `visit` starts `auto` (a system service with `automation`); `extra` rules may be added. */
function design(automation: object, extra: ReturnType<typeof ruleDef>[] = []): KernelDesign {
  return {
    services: [
      serviceDef('visit', { manualStart: true }),
      {
        ...serviceDef('auto', { kind: 'system' }),
        automation: { input: {}, resultVar: null, publish: 'none', ...automation },
      },
      serviceDef('next'),
    ],
    events: [{ key: 'on_new', label: 'new', expression: 'process_state = "NEW"' }],
    instructions: [{ key: 'start_service', label: 'start', sysCall: 'start_service', parameters: [] }],
    rules: [ruleDef('r1', 'visit', 1, 'visit', 'on_new', 'start_service', 'auto'), ...extra],
    roles: [{ key: 'nurse', label: 'Nurse', services: ['visit', 'next'] }],
    decks,
  } as KernelDesign;
}

const startVisit = (t: ReturnType<typeof harness>) =>
  t.exec(t.kernel.startProcess({ service: 'visit', designVersion: 1, entity: null, actor: admin }));

describe('automation runs that must not hang (suspension, incidents from elsewhere, late starts)', () => {
  it('a DAG node ending while the process is suspended: its dependants go out when it is resumed', async () => {
    const t = harness(
      design({
        dag: {
          nodes: [
            { key: 'A', deck: 1, after: [] },
            { key: 'B', deck: 1, after: ['A'] },
          ],
        },
      }),
    );
    const [a] = jobs(await startVisit(t));
    const auto = t.store.byService('auto')[0]!;
    await t.exec(t.kernel.suspend(auto.pid, admin, 'maintenance'));
    const afterA = await t.exec(t.kernel.reportStage(done(a!, { x: 1 }), deck0));
    expect(jobs(afterA)).toEqual([]); // suspended: nothing new goes out
    expect(t.store.frames.get(auto.pid)!.stage!.dag!['B']!.state).toBe('pending');
    const resumed = await t.exec(t.kernel.resume(auto.pid, admin));
    expect(jobs(resumed).map((j) => j.node)).toEqual(['B']);
    await t.exec(t.kernel.reportStage(done(jobs(resumed)[0]!, { y: 2 }), deck0));
    expect(t.store.pcbs.get(auto.pid)!.state).toBe('TERMINATED');
  });

  it('an incident from a rule while the run is under way: retry sends the step out again in a new generation', async () => {
    // A rule on the system step whose instruction fails (no such service): ERROR in the admitting command, whose
    // dispatch is then dropped.
    const t = harness(design({ route: [1] }, [ruleDef('r2', 'visit', 2, 'auto', 'on_new', 'start_service', 'nope')]));
    const start = await startVisit(t);
    const auto = t.store.byService('auto')[0]!;
    expect(auto.state).toBe('ERROR');
    expect(jobs(start)).toEqual([]);
    const retried = await t.exec(t.kernel.retry(auto.pid, admin));
    const [job] = jobs(retried);
    expect(job).toMatchObject({ gen: 1, step: 0 });
    expect(t.store.pcbs.get(auto.pid)!.state).toBe('WAITING');
    await t.exec(t.kernel.reportStage(done(job!, { ok: true }), deck0));
    expect(t.store.pcbs.get(auto.pid)!.state).toBe('TERMINATED');
  });

  it('a scheduled automated start suspended past its time starts when resumed', async () => {
    const t = harness(design({ route: [1] }));
    const at = t.clock.now() + 60_000;
    const start = await t.exec(
      t.kernel.startProcess({ service: 'auto', designVersion: 1, entity: null, scheduledAt: at, actor: admin }),
    );
    const pid = start.result.pid;
    await t.exec(t.kernel.suspend(pid, admin, 'hold'));
    t.clock.advance(120_000);
    const resumed = await t.exec(t.kernel.resume(pid, admin));
    expect(jobs(resumed)).toHaveLength(1);
    expect(t.store.pcbs.get(pid)!.state).toBe('WAITING');
  });
});
