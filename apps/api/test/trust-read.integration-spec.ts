import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveTaskChange } from '@opkernel/contracts';
import { ApiClient } from '../src/journey/api-client';
import { runClinicJourney } from '../src/journey/clinic-journey';
import { REDACTED } from '../src/modules/processes/form-redaction';
import { expectEventually } from './utils/expect-eventually';
import { createOperator } from './utils/factories';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

type Process = {
  pid: number;
  service: string;
  kind: string;
  state: string;
  designVersion: number;
  assignee: string | null;
  formData: Record<string, unknown> | null;
};

/**
 * Issue "Trust" §1 findings: form data crossing roles through snapshots and return values, commands revealing
 * what GET hides, live rooms bypassing the read policy.
 */
describe('one read policy for REST reads, commands and live pushes (clinic journey, real PostgreSQL)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let chen: ApiClient; // 医生
  let fang: ApiClient; // 客服, the journey's starter (creator of every step)
  let all: Process[];
  let services: Record<'chen' | 'fang', Set<string>>;
  const sockets: Socket[] = [];

  const loginAs = async (username: string): Promise<ApiClient> => {
    const operators = await admin.get<{ key: string; username: string | null }[]>('/v1/operators');
    const key = operators.find((o) => o.username === username)!.key;
    await admin.put(`/v1/operators/${encodeURIComponent(key)}/password`, { password: `${username}-Trust-pass-42` });
    return ApiClient.login(t.url, username, `${username}-Trust-pass-42`);
  };

  beforeAll(async () => {
    t = await startTestApp();
    const { entity } = await runClinicJourney(t.url, TEST_ADMIN_PASSWORD);
    admin = await ApiClient.login(t.url, 'admin', TEST_ADMIN_PASSWORD);
    chen = await loginAs('chen');
    fang = await loginAs('fang');
    all = (
      await admin.get<{ items: Process[] }>(
        `/v1/processes?entityType=${entity.type}&entityId=${encodeURIComponent(entity.id)}&pageSize=200`,
      )
    ).items;
    services = {
      chen: new Set((await chen.get<{ services: string[] }>('/v1/me')).services),
      fang: new Set((await fang.get<{ services: string[] }>('/v1/me')).services),
    };
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  /** Every form (`{ [service]: fields }`) found under return values in `content`, with the service key. */
  const returnValueForms = (content: unknown): { service: string; form: Record<string, unknown> }[] => {
    const out: { service: string; form: Record<string, unknown> }[] = [];
    const visit = (v: unknown, returned: boolean) => {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return;
      for (const [k, child] of Object.entries(v as Record<string, unknown>)) {
        if (returned && child && typeof child === 'object')
          out.push({ service: k, form: child as Record<string, unknown> });
        visit(child, k === 'return_value' || k === 'returnValue' || k.endsWith('_result'));
      }
    };
    visit(content, false);
    return out;
  };

  it('snapshots show a reader only the forms of services their roles allow; the rest is redacted, keys kept', async () => {
    let redacted = 0;
    let shown = 0;
    for (const p of all.filter((x) => x.kind === 'program')) {
      const mine = await chen.get<{ content: unknown; hash: string | null }[]>(`/v1/processes/${p.pid}/snapshots`);
      const theirs = await admin.get<{ content: unknown; hash: string | null }[]>(`/v1/processes/${p.pid}/snapshots`);
      expect(mine.length).toBe(theirs.length);
      for (const [i, snapshot] of mine.entries()) {
        const full = returnValueForms(theirs[i]!.content);
        const seen = returnValueForms(snapshot.content);
        // A hash of the hidden values would let them be confirmed by guessing: none is given with a redaction.
        expect(theirs[i]!.hash).toMatch(/^[0-9a-f]{64}$/);
        if (seen.some((f) => !services.chen.has(f.service))) expect(snapshot.hash).toBeNull();
        expect(seen.map((f) => [f.service, Object.keys(f.form)])).toEqual(
          full.map((f) => [f.service, Object.keys(f.form)]),
        );
        for (const [j, f] of seen.entries()) {
          if (services.chen.has(f.service)) {
            expect(f.form).toEqual(full[j]!.form);
            shown++;
          } else {
            expect(Object.values(f.form).every((v) => v === REDACTED)).toBe(true);
            redacted++;
          }
        }
      }
    }
    // The journey's program snapshots carry the reception's forms (客服/护士) that the doctor may not see.
    expect(redacted).toBeGreaterThan(0);
    // … and the forms of the doctor's own services, in full.
    expect(shown).toBeGreaterThan(0);
  });

  it('a creator reading a step of another role sees its form keys but not its values', async () => {
    const doctorOnly = all.filter((p) => p.kind === 'task' && p.formData && !services.fang.has(p.service));
    expect(doctorOnly.length).toBeGreaterThan(0); // e.g. 诊断及处理, completed by 陈医生
    for (const p of doctorOnly) {
      const view = await fang.get<Process>(`/v1/processes/${p.pid}`);
      expect(Object.keys(view.formData!)).toEqual(Object.keys(p.formData!));
      expect(Object.values(view.formData!).every((v) => v === REDACTED)).toBe(true);
      const asDoctor = await chen.get<Process>(`/v1/processes/${p.pid}`);
      expect(asDoctor.formData).toEqual(p.formData);
    }
  });

  it('a command on a process the caller may not read answers 404 like a missing one, naming nothing', async () => {
    const hidden: Process[] = [];
    for (const p of all.filter((x) => x.kind === 'task')) {
      const r = await fetch(`${t.url}/api/v1/processes/${p.pid}`, {
        headers: { authorization: `Bearer ${chen.accessToken}` },
      });
      if (r.status === 404) hidden.push(p);
    }
    expect(hidden.length).toBeGreaterThan(0);
    const missing = await fetch(`${t.url}/api/v1/processes/99999999/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chen.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const missingBody = (await missing.json()) as { detail: string };
    for (const p of hidden) {
      for (const [action, body] of [
        ['claim', {}],
        ['transfer', { operator: 'admin' }],
        ['complete', { form: { anything: 1 } }],
        ['cancel', { reason: 'x' }],
        ['suspend', { reason: 'x' }],
      ] as const) {
        const r = await fetch(`${t.url}/api/v1/processes/${p.pid}/${action}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${chen.accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(r.status).toBe(404);
        const text = await r.text();
        expect(text).not.toContain(p.service);
        if (p.assignee) expect(text).not.toContain(p.assignee);
        expect((JSON.parse(text) as { detail: string }).detail).toBe(
          missingBody.detail.replace('99999999', String(p.pid)),
        );
      }
    }
  });

  it('live: joining an entity room is not a read grant — a push reaches only recipients who may read the process', async () => {
    const entityRoom = `entity:Operator:${(await admin.get<{ entity: { id: string } }>(`/v1/processes/${all[0]!.pid}`)).entity.id}`;
    await createOperator(t.app, { key: 'roleless', password: 'roleless-Trust-pass-42', roles: [], staff: true });
    const roleless = await ApiClient.login(t.url, 'roleless', 'roleless-Trust-pass-42');
    const connect = async (token: string) => {
      const s = io(`${t.url}/live`, {
        auth: { token },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('connect', () => resolve());
        s.once('connect_error', reject);
      });
      expect(await s.timeout(5000).emitWithAck('subscribe', { room: entityRoom })).toEqual({ ok: true });
      const got: LiveTaskChange[] = [];
      s.on('task.changed', (c: LiveTaskChange) => got.push(c));
      return got;
    };
    const nobody = await connect(roleless.accessToken!);
    const everything = await connect(admin.accessToken!);
    // A new journey step for the same customer, worked by 小方: a task and its program instance change.
    const started = await fang.post<{ pid: number; cascade: { pid: number; kind: string }[] }>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', id: entityRoom.split(':').slice(2).join(':') },
    });
    await expectEventually(() => expect(everything.some((c) => c.kind === 'task')).toBe(true));
    await new Promise((r) => setTimeout(r, 300));
    expect(everything.some((c) => c.pid === started.pid)).toBe(true);
    // The roleless staff member may read program instances only (no task of this journey is theirs).
    expect(nobody.length).toBeGreaterThan(0);
    expect(nobody.every((c) => c.kind === 'program')).toBe(true);
  });
});
