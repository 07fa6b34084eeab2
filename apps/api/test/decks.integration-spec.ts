import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NURSES, QUEUE_BACKENDS, START_INSTRUCTION, startRule, stateEvent } from './utils/automation-design';
import type { StageRunView } from '@opkernel/contracts';
import type { ApiClient } from '../src/journey/api-client';
import { DeckHandlers, DeckError } from '../src/modules/decks/deck-handlers';
import { expectEventually } from './utils/expect-eventually';
import { setupNurses } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

type View = { pid: number; service: string; state: string; waitReason: string | null; parentPid: number | null };

/**
 * A visit whose first step is automated: `crc` runs the route [3, 1, 0] (storage echoes, ops hashes) and its result
 * starts a review; `flaky` fails once and succeeds on its retry; `broken` fails every attempt (an incident, and the
 * ERROR rule starts a check).
 */
const decksDesign = (name: string) => ({
  schemaVersion: 1,
  name,
  decks: [
    { key: 'storage', id: 3, label: 'Storage', handlers: ['ops.echo', 'test.count'] },
    {
      key: 'ops',
      id: 1,
      label: 'Operations',
      handlers: ['ops.hash', 'ops.fail', 'ops.sleep', 'ops.merge'],
      retry: { attempts: 2, backoff: { type: 'fixed', delayMs: 50 } },
    },
  ],
  services: [
    { key: 'visit', label: 'Visit', kind: 'manual', manualStart: true, routeTo: 'nurse' },
    { key: 'visit2', label: 'Visit 2', kind: 'manual', manualStart: true, routeTo: 'nurse' },
    { key: 'visit3', label: 'Visit 3', kind: 'manual', manualStart: true, routeTo: 'nurse' },
    {
      key: 'crc',
      label: 'CRC',
      kind: 'system',
      automation: { route: [3, 1, 0], input: { customer: '=entity.label', n: 7 }, resultVar: 'crc_result' },
    },
    {
      key: 'flaky',
      label: 'Flaky',
      kind: 'system',
      automation: {
        route: [
          { deck: 'storage', handler: 'test.count' },
          { deck: 'ops', handler: 'ops.fail', input: { times: 1 } },
        ],
      },
    },
    {
      key: 'broken',
      label: 'Broken',
      kind: 'system',
      automation: { route: [3, { deck: 'ops', handler: 'ops.fail', input: { times: 99, code: 'LAB_DOWN' } }] },
    },
    {
      key: 'fan',
      label: 'Fan-out/fan-in',
      kind: 'system',
      automation: {
        input: { file: 'f' },
        dag: {
          output: '=nodes.E',
          nodes: [
            { key: 'A', deck: 'storage', handler: 'ops.echo' },
            { key: 'B', deck: 'ops', handler: 'ops.sleep', input: { ms: 700 }, after: ['A'] },
            { key: 'C', deck: 'ops', handler: 'ops.sleep', input: { ms: 700 }, after: ['A'] },
            {
              key: 'D',
              route: [
                { deck: 'storage', handler: 'ops.echo' },
                { deck: 'ops', handler: 'ops.sleep', input: { ms: 700 } },
              ],
              after: ['A'],
            },
            { key: 'E', deck: 'ops', handler: 'ops.merge', after: ['B', 'C', 'D'] },
          ],
        },
      },
    },
    { key: 'visit4', label: 'Visit 4', kind: 'manual', manualStart: true, routeTo: 'nurse' },
    { key: 'review', label: 'Review', kind: 'manual', routeTo: 'nurse' },
    { key: 'check', label: 'Check', kind: 'manual', routeTo: 'nurse' },
  ],
  events: [
    { key: 'on_new', label: 'new', expression: 'process_state = "NEW"' },
    { key: 'hashed', label: 'hashed', expression: 'process_state = "TERMINATED" and stage_result.digest != null' },
    stateEvent('done', 'TERMINATED'),
    stateEvent('failed', 'ERROR'),
  ],
  instructions: [START_INSTRUCTION],
  rules: [
    startRule('r1', 'visit', 1, 'visit', 'on_new', 'crc'),
    startRule('r2', 'visit', 2, 'crc', 'hashed', 'review'),
    startRule('r3', 'visit2', 1, 'visit2', 'on_new', 'flaky'),
    startRule('r4', 'visit2', 2, 'flaky', 'done', 'review'),
    startRule('r5', 'visit3', 1, 'visit3', 'on_new', 'broken'),
    startRule('r6', 'visit3', 2, 'broken', 'failed', 'check'),
    startRule('r8', 'visit4', 1, 'visit4', 'on_new', 'fan'),
    startRule('r9', 'visit4', 2, 'fan', 'done', 'review'),
    startRule('r7', 'visit3', 3, 'broken', 'done', 'review'),
  ],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['visit', 'visit2', 'visit3', 'visit4', 'review', 'check'] }],
  operators: NURSES,
});

describe.each(QUEUE_BACKENDS)('decks and routes on BullMQ ($name backend)', ({ name, redisUrl }) => {
  let t: TestApp;
  let admin: ApiClient;
  let storageCalls = 0;

  beforeAll(async () => {
    t = await startTestApp({ redisUrl });
    t.app.get(DeckHandlers).register('test.count', async (ctx) => {
      storageCalls++;
      if (ctx.attempt < 1) throw new DeckError('NEVER', 'never');
      return { counted: storageCalls };
    });
    ({ admin } = await setupNurses(t, decksDesign(`decks-${name}`)));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** The processes of a journey (the root and its steps), by service. */
  async function steps(root: number): Promise<Map<string, View>> {
    const page = await admin.get<{ items: View[] }>(`/v1/processes?limit=200`);
    return new Map(page.items.filter((p) => p.parentPid === root).map((p) => [p.service, p]));
  }

  const start = async (service: string) =>
    (await admin.post<{ pid: number }>('/v1/processes', { service, entity: { type: 'Customer', label: '李四' } })).pid;

  it('a route runs its decks in order and its result fires the rules', async () => {
    const root = await start('visit');
    const review = await expectEventually(async () => {
      const s = await steps(root);
      expect(s.get('crc')?.state).toBe('TERMINATED');
      expect(s.get('review')?.state).toBe('READY');
      return s;
    }, 20_000);
    const crc = review.get('crc')!;
    const events = await admin.get<{ action: string; actorKind: string | null }[]>(`/v1/processes/${crc.pid}/events`);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['start', 'wait', 'stage.completed', 'wake', 'complete']),
    );
    expect(events.find((e) => e.action === 'stage.completed')?.actorKind).toBe('worker');
    // The run: both steps done in order, one attempt each, the storage step echoing the evaluated input.
    const { run } = await admin.get<{ run: StageRunView }>(`/v1/processes/${crc.pid}/stages`);
    expect(run.status).toBe('succeeded');
    expect(run.steps).toEqual([
      { step: 0, deck: 'storage', handler: 'ops.echo', status: 'done' },
      { step: 1, deck: 'ops', handler: 'ops.hash', status: 'done' },
    ]);
    expect(run.input).toEqual({ customer: '李四', n: 7 });
    expect(run.outputs?.[0]).toEqual(run.input);
    expect(run.output).toMatchObject({ algo: 'sha256', digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(run.hops.map((h) => [h.step, h.deck, h.attempt, h.outcome])).toEqual([
      [0, 'storage', 1, 'completed'],
      [1, 'ops', 1, 'completed'],
    ]);
    expect(run.hops[0]!.worker).toMatch(/:\d+$/);
    // Each attempt is a deck metric.
    const metrics = await (
      await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${admin.accessToken}` } })
    ).text();
    expect(metrics).toMatch(/opkernel_deck_jobs_total\{deck="ops",handler="ops.hash",outcome="completed"\} [1-9]/);
    // The result is in the program instance's frame too (publish: program).
    const snaps = await admin.get<{ content: { localVars: Record<string, unknown> } }[]>(
      `/v1/processes/${root}/snapshots`,
    );
    expect(snaps.at(-1)!.content.localVars['crc_result']).toEqual(run.output);
  });

  it('a failed attempt is retried with backoff and the run goes on', async () => {
    const root = await start('visit2');
    await expectEventually(async () => {
      const s = await steps(root);
      expect(s.get('flaky')?.state).toBe('TERMINATED');
      expect(s.get('review')?.state).toBe('READY');
    }, 20_000);
    expect(storageCalls).toBe(1); // the storage step ran once: only the failed step was retried
  });

  it('a step failing past its retries is an incident; an admin retry re-runs only that step', async () => {
    const root = await start('visit3');
    const broken = await expectEventually(async () => {
      const s = await steps(root);
      expect(s.get('broken')?.state).toBe('ERROR');
      expect(s.get('check')?.state).toBe('READY');
      return s.get('broken')!;
    }, 20_000);
    // The incident names the code, the deck and the step (the wait reason of ERROR).
    const detail = await admin.get<View>(`/v1/processes/${broken.pid}`);
    expect(detail.waitReason).toContain('LAB_DOWN at step 1 (ops) after 2 attempt(s)');
    // The handler now succeeds: re-register it, then retry from the failed step (generation 1).
    t.app.get(DeckHandlers).register('ops.fail', async () => ({ fixed: true }));
    await admin.post(`/v1/processes/${broken.pid}/retry`, {});
    await expectEventually(async () => {
      const s = await steps(root);
      expect(s.get('broken')?.state).toBe('TERMINATED');
      expect(s.get('review')?.state).toBe('READY');
    }, 20_000);
    const after = await admin.get<{ action: string; details: Record<string, unknown> | null }[]>(
      `/v1/processes/${broken.pid}/events`,
    );
    expect(after.find((e) => e.action === 'stage.retry')?.details).toMatchObject({ gen: 1, step: 1 });
    const { run } = await admin.get<{ run: StageRunView }>(`/v1/processes/${broken.pid}/stages`);
    expect(run).toMatchObject({ gen: 1, status: 'succeeded', failure: null });
    // Generation 0: step 0 once, step 1 failed twice (its two attempts); generation 1: step 1 only.
    expect(run.hops.map((h) => [h.step, h.attempt, h.outcome])).toEqual([
      [0, 1, 'completed'],
      [1, 1, 'failed'],
      [1, 2, 'failed'],
      [1, 1, 'completed'],
    ]);
  });

  it('a DAG runs its independent nodes in parallel and its join exactly once', async () => {
    const root = await start('visit4');
    const fan = await expectEventually(async () => {
      const s = await steps(root);
      expect(s.get('fan')?.state).toBe('TERMINATED');
      expect(s.get('review')?.state).toBe('READY');
      return s.get('fan')!;
    }, 20_000);
    const { run } = await admin.get<{ run: StageRunView }>(`/v1/processes/${fan.pid}/stages`);
    expect(run.steps.map((x) => [x.node, x.status])).toEqual([
      ['A', 'done'],
      ['B', 'done'],
      ['C', 'done'],
      ['D', 'done'],
      ['E', 'done'],
    ]);
    const sleeps = run.hops.filter((h) => h.handler === 'ops.sleep');
    expect(sleeps).toHaveLength(3);
    // B, C and D's sleeps overlap: each started before any of them ended.
    expect(Math.max(...sleeps.map((h) => Date.parse(h.startedAt)))).toBeLessThan(
      Math.min(...sleeps.map((h) => Date.parse(h.endedAt))),
    );
    expect(run.hops.filter((h) => h.handler === 'ops.merge')).toHaveLength(1);
    expect(run.output).toEqual({ file: 'f' });
    const events = await admin.get<{ action: string }[]>(`/v1/processes/${fan.pid}/events`);
    expect(events.filter((e) => e.action === 'stage.node.completed')).toHaveLength(5);
  });

  it('Prefer: wait=N answers when the started run has finished', async () => {
    const res = await fetch(`${t.url}/api/v1/processes`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${admin.accessToken}`,
        prefer: 'wait=15',
      },
      body: JSON.stringify({ service: 'visit', entity: { type: 'Customer', label: 'wait' } }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('preference-applied')).toBe('wait=15');
    const answer = (await res.json()) as { pid: number; cascade: { service: string; state: string }[] };
    expect(answer.cascade.find((c) => c.service === 'crc')?.state).toBe('TERMINATED');
    // Without the preference the answer comes at once, the run still waiting on its decks.
    const quick = await admin.post<{ cascade: { service: string; state: string }[] }>('/v1/processes', {
      service: 'visit',
      entity: { type: 'Customer', label: 'quick' },
    });
    expect(quick.cascade.find((c) => c.service === 'crc')?.state).toBe('WAITING');
  });
});
