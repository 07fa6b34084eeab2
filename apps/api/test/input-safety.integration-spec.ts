import { connect } from 'node:net';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { startTestApp, type TestApp } from './utils/test-app';

/** Issue "Trust" §5: NUL bytes, lone surrogates, deep nesting and non-JSON bodies get a 4xx problem, never a 500. */
describe('bad input is refused at the edge with problem+json, and nothing is written (real app)', () => {
  let t: TestApp;
  let token: string;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  let task: number;

  /** Sends `raw` (JSON text, so escapes such as \\u0000 and \\ud800 reach the server as such). */
  const send = (method: string, path: string, raw: string | undefined, type = 'application/json') =>
    fetch(`${t.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(raw !== undefined ? { 'content-type': type } : {}) },
      body: raw,
    });
  const counts = async () =>
    (
      await t.app
        .get(DataSource)
        .query<{ p: number; e: number; n: number }[]>(
          'SELECT (SELECT count(*) FROM processes)::int AS p, (SELECT count(*) FROM process_events)::int AS e, (SELECT count(*) FROM entities)::int AS n',
        )
    )[0]!;
  const expectProblem = async (response: Response, status: number, field?: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await response.json()) as { status: number; errors?: { field: string }[] };
    expect(body.status).toBe(status);
    if (field) expect(body.errors?.map((e) => e.field)).toContain(field);
  };

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    token = c.fang.client.accessToken!;
    const root = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '输入' },
    });
    task = root.cascade.find((x) => x.service === 'xin_yu_yue')!.pid;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('NUL bytes and lone surrogates in a login name, a label, a reason, a query parameter and a form field → 400 naming it', async () => {
    const before = await counts();
    const cases: [string, string, string | undefined, string][] = [
      ['POST', '/v1/auth/login', '{"username":"a\\u0000b","password":"x"}', 'username'],
      ['POST', '/v1/auth/login', '{"username":"\\ud800","password":"x"}', 'username'],
      [
        'POST',
        '/v1/processes',
        '{"service":"ke_hu_fu_wu","entity":{"type":"Operator","label":"x\\u0000"}}',
        'entity.label',
      ],
      [
        'POST',
        '/v1/processes',
        '{"service":"ke_hu_fu_wu","entity":{"type":"Operator","label":"\\udc00x"}}',
        'entity.label',
      ],
      ['POST', `/v1/processes/${task}/suspend`, '{"reason":"why\\u0000"}', 'reason'],
      ['POST', `/v1/processes/${task}/complete`, '{"form":{"note":"\\ud83d"}}', 'form.note'],
      ['POST', `/v1/processes/${task}/complete`, '{"form":{"bad\\u0000key":1}}', 'form.bad\u0000key'],
      ['GET', '/v1/processes?service=%00', undefined, 'service'],
      ['GET', '/v1/processes?state=READY&entityId=x%00', undefined, 'entityId'],
      ['GET', '/v1/entities/Operator/a%00b/tasks', undefined, 'path'],
      ['POST', `/v1/processes/${task}/complete`, '{"form":{"amount":1e400}}', 'form.amount'],
    ];
    for (const [method, path, raw, field] of cases) {
      const response = await send(method, path, raw);
      expect(`${method} ${path} ${response.status}`).toBe(`${method} ${path} 400`);
      await expectProblem(response, 400, field);
    }
    expect(await counts()).toEqual(before);
  });

  it('deeply nested JSON is a 400, not a stack overflow', async () => {
    const before = await counts();
    const deep = `{"form":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    await expectProblem(await send('POST', `/v1/processes/${task}/complete`, deep), 400);
    const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    await expectProblem(await send('POST', '/v1/processes', deepArray), 400);
    expect(await counts()).toEqual(before);
  });

  it('non-JSON bodies get 415 (YAML only where a route reads it), unknown routes a 404 problem', async () => {
    await expectProblem(
      await send('POST', '/v1/processes', 'service=x', 'application/x-www-form-urlencoded'),
      415,
      'Content-Type',
    );
    await expectProblem(await send('POST', '/v1/processes', 'service: x', 'text/plain'), 415);
    await expectProblem(await send('POST', `/v1/processes/${task}/claim`, '<x/>', 'application/xml'), 415);
    const yaml = await fetch(`${t.url}/api/v1/designs?format=native`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.admin.accessToken}`, 'content-type': 'application/yaml' },
      body: 'name: [unclosed',
    });
    expect(yaml.status).toBe(422); // read as YAML, refused as an invalid design (not 415)
    // YAML escapes only become NUL / lone surrogates / infinities after parsing: the same rule applies.
    for (const text of [
      'schemaVersion: 1\nname: "a\\0b"\n',
      'schemaVersion: 1\nname: "\\uD800"\n',
      'schemaVersion: 1\nname: x\nservices:\n  - key: a\n    label: a\n    kind: manual\n    form: { x: .inf }\n',
    ]) {
      const parsed = await fetch(`${t.url}/api/v1/designs?format=native`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.admin.accessToken}`, 'content-type': 'application/yaml' },
        body: text,
      });
      expect(`${text} → ${parsed.status}`).toBe(`${text} → 400`);
    }
    await expectProblem(await send('GET', '/v1/no-such-route', undefined), 404);
    await expectProblem(await send('POST', '/v1/processes', '{"service":'), 400);
  });

  it('a request Node cannot parse is answered with problem+json too', async () => {
    const { port } = new URL(t.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GARBAGE / HTTP/1.1\r\nHost: x\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400 });
  });
});
