import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { startTestApp, type TestApp } from './utils/test-app';

/** Strings that have broken servers: NUL, lone surrogates, huge and odd numbers, long text, path tricks. */
const nasty = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  '😀',
  '9'.repeat(40),
  '-1',
  '1e309',
  '0x10',
  '../..',
  '%00',
  '%',
  'x'.repeat(5000),
  '',
  ' ',
  'null',
  'true',
);
const text = fc.oneof(nasty, fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 10 }));
const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
})).value;

/** `encodeURIComponent`, but lone surrogates are sent as their WTF-8 bytes (as a hostile client could). */
const encode = (s: string): string =>
  [...s]
    .map((ch) => {
      const unit = ch.charCodeAt(0);
      if (ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
        return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
          .map((b) => `%${b.toString(16).toUpperCase()}`)
          .join('');
      }
      return encodeURIComponent(ch);
    })
    .join('');

/** Tables a refused request must leave untouched. */
const TABLES = ['processes', 'process_events', 'process_frames', 'outbox', 'entities', 'design_versions', 'api_tokens'];

/**
 * Issue "Trust" §8: a bounded property-based fuzz over every route's input (path ids, query, body) as an
 * administrator and as a nurse: never a 5xx, and a refused request (4xx) writes nothing.
 */
describe('fuzzing every route: no 5xx, no partial write (fast-check, real PostgreSQL)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  let db: DataSource;
  let routes: { method: string; path: string }[];
  let pid: number;

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    db = t.app.get(DataSource);
    const root = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '模糊' },
    });
    pid = root.cascade.find((x) => x.service === 'xin_yu_yue')!.pid;
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as { paths: Record<string, object> };
    routes = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase(), path })))
      // Signing out or re-keying the fuzzing accounts would only end the run early.
      .filter((r) => !['/api/v1/auth/logout', '/api/v1/me/password'].includes(r.path));
  });
  afterAll(async () => {
    await t?.close();
  });

  const counts = async () =>
    (
      await db.query<Record<string, number>[]>(
        `SELECT ${TABLES.map((x) => `(SELECT count(*) FROM ${x})::int AS ${x}`).join(', ')}`,
      )
    )[0];

  it('answers every generated request with < 500, and a refused one changes nothing', async () => {
    const idArb = fc.oneof(fc.constant(String(pid)), text, fc.integer({ min: -5, max: 2 ** 62 }).map(String));
    const request = fc.record({
      route: fc.integer({ min: 0, max: 10_000 }),
      ids: fc.array(idArb, { minLength: 3, maxLength: 3 }),
      query: fc.dictionary(
        fc.constantFrom('state', 'service', 'page', 'pageSize', 'format', 'pid', 'dryRun', 'entityType', 'x'),
        text,
        { maxKeys: 3 },
      ),
      body: fc.option(json, { nil: undefined }),
      asNurse: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const route = routes[r.route % routes.length]!;
        let i = 0;
        const path = route.path.replace(/\{[^}]+\}/g, () => {
          const id = r.ids[i++]!;
          return id === 'admin' ? 'x' : encode(id);
        });
        const query = new URLSearchParams(Object.entries(r.query)).toString();
        const token = r.asNurse ? c.jiang.client.accessToken : c.admin.accessToken;
        const before = await counts();
        const response = await fetch(`${t.url}${path}${query ? `?${query}` : ''}`, {
          method: route.method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          body: r.body !== undefined && route.method !== 'GET' ? JSON.stringify(r.body) : undefined,
        });
        const status = response.status;
        await response.arrayBuffer();
        expect(status, `${route.method} ${path}`).toBeLessThan(500);
        if (status >= 400) {
          expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
          expect(await counts(), `${route.method} ${path} → ${status} wrote rows`).toEqual(before);
        }
      }),
      { numRuns: 400, seed: 20261201 },
    );
  });
});
