import { register as defaultRegistry } from 'prom-client';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleForm } from '../src/journey/sample-form';
import { MetricsService } from '../src/modules/metrics/metrics.service';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { expectEventually } from './utils/expect-eventually';
import { startTestApp, type TestApp } from './utils/test-app';

/** One sample of the text exposition format: `name{label="value",…} value`. */
type Sample = { name: string; labels: Record<string, string>; value: number };

/** The samples of a scrape (comments skipped; label values unescaped enough for these tests). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!.replace(/\\(.)/g, '$1');
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the one sample `name` whose labels include `labels`; 0 when there is none (a counter not yet moved). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

/**
 * `GET /metrics` (Prometheus) on the real app and real PostgreSQL: counters fed by `process.changed`, gauges read on
 * scrape, the HTTP histogram by route pattern, deck metrics through {@link MetricsService}, and who may scrape.
 */
describe('Prometheus metrics at /metrics (real PostgreSQL)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  let db: DataSource;
  let metricsToken: string;
  let readToken: string;

  const scrapeAs = (token: string | null) =>
    fetch(`${t.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const scrape = async (): Promise<Sample[]> => {
    const response = await scrapeAs(metricsToken);
    expect(response.status).toBe(200);
    return parse(await response.text());
  };
  const startJourney = (label: string) =>
    c.fang.client.post<ProcessDto>('/v1/processes', { service: 'ke_hu_fu_wu', entity: { type: 'Operator', label } });

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    db = t.app.get(DataSource);
    const token = async (scopes: string[]) =>
      (await c.admin.post<{ token: string }>('/v1/api-tokens', { name: `metrics ${scopes.join(' ')}`, scopes })).token;
    metricsToken = await token(['metrics:read']);
    readToken = await token(['processes:read', 'processes:write', 'designs:write']);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers a metrics:read token and an admin; 401 without a token, 403 for other tokens and staff', async () => {
    const ok = await scrapeAs(metricsToken);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain;.*\bversion=0\.0\.4\b/);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const text = await ok.text();
    expect(text).toContain('# TYPE opkernel_processes gauge');
    expect(text).toContain('opkernel_process_cpu_seconds_total'); // Node's default metrics, prefixed
    expect((await scrapeAs(c.admin.accessToken)).status).toBe(200);

    const anonymous = await scrapeAs(null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    for (const token of [readToken, c.fang.client.accessToken, c.chen.client.accessToken]) {
      const refused = await scrapeAs(token);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    // At the root only, and in the OpenAPI document.
    expect((await t.request('GET', '/metrics', { token: c.admin.accessToken! })).status).toBe(404);
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as {
      paths: Record<string, { get?: { security?: unknown[] } }>;
    };
    expect(doc.paths['/metrics']?.get?.security).toEqual([{ bearer: [] }]);
  });

  it('counts a started journey and shows its processes by state and kind, as PostgreSQL counts them', async () => {
    const before = await scrape();
    const root = await startJourney(`metrics-${Date.now()}`);
    const step = root.cascade.find((x) => x.service === 'xin_yu_yue')!;
    const stepState = (await c.fang.client.get<ProcessDto>(`/v1/processes/${step.pid}`)).state;

    const after = await expectEventually(async () => {
      const s = await scrape();
      for (const service of ['ke_hu_fu_wu', 'xin_yu_yue'])
        expect(value(s, 'opkernel_processes_started_total', { service })).toBe(
          value(before, 'opkernel_processes_started_total', { service }) + 1,
        );
      return s;
    });
    const entered = (state: string) =>
      value(after, 'opkernel_transitions_total', { state }) - value(before, 'opkernel_transitions_total', { state });
    expect(entered(stepState)).toBeGreaterThanOrEqual(1);
    expect(entered(root.state)).toBeGreaterThanOrEqual(1);

    const gauge = (s: Sample[], state: string, kind: string) => value(s, 'opkernel_processes', { state, kind });
    expect(gauge(after, stepState, 'task')).toBe(gauge(before, stepState, 'task') + 1);
    expect(gauge(after, root.state, 'program')).toBe(gauge(before, root.state, 'program') + 1);
    // Every state × kind is there (0 when none), and the counts are PostgreSQL's.
    expect(after.filter((x) => x.name === 'opkernel_processes')).toHaveLength(7 * 3);
    const rows = await db.query<{ state: string; kind: string; n: number }[]>(
      'SELECT state, kind, count(*)::int AS n FROM processes GROUP BY state, kind',
    );
    for (const r of rows) expect(gauge(after, r.state, r.kind)).toBe(r.n);

    const lanes = await db.query<{ lane: string; n: number }[]>(
      'SELECT lane, count(*)::int AS n FROM ready_queue GROUP BY lane',
    );
    const depths = after.filter((x) => x.name === 'opkernel_ready_queue_depth');
    expect(depths.map((d) => [d.labels.lane, d.value]).sort()).toEqual(lanes.map((l) => [l.lane, l.n]).sort());
    expect(value(after, 'opkernel_outbox_pending')).toBeGreaterThanOrEqual(0);
    expect(value(after, 'opkernel_outbox_given_up')).toBe(0);
  });

  it('counts ends by reason and incidents: a completed step, a cancelled journey, a stranded one', async () => {
    const before = await scrape();
    const ended = (s: Sample[], service: string, reason: string) =>
      value(s, 'opkernel_processes_ended_total', { service, reason }) -
      value(before, 'opkernel_processes_ended_total', { service, reason });
    const incidents = (s: Sample[], service: string) =>
      value(s, 'opkernel_incidents_total', { service }) - value(before, 'opkernel_incidents_total', { service });

    // Completed: the reception step, with its form.
    const done = await startJourney(`metrics-done-${Date.now()}`);
    const doneStep = done.cascade.find((x) => x.service === 'xin_yu_yue')!.pid;
    const design = await c.admin.get<{ services: { key: string; form: Record<string, unknown> | null }[] }>(
      '/v1/designs/current',
    );
    const form = design.services.find((s) => s.key === 'xin_yu_yue')!.form!;
    await c.fang.client.post(`/v1/processes/${doneStep}/complete`, { form: sampleForm(form as never) });
    // Cancelled: a whole journey (its open step goes with it).
    const cancelled = await startJourney(`metrics-cancel-${Date.now()}`);
    await c.admin.post(`/v1/processes/${cancelled.pid}/cancel`, { reason: 'metrics test' });
    // Stranded: only the step is cancelled, the journey is left with no live work and becomes an incident.
    const stranded = await startJourney(`metrics-strand-${Date.now()}`);
    const strandedStep = stranded.cascade.find((x) => x.service === 'xin_yu_yue')!.pid;
    await c.admin.post(`/v1/processes/${strandedStep}/cancel`, { reason: 'metrics test' });
    expect((await c.admin.get<ProcessDto>(`/v1/processes/${stranded.pid}`)).state).toBe('ERROR');

    await expectEventually(async () => {
      const s = await scrape();
      expect(ended(s, 'xin_yu_yue', 'completed')).toBe(1);
      expect(ended(s, 'ke_hu_fu_wu', 'cancelled')).toBe(1);
      expect(ended(s, 'xin_yu_yue', 'cancelled')).toBe(2);
      expect(incidents(s, 'ke_hu_fu_wu')).toBe(1);
      expect(
        value(s, 'opkernel_transitions_total', { state: 'ERROR' }) -
          value(before, 'opkernel_transitions_total', { state: 'ERROR' }),
      ).toBe(1);
    });
  });

  it('times HTTP requests by route pattern, never by the raw URL', async () => {
    const root = await startJourney(`metrics-http-${Date.now()}`);
    await c.fang.client.get(`/v1/processes/${root.pid}`);
    await fetch(`${t.url}/api/v1/processes/${root.pid}`); // 401, counted under its route too
    await fetch(`${t.url}/api/v1/no-such-route/${root.pid}`);
    const s = await scrape();
    const count = (labels: Record<string, string>) => value(s, 'opkernel_http_request_duration_seconds_count', labels);
    expect(count({ method: 'POST', route: '/api/v1/processes', status: '201' })).toBeGreaterThanOrEqual(1);
    expect(count({ method: 'GET', route: '/api/v1/processes/:pid', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(count({ method: 'GET', route: '/api/v1/processes/:pid', status: '401' })).toBeGreaterThanOrEqual(1);
    expect(count({ method: 'GET', route: '<unmatched>', status: '404' })).toBeGreaterThanOrEqual(1);
    const routes = new Set(s.filter((x) => x.name.startsWith('opkernel_http_request')).map((x) => x.labels.route));
    expect([...routes].filter((r) => r?.includes(String(root.pid)))).toEqual([]);
    expect(
      value(s, 'opkernel_http_request_duration_seconds_bucket', {
        method: 'GET',
        route: '/api/v1/processes/:pid',
        status: '200',
        le: '+Inf',
      }),
    ).toBe(count({ method: 'GET', route: '/api/v1/processes/:pid', status: '200' }));
  });

  it('takes deck jobs, gauges and collectors from other modules, in a registry of its own', async () => {
    const metrics = t.app.get(MetricsService);
    metrics.observeDeckJob('billing', 'invoice', 'completed', 120);
    metrics.observeDeckJob('billing', 'invoice', 'failed', 3000);
    metrics.observeDeckJob('billing', 'invoice', 'retried', Number.NaN); // counted, no duration
    const depth = metrics.gauge('deck_queue_depth', 'Jobs waiting per deck', ['deck']);
    expect(metrics.gauge('deck_queue_depth', 'Jobs waiting per deck', ['deck'])).toBe(depth);
    expect(() => metrics.counter('deck_queue_depth', 'x', ['deck'])).toThrow(/another type or labels/);
    let collected = 0;
    metrics.addCollector(async () => {
      depth.set({ deck: 'billing' }, 7 + collected++);
    });
    metrics.addCollector(async () => {
      throw new Error('a broken collector');
    });

    const s = await scrape();
    expect(value(s, 'opkernel_deck_jobs_total', { deck: 'billing', handler: 'invoice', outcome: 'completed' })).toBe(1);
    expect(value(s, 'opkernel_deck_jobs_total', { deck: 'billing', handler: 'invoice', outcome: 'failed' })).toBe(1);
    expect(value(s, 'opkernel_deck_jobs_total', { deck: 'billing', handler: 'invoice', outcome: 'retried' })).toBe(1);
    expect(value(s, 'opkernel_deck_job_duration_seconds_count', { deck: 'billing', handler: 'invoice' })).toBe(2);
    expect(value(s, 'opkernel_deck_job_duration_seconds_sum', { deck: 'billing', handler: 'invoice' })).toBeCloseTo(
      3.12,
    );
    expect(value(s, 'opkernel_deck_queue_depth', { deck: 'billing' })).toBe(7);
    expect(value(s, 'opkernel_metrics_collect_failures_total')).toBe(1);
    expect(value(await scrape(), 'opkernel_deck_queue_depth', { deck: 'billing' })).toBe(8); // collected per scrape

    // Never the process-wide default registry (tests run several apps in one process).
    expect(await defaultRegistry.getMetricsAsJSON()).toEqual([]);
  });
});
