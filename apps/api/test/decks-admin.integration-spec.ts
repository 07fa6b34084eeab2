import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NURSES, QUEUE_BACKENDS, START_INSTRUCTION, startRule } from './utils/automation-design';
import type { DeckFailure, DeckView } from '@opkernel/contracts';
import { ApiProblem, type ApiClient } from '../src/journey/api-client';
import { OperatorDirectory } from '../src/modules/auth/operator-directory.service';
import { BOARD_COOKIE, BoardSessions } from '../src/modules/decks/board-session';
import { expectEventually } from './utils/expect-eventually';
import { failure, setupNurses } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

type View = { pid: number; service: string; state: string; parentPid: number | null };

/**
 * Two decks: `storage` (3) echoes, `ops` (1) hashes or fails. `visit` starts `crc` (route [3, 1]); `visit3` starts
 * `broken`, whose step on ops fails every attempt (one attempt: an incident at once).
 */
const design = (name: string) => ({
  schemaVersion: 1,
  name,
  decks: [
    { key: 'storage', id: 3, label: 'Storage', handlers: ['ops.echo'] },
    {
      key: 'ops',
      id: 1,
      label: 'Operations',
      handlers: ['ops.hash', 'ops.fail'],
      concurrency: 2,
      retry: { attempts: 1, backoff: { type: 'fixed', delayMs: 10 } },
    },
  ],
  services: [
    { key: 'visit', label: 'Visit', kind: 'manual', manualStart: true, routeTo: 'nurse' },
    { key: 'visit3', label: 'Visit 3', kind: 'manual', manualStart: true, routeTo: 'nurse' },
    { key: 'crc', label: 'CRC', kind: 'system', automation: { route: [3, 1] } },
    {
      key: 'broken',
      label: 'Broken',
      kind: 'system',
      automation: { route: [3, { deck: 'ops', handler: 'ops.fail', input: { code: 'LAB_DOWN' } }] },
    },
  ],
  events: [{ key: 'on_new', label: 'new', expression: 'process_state = "NEW"' }],
  instructions: [START_INSTRUCTION],
  rules: [
    startRule('r1', 'visit', 1, 'visit', 'on_new', 'crc'),
    startRule('r2', 'visit3', 1, 'visit3', 'on_new', 'broken'),
  ],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['visit', 'visit3'] }],
  operators: NURSES,
});

describe.each(QUEUE_BACKENDS)('decks admin: REST and Bull Board ($name backend)', ({ name, redisUrl }) => {
  let t: TestApp;
  let admin: ApiClient;
  let amy: ApiClient;

  beforeAll(async () => {
    t = await startTestApp({ redisUrl });
    ({ admin, amy } = await setupNurses(t, design(`decks-admin-${name}`)));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const decks = async () => new Map((await admin.get<DeckView[]>('/v1/decks')).map((d) => [d.key, d]));

  /** The system step `service` of a new journey of `root` once it is there. */
  async function stepOf(root: string, service: string): Promise<View> {
    const { pid } = await admin.post<{ pid: number }>('/v1/processes', {
      service: root,
      entity: { type: 'Customer', label: '王五' },
    });
    return expectEventually(async () => {
      const page = await admin.get<{ items: View[] }>('/v1/processes?limit=200');
      const step = page.items.find((p) => p.parentPid === pid && p.service === service);
      expect(step).toBeDefined();
      return step!;
    }, 20_000);
  }

  const stateOf = async (pid: number) => (await admin.get<View>(`/v1/processes/${pid}`)).state;

  it('lists the execution deck and the design’s decks, and their counts move when a route runs', async () => {
    const before = await decks();
    expect([...before.keys()]).toEqual(['execution', 'ops', 'storage']);
    expect(before.get('ops')).toMatchObject({
      id: 1,
      label: 'Operations',
      handlers: ['ops.hash', 'ops.fail'],
      concurrency: 2,
      queue: 'deck-ops',
      paused: false,
    });
    expect(before.get('execution')).toMatchObject({ id: 0, queue: 'deck-execution', handlers: [] });
    const crc = await stepOf('visit', 'crc');
    await expectEventually(async () => expect(await stateOf(crc.pid)).toBe('TERMINATED'), 20_000);
    const after = await decks();
    for (const key of ['storage', 'ops', 'execution'])
      expect(after.get(key)!.counts.completed).toBe(before.get(key)!.counts.completed + 1);
    // The workers of this process are connected to every queue (the backend lists them).
    expect(after.get('storage')).toMatchObject({ workerSource: 'backend' });
    expect(after.get('storage')!.workers).toBeGreaterThanOrEqual(1);
    expect(after.get('execution')!.workers).toBeGreaterThanOrEqual(1);
  });

  it('a paused deck keeps a dispatched hop waiting; resumed, the run goes on', async () => {
    expect(await admin.post<DeckView>('/v1/decks/storage/pause')).toMatchObject({ key: 'storage', paused: true });
    const crc = await stepOf('visit', 'crc');
    // Hops carry the process's priority: they wait as `prioritized` jobs.
    const queued = async () => {
      const { counts } = (await decks()).get('storage')!;
      return counts.waiting + counts.prioritized;
    };
    await expectEventually(async () => expect(await queued()).toBe(1), 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await stateOf(crc.pid)).toBe('WAITING');
    expect(await queued()).toBe(1);
    expect((await decks()).get('storage')).toMatchObject({ paused: true, counts: { active: 0 } });
    expect(await admin.post<DeckView>('/v1/decks/storage/resume')).toMatchObject({ paused: false });
    await expectEventually(async () => expect(await stateOf(crc.pid)).toBe('TERMINATED'), 20_000);
    expect(await queued()).toBe(0);
  });

  it('lists a failed hop with its process, step, handler and reason, newest first', async () => {
    const broken = await stepOf('visit3', 'broken');
    await expectEventually(async () => expect(await stateOf(broken.pid)).toBe('ERROR'), 20_000);
    const failures = await admin.get<DeckFailure[]>('/v1/decks/ops/failures?limit=5');
    expect(failures[0]).toMatchObject({
      pid: broken.pid,
      step: 1,
      handler: 'ops.fail',
      attemptsMade: 1,
      runId: expect.any(String),
      jobId: expect.stringMatching(/-s1-g0$/),
    });
    expect(failures[0]!.failedReason).toContain('LAB_DOWN');
    expect(Date.parse(failures[0]!.finishedOn!)).toBeGreaterThan(Date.now() - 60_000);
    expect((await decks()).get('ops')!.counts.failed).toBeGreaterThanOrEqual(1);
    expect(await admin.get<DeckFailure[]>('/v1/decks/storage/failures')).toEqual([]);
  });

  it('refuses non-admins (403) and answers 404 / 422 problems for an unknown deck or a bad limit', async () => {
    const asAmy = await Promise.all([
      failure(amy.get('/v1/decks')),
      failure(amy.post('/v1/decks/ops/pause')),
      failure(amy.post('/v1/decks/ops/resume')),
      failure(amy.get('/v1/decks/ops/failures')),
      failure(amy.post('/v1/decks/board-session')),
    ]);
    expect(asAmy.map((p) => p?.status)).toEqual([403, 403, 403, 403, 403]);
    const missing = await failure(admin.post('/v1/decks/nope/pause'));
    expect(missing).toBeInstanceOf(ApiProblem);
    expect(missing).toMatchObject({ status: 404, problem: { detail: expect.stringContaining('nope') } });
    expect((await failure(admin.get('/v1/decks/nope/failures')))?.status).toBe(404);
    expect((await failure(admin.get('/v1/decks/ops/failures?limit=0')))?.status).toBe(422);
    expect((await decks()).get('ops')!.paused).toBe(false);
  });

  it('serves Bull Board at /admin/queues to admins with a board session only', async () => {
    const board = (path: string, headers: Record<string, string> = {}) =>
      fetch(`${t.url}/admin/queues${path}`, { headers, redirect: 'manual' });
    // No session: a page load goes to the Decks page, an API call gets a 401 problem.
    const page = await board('/', { accept: 'text/html' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/decks/');
    const api = await board('/api/queues');
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The admin's session: an HttpOnly, SameSite=Strict cookie on the board's path only.
    const res = await fetch(`${t.url}/api/v1/decks/board-session`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.accessToken}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ url: '/admin/queues/', expiresIn: 1800 });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^opk_board=[^;]+; Path=\/admin\/queues; Max-Age=1800; HttpOnly; SameSite=Strict$/);
    const cookie = setCookie.split(';')[0]!;
    const html = await board('/', { cookie, accept: 'text/html' });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('opkernel decks');
    const queues = await board('/api/queues?activeQueue=deck-ops&status=failed&page=1', { cookie });
    expect(queues.status).toBe(200);
    const body = (await queues.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['deck-execution', 'deck-ops', 'deck-storage']);
    // A forged or altered cookie is refused; a valid session of a non-admin gets 403.
    expect((await board('/api/queues', { cookie: `${cookie}x` })).status).toBe(401);
    const amyTv = (await t.app.get(OperatorDirectory).credentials('amy'))!.tokenVersion;
    const amyCookie = t.app
      .get(BoardSessions)
      .issue({ sub: 'amy', tv: amyTv, exp: Math.floor(Date.now() / 1000) + 60 });
    expect((await board('/api/queues', { cookie: `${BOARD_COOKIE}=${amyCookie}` })).status).toBe(403);
    // An expired one is refused too.
    const adminTv = (await t.app.get(OperatorDirectory).credentials('admin'))!.tokenVersion;
    const stale = t.app.get(BoardSessions).issue({ sub: 'admin', tv: adminTv, exp: Math.floor(Date.now() / 1000) - 1 });
    expect((await board('/api/queues', { cookie: `${BOARD_COOKIE}=${stale}` })).status).toBe(401);
  });
});
