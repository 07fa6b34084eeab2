import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntitySearchResult, ProcessEventView } from '@opkernel/contracts';
import { ApiClient } from '../src/journey/api-client';
import { sampleForm } from '../src/journey/sample-form';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { createOperator } from './utils/factories';
import { problem } from './utils/problem';
import { startTestApp, type TestApp } from './utils/test-app';

type Form = { properties: Record<string, { title?: string }> } & Record<string, unknown>;

/**
 * Customer search (`GET /entities?q=`) by name and by a form value (a phone number), through the read policy and
 * the trigram indexes; the audit trail names its actors.
 */
describe('entity search and audit actor names (real PostgreSQL)', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  let customer: ApiClient;
  let root: ProcessDto;
  let booking: ProcessDto;
  let phoneField: string;
  const label = `张三丰-${Date.now().toString(36)}`;
  const phone = '13912345678';
  const search = (client: ApiClient, query: string) => client.get<EntitySearchResult>(`/v1/entities?${query}`);

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    await createOperator(t.app, { key: 'cust', password: 'customer-password', staff: false, roles: [] });
    customer = await ApiClient.login(t.url, 'cust', 'customer-password');
    root = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label },
    });
    const pid = root.cascade.find((x) => x.service === 'xin_yu_yue')!.pid;
    const design = await c.admin.get<{ services: { key: string; form: Form | null }[] }>('/v1/designs/current');
    const form = design.services.find((s) => s.key === 'xin_yu_yue')!.form!;
    phoneField = Object.entries(form.properties).find(([, p]) => p.title === '电话')![0];
    booking = await c.fang.client.post<ProcessDto>(`/v1/processes/${pid}/complete`, {
      form: { ...sampleForm(form), [phoneField]: phone },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds a customer by part of the name (label match) and by part of the phone in a form (field match)', async () => {
    const byName = await search(c.fang.client, `q=${encodeURIComponent('张三')}`);
    expect(byName.items).toContainEqual({
      type: 'Operator',
      id: root.entity!.id,
      label,
      match: { field: null, service: null, value: label },
    });
    const byPhone = await search(c.fang.client, 'q=2345678');
    expect(byPhone.items).toEqual([
      {
        type: 'Operator',
        id: root.entity!.id,
        label,
        match: { field: phoneField, service: 'xin_yu_yue', value: phone },
      },
    ]);
    // Admins (and the type filter) find it too; another type finds nothing.
    expect((await search(c.admin, 'q=2345678&type=Operator')).items.map((h) => h.id)).toEqual([root.entity!.id]);
    expect((await search(c.admin, 'q=2345678&type=Room')).items).toEqual([]);
    // Form values are searched from 3 characters on (what a trigram index can find).
    expect((await search(c.fang.client, 'q=78')).items.filter((h) => h.match.field !== null)).toEqual([]);
    expect((await search(c.fang.client, 'q=678')).items.map((h) => h.id)).toContain(root.entity!.id);
  });

  it('LIKE wildcards are literal; limit bounds the hits', async () => {
    expect((await search(c.admin, `q=${encodeURIComponent('%')}`)).items).toEqual([]);
    expect((await search(c.admin, `q=${encodeURIComponent('张_丰')}`)).items).toEqual([]);
    await c.fang.client.post('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: `${label}-b` },
    });
    expect((await search(c.admin, `q=${encodeURIComponent(label)}`)).items.length).toBe(2);
    expect((await search(c.admin, `q=${encodeURIComponent(label)}&limit=1`)).items.map((h) => h.label)).toEqual([
      label,
    ]);
  });

  it('through the read policy: form values only of services the reader may see; customers get 403', async () => {
    // The doctor may read the journey (a program instance) but not the booking's form: no phone match.
    expect((await search(c.chen.client, 'q=2345678')).items).toEqual([]);
    expect((await search(c.chen.client, `q=${encodeURIComponent(label)}`)).items.map((h) => h.id)).toContain(
      root.entity!.id,
    );
    const forbidden = await problem(search(customer, 'q=2345678'));
    expect(forbidden.status).toBe(403);
  });

  it('bad input is a 400 naming the field', async () => {
    for (const [query, field] of [
      ['q=', 'q'],
      ['', 'q'],
      [`q=${'x'.repeat(101)}`, 'q'],
      ['q=a&limit=0', 'limit'],
      ['q=a&limit=51', 'limit'],
      ['q=a&limit=x', 'limit'],
    ] as const) {
      const p = await problem(search(c.fang.client, query));
      expect(p.status, query).toBe(400);
      expect(
        p.problem.errors?.map((e) => e.field),
        query,
      ).toContain(field);
    }
  });

  it('both searches can be answered from the trigram indexes', async () => {
    const runner = t.app.get(DataSource).createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query('SET LOCAL enable_seqscan = off');
      const plan = async (sql: string) =>
        JSON.stringify(await runner.query(`EXPLAIN (FORMAT JSON) ${sql}`, ['%2345678%']));
      expect(await plan(`SELECT id FROM entities e WHERE e.label ILIKE $1`)).toContain('entities_label_trgm_idx');
      expect(
        await plan(`SELECT pid FROM processes p WHERE p.entity_id IS NOT NULL AND p.form_data IS NOT NULL
                      AND opk_form_text(p.form_data) ILIKE $1`),
      ).toContain('processes_form_text_trgm_idx');
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('the audit trail names each operator actor by their label', async () => {
    const events = await c.fang.client.get<ProcessEventView[]>(`/v1/processes/${booking.pid}/events`);
    const byFang = events.filter((e) => e.actor === c.fang.key);
    expect(byFang.length).toBeGreaterThan(0);
    for (const e of byFang) expect(e.actorName).toBe('小方');
    for (const e of events.filter((x) => x.actor === null)) expect(e.actorName).toBeNull();
  });
});
