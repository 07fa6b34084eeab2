import { describe, expect, it } from 'vitest';
import type { Actor, Changeset, KernelDesign, KernelService, StageJob, StageReport } from '../src';
import { ruleDef, serviceDef } from '../src/testing';
import { harness } from './harness';

const admin: Actor = { key: 'admin', roles: [], admin: true };
const deck0: Actor = { key: 'deck-execution', roles: [], admin: false, kind: 'worker' };
const retry = { attempts: 3, backoff: { type: 'fixed' as const, delayMs: 10, jitter: 0 } };

/** A visit whose first step is an automated check on two decks (storage then ops); its outcome picks the next step. */
function design(automation: Partial<NonNullable<KernelService['automation']>> = {}): KernelDesign {
  return {
    services: [
      serviceDef('visit', { manualStart: true }),
      {
        ...serviceDef('crc', { kind: 'system' }),
        automation: {
          route: [3, { deck: 'ops', handler: 'ops.hash', input: { algo: 'sha1' } }, 0],
          input: { customer: '=entity.id', fixed: 7 },
          resultVar: 'crc_result',
          publish: 'program',
          ...automation,
        },
      },
      serviceDef('review'),
      serviceDef('check'),
    ],
    events: [
      { key: 'on_new', label: 'new', expression: 'process_state = "NEW"' },
      { key: 'ok', label: 'ok', expression: 'process_state = "TERMINATED" and stage_result.ok = true' },
      { key: 'failed', label: 'failed', expression: 'process_state = "ERROR"' },
    ],
    instructions: [{ key: 'start_service', label: 'start', sysCall: 'start_service', parameters: [] }],
    rules: [
      ruleDef('r1', 'visit', 1, 'visit', 'on_new', 'start_service', 'crc'),
      ruleDef('r2', 'visit', 2, 'crc', 'ok', 'start_service', 'review'),
      ruleDef('r3', 'visit', 3, 'crc', 'failed', 'start_service', 'check'),
    ],
    roles: [{ key: 'nurse', label: 'Nurse', services: ['visit', 'review', 'check'] }],
    decks: [
      {
        key: 'ops',
        id: 1,
        label: 'Operations',
        handlers: ['ops.crc32', 'ops.hash'],
        concurrency: 4,
        retry,
        timeoutMs: null,
      },
      { key: 'storage', id: 3, label: 'Storage', handlers: ['storage.read'], concurrency: 4, retry, timeoutMs: 5000 },
    ],
  } as KernelDesign;
}

function setup(d: KernelDesign = design()) {
  const h = harness(d);
  const startVisit = () =>
    h.exec(
      h.kernel.startProcess({
        service: 'visit',
        designVersion: 1,
        entity: { type: 'Operator', id: 'zhang_san' },
        actor: admin,
      }),
    );
  const jobs = (cs: Changeset): StageJob[] => cs.effects.flatMap((e) => (e.kind === 'stage.dispatch' ? [e.job] : []));
  const report = (r: StageReport) => h.exec(h.kernel.reportStage(r, deck0));
  const actions = (pid: number) => h.store.audit.filter((a) => a.pid === pid).map((a) => a.action);
  const get = (pid: number) => h.store.pcbs.get(pid)!;
  return { ...h, startVisit, jobs, report, actions, get };
}

describe('automated system services (decks and routes)', () => {
  it('admission: RUNNING then WAITING on the first deck, the input evaluated, hop 0 dispatched once', async () => {
    const t = setup();
    const cs = await t.startVisit();
    const crc = t.live('crc');
    expect(crc.state).toBe('WAITING');
    expect(crc.waitReason).toBe(`deck:storage#p${crc.pid}r1-g0`);
    const [job, ...more] = t.jobs(cs);
    expect(more).toEqual([]);
    expect(job).toMatchObject({
      runId: `p${crc.pid}r1`,
      pid: crc.pid,
      gen: 0,
      step: 0,
      input: { customer: 'zhang_san', fixed: 7 },
      prev: { customer: 'zhang_san', fixed: 7 },
      outputs: [],
    });
    expect(job!.steps).toEqual([
      { deck: 'storage', handler: 'storage.read', config: null, retry, timeoutMs: 5000 },
      { deck: 'ops', handler: 'ops.hash', config: { algo: 'sha1' }, retry, timeoutMs: null },
    ]);
    expect(t.actions(crc.pid)).toEqual(['created', 'admit', 'start', 'wait']);
    expect(t.store.frames.get(crc.pid)!.stage).toMatchObject({ status: 'running', gen: 0, steps: 2 });
  });

  it('a result fires the rules and terminates the run; a redelivered result changes nothing', async () => {
    const t = setup();
    await t.startVisit();
    const crc = t.live('crc');
    const visit = t.live('visit');
    const output = { ok: true, digest: 'abc' };
    const done: StageReport = {
      kind: 'completed',
      pid: crc.pid,
      runId: `p${crc.pid}r1`,
      gen: 0,
      output,
      outputs: [{ bytes: 3 }, output],
      hops: [],
    };
    const cs = await t.report(done);
    expect(t.get(crc.pid).state).toBe('TERMINATED');
    expect(t.get(crc.pid).terminatedReason).toBe('completed');
    const frame = t.store.frames.get(crc.pid)!;
    expect(frame.localVars).toMatchObject({ stage_result: output, crc_result: output });
    expect(frame.returnValue).toEqual(output);
    expect(frame.stage).toMatchObject({ status: 'succeeded', outputs: [{ bytes: 3 }, output] });
    expect(t.store.frames.get(visit.pid)!.localVars['crc_result']).toEqual(output);
    expect(t.live('review').state).toBe('READY');
    expect(t.jobs(cs)).toEqual([]);
    // The same report again (a redelivery at deck 0): audited, nothing else.
    await t.report(done);
    expect(t.actions(crc.pid).slice(-1)).toEqual(['stage.result.duplicate']);
    expect(t.store.byService('review')).toHaveLength(1);
  });

  it('a failure is an incident naming the step; retry re-runs only the failed step in a new generation', async () => {
    const t = setup();
    await t.startVisit();
    const crc = t.live('crc');
    const runId = `p${crc.pid}r1`;
    const failure = { code: 'STAGE_FAILED', deck: 'ops', step: 1, attempts: 3, message: 'boom' };
    await t.report({ kind: 'failed', pid: crc.pid, runId, gen: 0, failure, outputs: [{ bytes: 3 }], hops: [] });
    const failed = t.get(crc.pid);
    expect(failed.state).toBe('ERROR');
    expect(t.store.frames.get(crc.pid)!.errorInfo).toMatchObject({
      code: 'STAGE_FAILED',
      deck: 'ops',
      step: 1,
      attempts: 3,
    });
    expect(t.live('check').state).toBe('READY'); // the ERROR rule fired

    const cs = await t.exec(t.kernel.retry(crc.pid, admin));
    const back = t.get(crc.pid);
    expect(back.state).toBe('WAITING');
    expect(back.waitReason).toBe(`deck:ops#${runId}-g1`);
    expect(t.store.frames.get(crc.pid)!.errorInfo).toBeNull();
    const [job] = t.jobs(cs);
    expect(job).toMatchObject({ runId, gen: 1, step: 1, prev: { bytes: 3 }, outputs: [{ bytes: 3 }] });

    // A late report of generation 0 is stale; generation 1's result finishes the run.
    const output = { ok: true };
    await t.report({
      kind: 'completed',
      pid: crc.pid,
      runId,
      gen: 0,
      output,
      outputs: [{ bytes: 3 }, output],
      hops: [],
    });
    expect(t.get(crc.pid).state).toBe('WAITING');
    expect(t.actions(crc.pid).slice(-1)).toEqual(['stage.result.stale']);
    await t.report({
      kind: 'completed',
      pid: crc.pid,
      runId,
      gen: 1,
      output,
      outputs: [{ bytes: 3 }, output],
      hops: [],
    });
    expect(t.get(crc.pid).state).toBe('TERMINATED');
    expect(t.live('review').state).toBe('READY');
  });

  it('an input that fails to evaluate is an incident before any dispatch; retry admits the run again', async () => {
    const t = setup(design({ input: { n: '=1 +' } }));
    const cs = await t.startVisit();
    const crc = t.store.byService('crc')[0]!;
    expect(crc.state).toBe('ERROR');
    expect(t.store.frames.get(crc.pid)!.errorInfo).toMatchObject({ code: 'STAGE_INPUT' });
    expect(t.jobs(cs)).toEqual([]);
  });

  it('a route naming an unknown deck is an incident (INVALID_ROUTE)', async () => {
    const t = setup(design({ route: [9, 0] }));
    const cs = await t.startVisit();
    const crc = t.store.byService('crc')[0]!;
    expect(crc.state).toBe('ERROR');
    expect(t.store.frames.get(crc.pid)!.errorInfo).toMatchObject({ code: 'INVALID_ROUTE' });
    expect(t.jobs(cs)).toEqual([]);
  });

  it('a system service without automation still waits READY in the system pool', async () => {
    const d = design();
    d.services = d.services.map((s) => (s.key === 'crc' ? { ...s, automation: null } : s));
    const t = setup(d);
    const cs = await t.startVisit();
    expect(t.live('crc').state).toBe('READY');
    expect(t.jobs(cs)).toEqual([]);
  });

  it('a scheduled start waits READY with a timer and runs when it fires', async () => {
    const t = setup();
    const at = t.clock.now() + 3_600_000;
    const cs = await t.exec(
      t.kernel.startProcess({ service: 'crc', designVersion: 1, entity: null, actor: admin, scheduledAt: at }),
    );
    const crc = cs.result;
    expect(crc.state).toBe('READY');
    expect(t.jobs(cs)).toEqual([]);
    const timer = cs.effects.find((e) => e.kind === 'timer.set' && e.timer.purpose === 'scheduled');
    expect(timer && timer.kind === 'timer.set' && timer.timer.dueAt).toBe(at);
    t.clock.set(at);
    const fired = await t.exec(
      t.kernel.fireTimer({ key: `scheduled:${crc.pid}`, pid: crc.pid, purpose: 'scheduled', dueAt: at }, admin),
    );
    expect(t.get(crc.pid).state).toBe('WAITING');
    expect(t.jobs(fired).map((j) => j.step)).toEqual([0]);
  });

  it('suspended by an admin, a run keeps its result until resumed; others may not suspend it', async () => {
    const t = setup();
    await t.startVisit();
    const crc = t.live('crc');
    await expect(t.kernel.suspend(crc.pid, t.ops.fang!, 'pause')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await t.exec(t.kernel.suspend(crc.pid, admin, 'maintenance'));
    expect(t.get(crc.pid).state).toBe('SUSPENDED');
    const output = { ok: true };
    await t.report({
      kind: 'completed',
      pid: crc.pid,
      runId: `p${crc.pid}r1`,
      gen: 0,
      output,
      outputs: [1, output],
      hops: [],
    });
    expect(t.get(crc.pid).state).toBe('SUSPENDED'); // held
    expect(t.store.byService('review')).toHaveLength(0);
    await t.exec(t.kernel.resume(crc.pid, admin));
    expect(t.get(crc.pid).state).toBe('TERMINATED');
    expect(t.live('review').state).toBe('READY');
  });
});
