import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { Client } from 'pg';
import type { ScheduleView } from '@opkernel/contracts';
import { createApp, type CreatedApp } from '../src/bootstrap/create-app';
import { ApiClient } from '../src/journey/api-client';
import { QueueFactory } from '../src/modules/decks/queue-factory';
import { ScheduleFirer } from '../src/modules/schedules/schedule-firer.service';
import { SCHEDULES_QUEUE } from '../src/modules/schedules/schedule-jobs';
import { expectEventually } from './utils/expect-eventually';
import { setupNurses } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

/** A design whose schedule `tick` starts a nurse's check of the site every second (plus any other schedules). */
const design = (schedules: Record<string, unknown>[]) => ({
  schemaVersion: 1,
  name: 'schedules',
  entityTypes: [{ key: 'Site', label: 'Site' }],
  services: [{ key: 'check', label: 'Site check', kind: 'manual', routeTo: 'nurse', entityType: 'Site' }],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['check'] }],
  operators: [
    { key: 'amy', label: 'Amy', username: 'amy', roles: ['nurse'], staff: true },
    { key: 'bob', label: 'Bob', username: 'bob', roles: ['nurse'], staff: true },
  ],
  schedules,
});
const TICK = {
  key: 'tick',
  label: 'Every second',
  every: 'PT1S',
  start: 'check',
  entity: { type: 'Site', label: 'HQ' },
};

/** The next time `hour:minute` (local, in `zone`) falls on one of `weekdays` (1 = Monday), after `now`. */
function nextLocal(zone: string, hour: number, minute: number, weekdays: number[], now: DateTime): string {
  let at = now.setZone(zone).set({ hour, minute, second: 0, millisecond: 0 });
  while (at <= now || !weekdays.includes(at.weekday)) at = at.plus({ days: 1 }).set({ hour, minute });
  return at.toUTC().toISO()!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const backends: { name: string; redisUrl: string | null }[] = [
  { name: 'PostgreSQL', redisUrl: null },
  ...(process.env.REDIS_URL ? [{ name: 'Redis', redisUrl: process.env.REDIS_URL }] : []),
];

describe.each(backends)('recurring schedules on two API processes ($name backend)', ({ redisUrl }) => {
  let a: TestApp;
  let b: CreatedApp;
  let admin: ApiClient;
  let db: Client;

  /** Processes of `check`, recorded fires, and distinct fire times of `tick`. */
  const counts = async () => {
    const [row] = (
      await db.query<{ processes: number; fires: number; times: number }>(
        `SELECT (SELECT count(*)::int FROM processes WHERE service = 'check') AS processes,
                (SELECT count(*)::int FROM schedule_fires WHERE schedule = 'tick') AS fires,
                (SELECT count(DISTINCT fire_at)::int FROM schedule_fires WHERE schedule = 'tick') AS times`,
      )
    ).rows;
    return row!;
  };
  const schedules = () => admin.get<ScheduleView[]>('/v1/schedules?fires=50');

  beforeAll(async () => {
    a = await startTestApp({ redisUrl });
    b = await createApp({ databaseUrl: a.db.url, port: 0, seed: false, redisUrl });
    ({ admin } = await setupNurses(a, design([TICK])));
    db = new Client({ connectionString: a.db.url });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await b?.close();
    await a?.close();
  });

  it('every: PT1S starts its service about once a second, each fire time once, across a restart', async () => {
    await expectEventually(async () => expect((await counts()).fires).toBeGreaterThanOrEqual(1), 15_000, 100);
    const first = await counts();
    await sleep(4_000);
    const later = await counts();
    expect(later.fires - first.fires).toBeGreaterThanOrEqual(3);
    expect(later.fires - first.fires).toBeLessThanOrEqual(5);
    // Replica B restarts while the schedule runs; A keeps firing meanwhile.
    await b.close();
    b = await createApp({ databaseUrl: a.db.url, port: 0, seed: false, redisUrl });
    await sleep(3_000);
    const end = await counts();
    expect(end.fires - later.fires).toBeGreaterThanOrEqual(3);
    // One process per fire time, each fire time once.
    expect(end.processes).toBe(end.fires);
    expect(end.times).toBe(end.fires);
    const { rows } = await db.query<{ fire_at: Date; pid: string }>(
      `SELECT fire_at, pid FROM schedule_fires WHERE schedule = 'tick' ORDER BY fire_at`,
    );
    // BullMQ fires `every` schedules at the time the scheduler was added plus whole intervals.
    const gaps = rows.slice(1).map((r, i) => r.fire_at.getTime() - rows[i]!.fire_at.getTime());
    expect(gaps.filter((g) => g < 1_000 || g % 1_000 !== 0)).toEqual([]);
    expect(new Set(rows.map((r) => r.pid)).size).toBe(rows.length);

    // The started process: the timer's start, the schedule's one entity, the fire in its frame.
    const { fire_at, pid } = rows.at(-1)!;
    const p = await admin.get<{ service: string; entity: unknown }>(`/v1/processes/${pid}`);
    expect(p).toMatchObject({ service: 'check', entity: { type: 'Site', id: 'schedule-tick' } });
    const events = await admin.get<{ action: string; actorKind: string; cause: Record<string, unknown> | null }[]>(
      `/v1/processes/${pid}/events`,
    );
    expect(events[0]).toMatchObject({ action: 'created', actorKind: 'timer' });
    expect(events[0]!.cause).toMatchObject({ action: 'event', trigger: 'tick', source: 'schedule' });
    const snaps = await admin.get<{ content: { localVars: Record<string, unknown> } }[]>(
      `/v1/processes/${pid}/snapshots`,
    );
    expect(snaps.at(-1)!.content.localVars['schedule']).toEqual({ key: 'tick', fireAt: fire_at.toISOString() });
    const entities = await db.query(`SELECT label FROM entities WHERE type = 'Site'`);
    expect(entities.rows).toEqual([{ label: 'HQ' }]);

    const [tick] = await schedules();
    expect(tick).toMatchObject({ key: 'tick', every: 'PT1S', cron: null, enabled: true, schedulerId: 'sched-tick' });
    expect(Date.parse(tick!.nextFireAt!)).toBeGreaterThan(Date.now() - 2_000);
    expect(tick!.lastFires.length).toBeGreaterThanOrEqual(Math.min(end.fires, 50));
    expect(tick!.lastFires).toContainEqual(
      expect.objectContaining({ fireAt: fire_at.toISOString(), pid: Number(pid) }),
    );
  }, 60_000);

  it('the same fire delivered to both API processes at once, or again later, starts one process', async () => {
    const fireAt = Date.UTC(2030, 0, 1, 8, 0, 0);
    const job = {
      id: `repeat:sched-tick:${fireAt}`,
      repeatJobKey: 'sched-tick',
      data: { key: 'tick', designVersion: 1 },
      opts: {},
      timestamp: Date.now(),
    };
    const outcomes = await Promise.all([a.app.get(ScheduleFirer).fire(job), b.app.get(ScheduleFirer).fire(job)]);
    expect(outcomes.filter((o) => 'started' in o)).toHaveLength(1);
    expect(outcomes.filter((o) => 'skipped' in o)).toEqual([{ skipped: 'duplicate' }]);
    // A duplicate job on the queue (as BullMQ makes after quick upserts) is absorbed too.
    const queue = a.app.get(QueueFactory).queue(SCHEDULES_QUEUE);
    const dup = await queue.add('schedule.fire', { key: 'tick', designVersion: 1 }, { jobId: `dup:tick:${fireAt}` });
    await expectEventually(async () => expect(await (await queue.getJob(dup.id!))?.isCompleted()).toBe(true), 10_000);
    expect((await queue.getJob(dup.id!))!.returnvalue).toEqual({ skipped: 'duplicate' });
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM schedule_fires WHERE fire_at = $1`, [
      new Date(fireAt),
    ]);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('a cron schedule in a time zone reports its next fire time', async () => {
    await admin.post('/v1/designs?format=native', {
      ...design([
        { key: 'shanghai', cron: '30 9 * * 1-5', tz: 'Asia/Shanghai', start: 'check' },
        { key: 'new-york', cron: '0 0 8 * * *', tz: 'America/New_York', start: 'check' },
      ]),
    });
    const now = DateTime.utc();
    const list = await schedules();
    expect(list.map((s) => s.key)).toEqual(['tick', 'shanghai', 'new-york']);
    const byKey = new Map(list.map((s) => [s.key, s]));
    expect(byKey.get('shanghai')).toMatchObject({ cron: '30 9 * * 1-5', tz: 'Asia/Shanghai', every: null });
    expect(byKey.get('shanghai')!.nextFireAt).toBe(nextLocal('Asia/Shanghai', 9, 30, [1, 2, 3, 4, 5], now));
    expect(byKey.get('new-york')!.nextFireAt).toBe(nextLocal('America/New_York', 8, 0, [1, 2, 3, 4, 5, 6, 7], now));
  });

  it('disabling the schedule (imported again with enabled: false) removes its job scheduler and stops it', async () => {
    await admin.post('/v1/designs?format=native', design([{ ...TICK, enabled: false }]));
    const [tick] = await schedules();
    expect(tick).toMatchObject({ key: 'tick', enabled: false, nextFireAt: null });
    const queue = a.app.get(QueueFactory).queue(SCHEDULES_QUEUE);
    expect((await queue.getJobSchedulers()).map((s) => s.key).sort()).toEqual(['sched-new-york', 'sched-shanghai']);
    // Replica B sees the new version within its design cache's 2 s; a fire already taken may still finish.
    await sleep(3_000);
    const stopped = await counts();
    await sleep(3_000);
    expect((await counts()).fires).toBe(stopped.fires);
  }, 30_000);
});
