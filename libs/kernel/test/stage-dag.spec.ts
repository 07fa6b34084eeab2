import { describe, expect, it } from 'vitest';
import type { Actor, Changeset, KernelDesign, StageJob, StageReport } from '../src';
import { compileDag } from '../src';
import { ruleDef, serviceDef } from '../src/testing';
import { harness } from './harness';

const admin: Actor = { key: 'admin', roles: [], admin: true };
const deck0: Actor = { key: 'deck-execution', roles: [], admin: false, kind: 'worker' };
const retry = { attempts: 1, backoff: { type: 'fixed' as const, delayMs: 10, jitter: 0 } };
const decks = [
  { key: 'ops', id: 1, label: 'Ops', handlers: ['ops.hash', 'ops.merge'], concurrency: 4, retry, timeoutMs: null },
  { key: 'storage', id: 3, label: 'Storage', handlers: ['storage.read'], concurrency: 4, retry, timeoutMs: null },
];

/** bullmq#3812's shape: A → (B, C, D) → E, D itself a two-step route; E's output is the run's. */
function design(): KernelDesign {
  return {
    services: [
      serviceDef('visit', { manualStart: true }),
      {
        ...serviceDef('fan', { kind: 'system' }),
        automation: {
          input: { file: 'f1' },
          resultVar: null,
          publish: 'program',
          dag: {
            output: '=nodes.E',
            nodes: [
              { key: 'A', deck: 3, handler: 'storage.read', after: [] },
              { key: 'B', deck: 1, handler: 'ops.hash', after: ['A'] },
              { key: 'C', deck: 1, handler: 'ops.hash', after: ['A'] },
              { key: 'D', route: [3, 1], after: ['A'] },
              { key: 'E', deck: 1, handler: 'ops.merge', after: ['B', 'C', 'D'] },
            ],
          },
        },
      },
      serviceDef('next'),
    ],
    events: [
      { key: 'on_new', label: 'new', expression: 'process_state = "NEW"' },
      { key: 'done', label: 'done', expression: 'process_state = "TERMINATED"' },
    ],
    instructions: [{ key: 'start_service', label: 'start', sysCall: 'start_service', parameters: [] }],
    rules: [
      ruleDef('r1', 'visit', 1, 'visit', 'on_new', 'start_service', 'fan'),
      ruleDef('r2', 'visit', 2, 'fan', 'done', 'start_service', 'next'),
    ],
    roles: [{ key: 'nurse', label: 'Nurse', services: ['visit', 'next'] }],
    decks,
  } as KernelDesign;
}

function setup() {
  const h = harness(design());
  const jobs = (cs: Changeset): StageJob[] => cs.effects.flatMap((e) => (e.kind === 'stage.dispatch' ? [e.job] : []));
  const report = (r: StageReport) => h.exec(h.kernel.reportStage(r, deck0));
  const done = (job: StageJob, output: unknown): StageReport => ({
    kind: 'completed',
    pid: job.pid,
    runId: job.runId,
    node: job.node,
    gen: job.gen,
    output,
    outputs: job.steps.map(() => output),
    hops: [],
  });
  return { ...h, jobs, report, done };
}

describe('DAG automation (fan-out, join exactly once)', () => {
  it('compiles in topological order; a cycle is refused naming a node on it', () => {
    const plan = compileDag(new Map(decks.map((d) => [d.key, d])), design().services[1]!.automation!);
    expect(plan.nodes.map((n) => n.key)).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(plan.sinks).toEqual(['E']);
    expect(plan.byKey.get('D')!.steps.map((s) => s.deck)).toEqual(['storage', 'ops']);
    const cyclic = {
      input: {},
      resultVar: null,
      publish: 'none' as const,
      dag: {
        nodes: [
          { key: 'X', deck: 1, after: ['Y'] },
          { key: 'Y', deck: 1, after: ['X'] },
        ],
      },
    };
    expect(() => compileDag(new Map(decks.map((d) => [d.key, d])), cyclic)).toThrow(/cycle through node "X"/);
  });

  it('runs independent nodes at once and the join exactly once, when its last dependency ends', async () => {
    const t = setup();
    const start = await t.exec(
      t.kernel.startProcess({ service: 'visit', designVersion: 1, entity: null, actor: admin }),
    );
    const [a, ...none] = t.jobs(start);
    expect(none).toEqual([]);
    expect(a).toMatchObject({ node: 'A', step: 0, gen: 0, prev: { file: 'f1' } });
    const fan = t.store.byService('fan')[0]!;
    expect(fan.waitReason).toBe(`deck:dag#p${fan.pid}r1-g0`);

    // A done: B, C and D are dispatched together; D's job carries its two-step route.
    const afterA = t.jobs(await t.report(t.done(a!, { bytes: 10 })));
    expect(afterA.map((j) => j.node)).toEqual(['B', 'C', 'D']);
    expect(afterA.every((j) => (j.prev as { bytes: number }).bytes === 10)).toBe(true);
    expect(afterA.find((j) => j.node === 'D')!.steps).toHaveLength(2);
    const [b, c, d] = afterA;

    expect(t.jobs(await t.report(t.done(b!, { b: 1 })))).toEqual([]);
    // A redelivered B changes nothing (audited as a duplicate), and dispatches nothing.
    expect(t.jobs(await t.report(t.done(b!, { b: 1 })))).toEqual([]);
    expect(t.store.audit.filter((x) => x.pid === fan.pid).at(-1)!.action).toBe('stage.result.duplicate');
    expect(t.jobs(await t.report(t.done(d!, { d: 4 })))).toEqual([]);
    // C is the last dependency: E is dispatched once, with all three outputs.
    const afterC = t.jobs(await t.report(t.done(c!, { c: 3 })));
    expect(afterC).toHaveLength(1);
    expect(afterC[0]).toMatchObject({ node: 'E', prev: { B: { b: 1 }, C: { c: 3 }, D: { d: 4 } } });
    expect(t.jobs(await t.report(t.done(c!, { c: 3 })))).toEqual([]);

    await t.report(t.done(afterC[0]!, { b: 1, c: 3, d: 4 }));
    const ended = t.store.pcbs.get(fan.pid)!;
    expect(ended.state).toBe('TERMINATED');
    expect(t.store.frames.get(fan.pid)!.localVars['stage_result']).toEqual({ b: 1, c: 3, d: 4 });
    expect(t.store.byService('next')).toHaveLength(1);
  });

  it('a failing node stops new dispatch (incident NODE_FAILED); retry re-runs only the failed node, then the join', async () => {
    const t = setup();
    const start = await t.exec(
      t.kernel.startProcess({ service: 'visit', designVersion: 1, entity: null, actor: admin }),
    );
    const [a] = t.jobs(start);
    const [b, c, d] = t.jobs(await t.report(t.done(a!, { bytes: 10 })));
    const fan = t.store.byService('fan')[0]!;
    await t.report(t.done(b!, { b: 1 }));
    const failure = { code: 'LAB_DOWN', deck: 'ops', step: 0, attempts: 1, message: 'down' };
    await t.report({
      kind: 'failed',
      pid: fan.pid,
      runId: c!.runId,
      node: 'C',
      gen: 0,
      failure,
      outputs: [],
      hops: [],
    });
    expect(t.store.pcbs.get(fan.pid)!.state).toBe('ERROR');
    expect(t.store.frames.get(fan.pid)!.errorInfo).toMatchObject({ code: 'NODE_FAILED' });
    expect(t.store.frames.get(fan.pid)!.errorInfo!.message).toContain('node C: LAB_DOWN');
    // D, still running when C failed, ends while the process is in ERROR: recorded, nothing dispatched.
    expect(t.jobs(await t.report(t.done(d!, { d: 4 })))).toEqual([]);
    expect(t.store.frames.get(fan.pid)!.stage!.dag!['D']!.state).toBe('done');
    expect(t.store.pcbs.get(fan.pid)!.state).toBe('ERROR');

    // Retry: only C again, in generation 1 (A, B and D are done and not run again).
    const retried = t.jobs(await t.exec(t.kernel.retry(fan.pid, admin)));
    expect(retried.map((j) => [j.node, j.gen])).toEqual([['C', 1]]);
    // A late report of C's failed generation is stale.
    await t.report(t.done(c!, { c: 0 }));
    expect(t.store.audit.filter((x) => x.pid === fan.pid).at(-1)!.action).toBe('stage.result.stale');
    const afterC = t.jobs(await t.report(t.done(retried[0]!, { c: 3 })));
    expect(afterC.map((j) => j.node)).toEqual(['E']);
    await t.report(t.done(afterC[0]!, { all: true }));
    expect(t.store.pcbs.get(fan.pid)!.state).toBe('TERMINATED');
    expect(t.store.frames.get(fan.pid)!.stage!.dag!['A']!.gen).toBe(0); // A never ran again
  });
});
