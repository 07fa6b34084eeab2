import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticatedOperator } from '../src/modules/auth/types/authenticated-operator.type';
import { PAGE_LIMIT } from '../src/modules/processes/dtos/keyset.dto';
import { ProcessReadRepository } from '../src/modules/processes/persistence/process-read.repository';
import { ProcessReadPolicy } from '../src/modules/processes/process-read.policy';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

type Row = { pid: number; service: string; state: string };
type ProcessPage = {
  items: Row[];
  total: number | null;
  page: number | null;
  pageSize: number;
  nextCursor: string | null;
};
type Problem = { status: number; type: string; errors?: { field: string; message: string }[] };

const FINISHED = 20_000;
const design = {
  schemaVersion: 1,
  name: 'paging',
  services: [
    { key: 'intake', label: 'Intake', kind: 'manual' },
    { key: 'billing', label: 'Billing', kind: 'manual' },
    { key: 'exam', label: 'Exam', kind: 'manual' },
  ],
  roles: [
    { key: 'reception', label: 'Reception', services: ['intake', 'billing'] },
    { key: 'doctor', label: 'Doctor', services: ['exam'] },
  ],
  operators: [
    { key: 'rec', label: 'Reception', username: 'rec', roles: ['reception'], staff: true },
    { key: 'doc', label: 'Doctor', username: 'doc', roles: ['doctor'], staff: true },
    { key: 'other', label: 'Other', username: null, roles: ['reception'], staff: true },
  ],
};

/**
 * 20 000 finished tasks and a few hundred open ones with many ties in the task order: scheduled times that differ
 * only in microseconds (equal in JavaScript milliseconds), unscheduled ones, equal priorities.
 */
const FILL = `
  INSERT INTO entities (type, id, label) SELECT 'Customer', 'c' || i, 'Customer ' || i FROM generate_series(1, 2000) i;
  INSERT INTO processes (service, design_version, kind, state, priority, entity_type, entity_id, assignee,
    candidate_roles, creator, scheduled_at, ended_at, terminated_reason, version)
  SELECT (ARRAY['intake', 'billing', 'exam'])[1 + i % 3], $1, 'task', 'TERMINATED', i % 3, 'Customer', 'c' || (1 + i % 2000),
    (ARRAY['rec', 'doc', 'other'])[1 + i % 3],
    CASE WHEN i % 3 = 2 THEN ARRAY['doctor'] ELSE ARRAY['reception'] END,
    NULL, NULL, now(), 'completed', 3
  FROM generate_series(1, ${FINISHED}) i;
  -- open: 150 mine (rec), 100 reception pool, 50 doctor pool, 20 doctor-candidate intake tasks, 10 doc's
  INSERT INTO processes (service, design_version, kind, state, priority, entity_type, entity_id, assignee,
    candidate_roles, creator, scheduled_at, version)
  SELECT CASE WHEN g.kind IN ('doctor', 'docs') THEN 'exam' ELSE 'intake' END, $1, 'task',
    CASE WHEN i % 4 = 0 THEN 'RUNNING' ELSE 'READY' END, (i / 5) % 3, 'Customer', 'c' || (1 + i % 50),
    CASE g.kind WHEN 'mine' THEN 'rec' WHEN 'docs' THEN 'doc' ELSE NULL END,
    CASE WHEN g.kind IN ('reception', 'mine') THEN ARRAY['reception'] ELSE ARRAY['doctor'] END,
    NULL,
    CASE WHEN i % 5 = 0 THEN NULL
         ELSE timestamptz '2026-03-01 08:00:00.000001+00' + (i % 4) * interval '1 hour' + (i % 3) * interval '1 microsecond' END,
    1
  FROM (VALUES ('mine', 150), ('reception', 100), ('doctor', 50), ('crossed', 20), ('docs', 10)) g(kind, n),
       generate_series(1, g.n) i;
  INSERT INTO processes (service, design_version, kind, state, entity_type, entity_id, version)
  SELECT 'intake', $1, 'program', 'RUNNING', 'Customer', 'c' || i, 1 FROM generate_series(1, 5) i;
`;

/** Task order, written out independently of the API's SQL. */
const ORDER = 'scheduled_at ASC NULLS LAST, priority DESC, pid ASC';

describe('keyset paging of task lists and /processes (real PostgreSQL, 20k finished rows)', () => {
  let t: TestApp;
  let db: DataSource;
  let admin: string;
  let rec: string;
  let doc: string;

  const get = async (path: string, token: string) => {
    const res = await t.request('GET', path, { token });
    const text = await res.text();
    return { res, body: text ? (JSON.parse(text) as unknown) : null };
  };
  const pids = async (sql: string, params: unknown[] = []) =>
    (await db.query<{ pid: string }[]>(sql, params)).map((r) => Number(r.pid));

  /** Follows `Link: <…>; rel="next"` from `first` to the end; checks each page against the headers and `limit`. */
  const walkTasks = async (first: string, token: string, limit: number): Promise<number[]> => {
    const seen: number[] = [];
    let path: string | null = first;
    while (path) {
      const { res, body } = await get(path, token);
      expect(res.status, path).toBe(200);
      const rows = body as Row[];
      expect(Array.isArray(rows)).toBe(true);
      expect(rows.length).toBeLessThanOrEqual(limit);
      seen.push(...rows.map((r) => r.pid));
      const link = res.headers.get('link');
      const cursor = res.headers.get('x-next-cursor');
      if (!link) {
        expect(cursor).toBeNull();
        break;
      }
      const m = /^<([^>]+)>; rel="next"$/.exec(link);
      expect(m, link).not.toBeNull();
      const next = new URL(m![1]!, t.url);
      expect(next.searchParams.get('cursor')).toBe(cursor);
      expect(next.searchParams.get('limit')).toBe(String(limit));
      expect(rows.length).toBe(limit);
      path = `${next.pathname.replace(/^\/api/, '')}${next.search}`;
    }
    return seen;
  };

  /** Follows `nextCursor` of `/processes` (keyset form) to the end. */
  const walkProcesses = async (query: string, token: string, limit: number): Promise<number[]> => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const path = `/v1/processes?${query}${query ? '&' : ''}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
      const { res, body } = await get(path, token);
      expect(res.status, path).toBe(200);
      const page = body as ProcessPage;
      expect(page.total).toBeNull();
      expect(page.page).toBeNull();
      expect(page.pageSize).toBe(limit);
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (page.nextCursor) expect(page.items.length).toBe(limit);
      seen.push(...page.items.map((p) => p.pid));
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  };

  const expectProblem = async (path: string, token: string, status: number, field: string) => {
    const { res, body } = await get(path, token);
    expect(res.status, path).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((body as Problem).errors?.map((e) => e.field)).toEqual([field]);
  };

  const cursorOf = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    admin = await t.login('admin', TEST_ADMIN_PASSWORD);
    const imported = await t.request('POST', '/v1/designs?format=native', { token: admin, body: design });
    expect(imported.ok).toBe(true);
    const { version } = (await imported.json()) as { version: number };
    const password = `Paging-${randomBytes(6).toString('hex')}-pw`;
    for (const key of ['rec', 'doc']) {
      const set = await t.request('PUT', `/v1/operators/${key}/password`, { token: admin, body: { password } });
      expect(set.status).toBe(204);
    }
    rec = await t.login('rec', password);
    doc = await t.login('doc', password);
    for (const statement of FILL.split(';').filter((s) => s.trim())) {
      await db.query(statement, statement.includes('$1') ? [version] : []);
    }
    await db.query('ANALYZE processes');
    await db.query('ANALYZE entities');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates both partial indexes over open tasks, in the task order', async () => {
    const rows = await db.query<{ indexname: string; indexdef: string }[]>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'processes' AND indexname LIKE 'processes_open_%' ORDER BY 1`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(['processes_open_mine_idx', 'processes_open_pool_idx']);
    const [mine, pool] = rows.map((r) => r.indexdef);
    expect(mine).toContain('(assignee, scheduled_at, priority DESC, pid)');
    expect(mine).toMatch(
      /WHERE \(\(kind = 'task'::text\) AND \(state <> 'TERMINATED'::text\) AND \(assignee IS NOT NULL\)\)/,
    );
    expect(pool).toContain('(scheduled_at, priority DESC, pid)');
    expect(pool).toMatch(
      /WHERE \(\(kind = 'task'::text\) AND \(state <> 'TERMINATED'::text\) AND \(assignee IS NULL\)\)/,
    );
  });

  it('walking /tasks/mine returns each of my open tasks exactly once, in task order', async () => {
    const expected = await pids(
      `SELECT pid FROM processes WHERE kind = 'task' AND state <> 'TERMINATED' AND assignee = 'rec' ORDER BY ${ORDER}`,
    );
    expect(expected.length).toBe(150);
    for (const limit of [1, 7, 100]) {
      expect(await walkTasks(`/v1/tasks/mine?limit=${limit}`, rec, limit)).toEqual(expected);
    }
    // No limit: the default page size.
    const { res, body } = await get('/v1/tasks/mine', rec);
    expect((body as Row[]).map((r) => r.pid)).toEqual(expected.slice(0, PAGE_LIMIT.default));
    expect(res.headers.get('link')).toContain(`limit=${PAGE_LIMIT.default}`);
  });

  it('walking /tasks/pool as staff returns the unassigned open tasks with one of my roles as candidate; as admin every one', async () => {
    const staff = await pids(
      `SELECT pid FROM processes WHERE kind = 'task' AND state <> 'TERMINATED' AND assignee IS NULL
         AND candidate_roles && '{reception}' ORDER BY ${ORDER}`,
    );
    const all = await pids(
      `SELECT pid FROM processes WHERE kind = 'task' AND state <> 'TERMINATED' AND assignee IS NULL ORDER BY ${ORDER}`,
    );
    expect(staff.length).toBe(100);
    expect(all.length).toBe(170);
    expect(await walkTasks('/v1/tasks/pool?limit=9', rec, 9)).toEqual(staff);
    expect(await walkTasks('/v1/tasks/pool?limit=500', rec, 500)).toEqual(staff);
    expect(await walkTasks('/v1/tasks/pool?limit=13', admin, 13)).toEqual(all);
    // The doctor's pool: every unassigned task naming his role, also intake tasks (a candidate role makes a task
    // readable), never the reception pool.
    const doctors = await walkTasks('/v1/tasks/pool?limit=11', doc, 11);
    const docPool = await pids(
      `SELECT pid FROM processes WHERE kind = 'task' AND state <> 'TERMINATED' AND assignee IS NULL
         AND candidate_roles && '{doctor}' ORDER BY ${ORDER}`,
    );
    expect(doctors).toEqual(docPool);
  });

  it('the next page does not shift when a task of an earlier page is claimed (unlike OFFSET paging)', async () => {
    const first = await get('/v1/tasks/pool?limit=10', admin);
    const page1 = (first.body as Row[]).map((r) => r.pid);
    const cursor = first.res.headers.get('x-next-cursor')!;
    const before = ((await get(`/v1/tasks/pool?limit=10&cursor=${cursor}`, admin)).body as Row[]).map((r) => r.pid);
    await db.query(`UPDATE processes SET assignee = 'other' WHERE pid = $1`, [page1[0]]);
    try {
      const after = ((await get(`/v1/tasks/pool?limit=10&cursor=${cursor}`, admin)).body as Row[]).map((r) => r.pid);
      expect(after).toEqual(before);
      expect(after).not.toContain(page1[9]);
    } finally {
      await db.query(`UPDATE processes SET assignee = NULL WHERE pid = $1`, [page1[0]]);
    }
  });

  it('walking /processes (keyset) returns every readable process exactly once, newest first; the read policy filters', async () => {
    const everything = await pids('SELECT pid FROM processes ORDER BY pid DESC');
    expect(await walkProcesses('', admin, 500)).toEqual(everything);
    // Staff: the read policy written out by hand (one design version, reception allows intake and billing; the
    // steps of a customer for whom they hold an open task).
    const cases = (who: string) =>
      `(entity_type, entity_id) IN (SELECT entity_type, entity_id FROM processes
          WHERE assignee = '${who}' AND kind = 'task' AND state <> 'TERMINATED' AND entity_id IS NOT NULL)`;
    const readable = await pids(
      `SELECT pid FROM processes WHERE kind = 'program' OR assignee = 'rec' OR creator = 'rec'
         OR candidate_roles && '{reception}' OR service IN ('intake', 'billing') OR ${cases('rec')} ORDER BY pid DESC`,
    );
    expect(readable.length).toBeLessThan(everything.length);
    expect(await walkProcesses('', rec, 500)).toEqual(readable);
    const filtered = await pids(
      `SELECT pid FROM processes WHERE entity_type = 'Customer' AND entity_id = 'c7' AND state = ANY('{READY,RUNNING}')
         AND (kind = 'program' OR assignee = 'doc' OR creator = 'doc' OR candidate_roles && '{doctor}' OR service = 'exam'
              OR ${cases('doc')})
       ORDER BY pid DESC`,
    );
    expect(filtered.length).toBeGreaterThan(0);
    expect(await walkProcesses('entityType=Customer&entityId=c7&state=READY,RUNNING', doc, 1)).toEqual(filtered);
  });

  it('/processes keeps the page form with total, and its nextCursor continues in the keyset form', async () => {
    const { body } = await get('/v1/processes?page=1&pageSize=50', admin);
    const page = body as ProcessPage;
    expect(page.total).toBe(FINISHED + 330 + 5);
    expect(page.page).toBe(1);
    expect(page.pageSize).toBe(50);
    expect(page.nextCursor).toEqual(expect.any(String));
    const second = (await get('/v1/processes?page=2&pageSize=50', admin)).body as ProcessPage;
    const continued = (await get(`/v1/processes?limit=50&cursor=${page.nextCursor}`, admin)).body as ProcessPage;
    expect(continued.items.map((p) => p.pid)).toEqual(second.items.map((p) => p.pid));
    // No paging parameter at all: the keyset form (not counted), default limit.
    const plain = (await get('/v1/processes', admin)).body as ProcessPage;
    expect(plain).toMatchObject({ total: null, page: null, pageSize: PAGE_LIMIT.default });
    expect(plain.items).toHaveLength(PAGE_LIMIT.default);
    const last = (await get(`/v1/processes?page=${Math.ceil(page.total! / 50)}&pageSize=50`, admin)).body;
    expect((last as ProcessPage).nextCursor).toBeNull();
  });

  it('enforces the limits: at most 500, at least 1, integers only — else 400 naming limit', async () => {
    expect((await walkTasks('/v1/tasks/pool?limit=500', admin, 500)).length).toBe(170);
    for (const path of ['/v1/tasks/mine', '/v1/tasks/pool', '/v1/processes']) {
      for (const limit of ['501', '0', '-1', 'abc', '1.5', '1e2', '']) {
        await expectProblem(`${path}?limit=${limit}`, admin, 400, 'limit');
      }
      await expectProblem(`${path}?limit=1&limit=2`, admin, 400, 'limit');
    }
  });

  it('refuses a bad cursor with 400 naming cursor: garbage, another list’s, an impossible key, mixed with page', async () => {
    const processCursor = ((await get('/v1/processes?limit=1', admin)).body as ProcessPage).nextCursor!;
    const taskCursor = (await get('/v1/tasks/pool?limit=1', admin)).res.headers.get('x-next-cursor')!;
    const bad = [
      'garbage!',
      'e30', // {}
      cursorOf(['t', '2026-02-30T00:00:00.000000Z', 1, 5]),
      cursorOf(['t', '2026-03-01T08:00:00.000Z', 1, 5]), // not the exact (microsecond) form
      cursorOf(['t', null, 1.5, 5]),
      cursorOf(['t', null, 1, 0]),
      'A'.repeat(400),
    ];
    for (const path of ['/v1/tasks/mine', '/v1/tasks/pool']) {
      for (const cursor of [...bad, processCursor]) await expectProblem(`${path}?cursor=${cursor}`, rec, 400, 'cursor');
    }
    for (const cursor of [...bad, taskCursor, cursorOf(['p', -3])]) {
      await expectProblem(`/v1/processes?cursor=${cursor}`, rec, 400, 'cursor');
    }
    await expectProblem(`/v1/processes?page=2&cursor=${processCursor}`, rec, 400, 'cursor');
    await expectProblem('/v1/processes?pageSize=20&limit=20', rec, 400, 'limit');
    // Other bad filters stay 422, unknown parameters too.
    const { res } = await get('/v1/processes?state=BOGUS', rec);
    expect(res.status).toBe(422);
    expect((await get('/v1/tasks/pool?sort=priority', rec)).res.status).toBe(422);
  });

  it('plans pool and mine pages as reads of the partial indexes only; ordered scans stop at LIMIT', async () => {
    const repository = t.app.get(ProcessReadRepository);
    const policy = t.app.get(ProcessReadPolicy);
    const me = async (token: string) =>
      ((await get('/v1/me', token)).body as { operator: AuthenticatedOperator }).operator;
    type PlanNode = {
      'Node Type': string;
      'Index Name'?: string;
      'Relation Name'?: string;
      'Actual Rows': number;
      Plans?: PlanNode[];
    };
    const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];
    const LIMIT = 20;
    const plan = async (list: 'mine' | 'pool', op: AuthenticatedOperator, cursor: boolean) => {
      const scope = await policy.scope(op);
      let after = null;
      if (cursor) {
        after = (await repository.taskPage(list, op, { scope, limit: LIMIT, after: null })).next;
        expect(after).not.toBeNull();
      }
      const q = repository.taskPageQuery(list, op, { scope, limit: LIMIT, after });
      const [row] = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${q.sql}`,
        q.params,
      );
      return nodes(row!['QUERY PLAN'][0].Plan);
    };
    const [openMine, openPool] = await Promise.all([
      pids(`SELECT pid FROM processes WHERE kind = 'task' AND state <> 'TERMINATED' AND assignee IS NOT NULL`),
      pids(`SELECT pid FROM processes WHERE kind = 'task' AND state <> 'TERMINATED' AND assignee IS NULL`),
    ]);
    const cases: ['mine' | 'pool', AuthenticatedOperator, string, number][] = [
      ['mine', await me(rec), 'processes_open_mine_idx', openMine.length],
      ['pool', await me(admin), 'processes_open_pool_idx', openPool.length],
      ['pool', await me(rec), 'processes_open_pool_idx', openPool.length],
      ['pool', await me(doc), 'processes_open_pool_idx', openPool.length],
    ];
    for (const [list, op, index, open] of cases) {
      for (const cursor of [false, true]) {
        const label = `${list} as ${op.key}${cursor ? ' after a cursor' : ''}`;
        const all = await plan(list, op, cursor);
        // Every read of processes goes through the list's partial index: an ordered index range that stops at the
        // page and its look-ahead row, or (the planner's choice for a staff pool filtered by role) a bitmap of
        // that index — the open tasks only, never the 20 000 finished rows.
        const ordered = all.filter((n) => n['Node Type'] === 'Index Scan' && n['Relation Name'] === 'processes');
        const bitmaps = all.filter((n) => n['Node Type'] === 'Bitmap Index Scan');
        const heaps = all.filter((n) => n['Relation Name'] === 'processes' && n['Node Type'] !== 'Index Scan');
        expect(ordered.length + bitmaps.length, label).toBeGreaterThan(0);
        for (const n of ordered) {
          expect(n['Index Name'], label).toBe(index);
          expect(n['Actual Rows'], label).toBeLessThanOrEqual(LIMIT + 1);
        }
        for (const n of bitmaps) {
          expect(n['Index Name'], label).toBe(index);
          expect(n['Actual Rows'], label).toBeLessThanOrEqual(open);
        }
        expect(
          heaps.map((n) => n['Node Type']),
          label,
        ).toEqual(bitmaps.map(() => 'Bitmap Heap Scan'));
      }
    }
    // Without a role filter the pool and mine are plain ordered reads of their index.
    for (const [list, op] of [
      ['mine', await me(rec)],
      ['pool', await me(admin)],
    ] as const) {
      const first = await plan(list, op, false);
      expect(
        first.some((n) => n['Node Type'] === 'Index Scan' && n['Actual Rows'] <= LIMIT + 1),
        list,
      ).toBe(true);
    }
  });
});
