import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupClinic, type ProcessDto } from './utils/clinic';
import { expectEventually } from './utils/expect-eventually';
import { createOperator } from './utils/factories';
import { problem } from './utils/problem';
import { startTestApp, type TestApp } from './utils/test-app';
import { ApiClient } from '../src/journey/api-client';
import { OperatorDirectory } from '../src/modules/auth/operator-directory.service';

type Draft = { pid: number; formData: Record<string, unknown>; savedBy: string; savedAt: string };
type Context = {
  draft: Draft | null;
  earlier: {
    pid: number;
    service: string;
    formData: Record<string, unknown>;
    redacted: boolean;
    assigneeName: string;
  }[];
  prefill: Record<string, { value: unknown; pid: number; serviceLabel: string }>;
  requested: { pid: number; service: string; state: string; terminatedReason: string | null; assigneeName: string }[];
};

/** The task page's API: drafts, earlier steps with prefill, requested steps, staff names (real PostgreSQL). */
describe('task page API: drafts, context, staff', () => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof setupClinic>>;
  let db: DataSource;
  let root: ProcessDto;

  /** The open task of `service` in this journey's customer (waits for the cascade to have created it). */
  const openTask = async (service: string): Promise<ProcessDto> => {
    return expectEventually(async () => {
      const page = await c.admin.get<{ items: ProcessDto[] }>(
        `/v1/processes?service=${service}&entityType=${root.entity!.type}&entityId=${encodeURIComponent(root.entity!.id)}`,
      );
      const found = page.items.find((p) => p.state !== 'TERMINATED');
      if (!found) throw new Error(`no open ${service} yet`);
      return found;
    });
  };
  /** Starts (when READY) and completes `pid` as `client`. */
  const work = async (client: ApiClient, pid: number, form: Record<string, unknown>) => {
    const p = await client.get<ProcessDto>(`/v1/processes/${pid}`);
    if (p.state === 'READY') await client.post(`/v1/processes/${pid}/start`);
    await client.post(`/v1/processes/${pid}/complete`, { form });
  };
  const auditCount = async (pid: number) =>
    Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM process_events WHERE pid = $1', [pid]))[0]!.n);

  beforeAll(async () => {
    t = await startTestApp();
    c = await setupClinic(t.url);
    db = t.app.get(DataSource);
    root = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '草稿客户' },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the assignee’s draft while RUNNING or SUSPENDED: no state change, no audit row; refuses everyone else', async () => {
    const booking = await openTask('xin_yu_yue');
    const url = `/v1/processes/${booking.pid}/draft`;
    expect(booking).toMatchObject({ assignee: c.fang.key, state: 'READY' });
    // READY: not yet worked on.
    expect(await problem(c.fang.client.put(url, { formData: { xing_ming: '张' } }))).toMatchObject({
      status: 409,
      problem: { code: 'ILLEGAL_STATE' },
    });
    await c.fang.client.post(`/v1/processes/${booking.pid}/start`);
    const before = await c.fang.client.get<ProcessDto>(`/v1/processes/${booking.pid}`);
    const audited = await auditCount(booking.pid);

    const saved = await c.fang.client.put<Draft>(url, { formData: { xing_ming: '张三', nian_ling: 30 } });
    expect(saved).toMatchObject({
      pid: booking.pid,
      formData: { xing_ming: '张三', nian_ling: 30 },
      savedBy: c.fang.key,
    });
    expect(await c.fang.client.get<Draft>(url)).toMatchObject({ formData: { xing_ming: '张三', nian_ling: 30 } });
    // The task page gets it with the task's context; no one else does.
    const context = `/v1/processes/${booking.pid}/context`;
    expect((await c.fang.client.get<Context>(context)).draft).toMatchObject({ formData: { xing_ming: '张三' } });
    expect((await c.jiang.client.get<Context>(context)).draft).toBeNull();
    // Replaced as a whole by the next save.
    await c.fang.client.put<Draft>(url, { formData: { xing_ming: '张三丰' } });
    expect((await c.fang.client.get<Draft>(url)).formData).toEqual({ xing_ming: '张三丰' });
    const after = await c.fang.client.get<ProcessDto>(`/v1/processes/${booking.pid}`);
    expect(after.version).toBe(before.version);
    expect(after.state).toBe('RUNNING');
    expect(await auditCount(booking.pid)).toBe(audited);

    // 小蒋 may read the task (客服) but it is not hers; the doctor may not read it at all.
    expect(await problem(c.jiang.client.put(url, { formData: {} }))).toMatchObject({
      status: 403,
      problem: { code: 'NOT_ASSIGNEE' },
    });
    expect(await problem(c.jiang.client.get(url))).toMatchObject({ status: 404, problem: { code: 'NO_DRAFT' } });
    expect((await problem(c.chen.client.get(url))).status).toBe(404);
    expect((await problem(c.chen.client.put(url, { formData: {} }))).status).toBe(404);

    // Bad bodies name the field; an oversized draft is a 413 naming formData.
    expect(await problem(c.fang.client.put(url, { formData: [1] }))).toMatchObject({
      status: 422,
      problem: { errors: [expect.objectContaining({ field: 'formData' })] },
    });
    expect(await problem(c.fang.client.put(url, { formData: { bei_zhu: 'x'.repeat(70_000) } }))).toMatchObject({
      status: 413,
      problem: { errors: [expect.objectContaining({ field: 'formData' })] },
    });
    expect((await c.fang.client.get<Draft>(url)).formData).toEqual({ xing_ming: '张三丰' });

    // Kept across a suspension; saved while SUSPENDED too.
    await c.fang.client.post(`/v1/processes/${booking.pid}/suspend`, { reason: 'customer calls back' });
    expect((await c.fang.client.get<Draft>(url)).formData).toEqual({ xing_ming: '张三丰' });
    await c.fang.client.put<Draft>(url, { formData: { xing_ming: '张三丰', dian_hua: '13800000000' } });
    await c.fang.client.post(`/v1/processes/${booking.pid}/resume`);
    expect((await c.fang.client.get<Draft>(url)).formData).toEqual({ xing_ming: '张三丰', dian_hua: '13800000000' });

    // Completing removes it (and a terminated task takes no new one).
    await c.fang.client.post(`/v1/processes/${booking.pid}/complete`, {
      form: {
        xing_ming: '张三丰',
        dian_hua: '13800000000',
        nian_ling: 30,
        chang_zhu_di: '上海',
        yu_yue_yi_sheng: 'chen_yi_sheng',
      },
    });
    expect(await problem(c.fang.client.get(url))).toMatchObject({ status: 404, problem: { code: 'NO_DRAFT' } });
    // Gone with the completion, in its transaction (no waiting for a subscriber).
    expect(await db.query('SELECT 1 FROM task_drafts WHERE pid = $1', [booking.pid])).toEqual([]);
    expect((await problem(c.fang.client.put(url, { formData: {} }))).status).toBe(409);
  });

  it('offers the customer’s earlier visible values per field, and the earlier steps beside the form', async () => {
    // 到诊提醒 (a tick box), then 到诊确认: the same fields as 新预约.
    await work(c.fang.client, (await openTask('dao_zhen_ti_xing')).pid, { yi_ti_xing: true });
    const confirm = await openTask('dao_zhen_que_ren');
    const context = await c.fang.client.get<Context>(`/v1/processes/${confirm.pid}/context`);
    const booking = context.earlier.find((e) => e.service === 'xin_yu_yue')!;
    expect(booking).toMatchObject({ redacted: false, assigneeName: '小方', formData: { xing_ming: '张三丰' } });
    expect(context.earlier.map((e) => e.service)).toEqual(['dao_zhen_ti_xing', 'xin_yu_yue']); // newest first
    expect(context.prefill).toMatchObject({
      xing_ming: { value: '张三丰', pid: booking.pid, serviceLabel: '新预约' },
      dian_hua: { value: '13800000000' },
      nian_ling: { value: 30 },
      chang_zhu_di: { value: '上海' },
      yu_yue_yi_sheng: { value: 'chen_yi_sheng' },
    });
    expect(context.prefill).not.toHaveProperty('bei_zhu'); // never filled in
    expect(context.prefill).not.toHaveProperty('shou_zhen'); // tick boxes are not carried over
    expect(context.requested).toEqual([]);

    // The newest value wins: 到诊确认 corrects the phone number; 维护客户档案 is offered the correction.
    await work(c.fang.client, confirm.pid, { xing_ming: '张三丰', dian_hua: '13900000000' });
    const record = await openTask('wei_hu_ke_hu_dang_an');
    const next = await c.fang.client.get<Context>(`/v1/processes/${record.pid}/context`);
    expect(next.prefill['dian_hua']).toMatchObject({ value: '13900000000', pid: confirm.pid });
    expect(next.prefill['nian_ling']).toMatchObject({ value: 30 }); // only the booking had it

    // With only the nurse's role, 小方 still reads these steps (she did them) and — holding an open task for the
    // customer (维护客户档案) — their forms: a case worker sees the case.
    const roles = (
      await db.query<{ roles: string[] }[]>('SELECT roles FROM operators WHERE key = $1', [c.fang.key])
    )[0]!.roles;
    const setRoles = async (value: string[]) => {
      await db.query('UPDATE operators SET roles = $2 WHERE key = $1', [c.fang.key, value]);
      t.app.get(OperatorDirectory).evict([c.fang.key]);
    };
    await setRoles(['hu_shi']);
    try {
      const nurse = await c.fang.client.get<Context>(`/v1/processes/${record.pid}/context`);
      expect(nurse.earlier.find((e) => e.pid === booking.pid)).toMatchObject({
        redacted: false,
        formData: { xing_ming: '张三丰' },
      });
      // Handed to 小蒋, she holds no open task for the customer: forms of services her role does not allow are
      // redacted again, and nothing is offered.
      await c.admin.post(`/v1/processes/${record.pid}/transfer`, { operator: c.jiang.key });
      const after = await c.fang.client.get<Context>(`/v1/processes/${record.pid}/context`);
      expect(after.earlier.find((e) => e.pid === booking.pid)).toMatchObject({
        redacted: true,
        formData: { xing_ming: expect.stringContaining('redacted') },
      });
      expect(after.prefill).toEqual({});
    } finally {
      await c.admin.post(`/v1/processes/${record.pid}/transfer`, { operator: c.fang.key });
      await setRoles(roles);
    }

    // The doctor's roles allow none of these services, but working a step for this customer, he sees the
    // customer's earlier steps and their results beside his form.
    await work(c.fang.client, record.pid, { xing_ming: '张三丰' });
    await work(c.fang.client, (await openTask('jian_kang_diao_cha')).pid, { xing_ming: '张三丰' });
    const consult = await openTask('mian_zhen_ping_gu');
    const before = await c.chen.client.get<Context>(`/v1/processes/${consult.pid}/context`);
    expect(before.earlier).toEqual([]); // not his task yet: a pool task of his role grants nothing
    await c.chen.client.post(`/v1/processes/${consult.pid}/claim`);
    const doctor = await c.chen.client.get<Context>(`/v1/processes/${consult.pid}/context`);
    expect(doctor.earlier.find((e) => e.pid === booking.pid)).toMatchObject({
      redacted: false,
      formData: { xing_ming: '张三丰' },
    });
    expect(doctor.earlier.map((e) => e.service)).toEqual(
      expect.arrayContaining(['jian_kang_diao_cha', 'wei_hu_ke_hu_dang_an', 'xin_yu_yue']),
    );
    expect((await c.chen.client.get<{ formData: unknown }>(`/v1/processes/${booking.pid}`)).formData).toMatchObject({
      xing_ming: '张三丰',
    });
    // A step for another customer stays hidden: no context, 404 as if it did not exist.
    const other = await c.fang.client.post<ProcessDto>('/v1/processes', {
      service: 'ke_hu_fu_wu',
      entity: { type: 'Operator', label: '别的客户' },
    });
    const otherBooking = await expectEventually(async () => {
      const page = await c.admin.get<{ items: ProcessDto[] }>(
        `/v1/processes?service=xin_yu_yue&entityType=${other.entity!.type}&entityId=${encodeURIComponent(other.entity!.id)}`,
      );
      if (!page.items[0]) throw new Error('no booking yet');
      return page.items[0];
    });
    expect((await problem(c.chen.client.get(`/v1/processes/${otherBooking.pid}/context`))).status).toBe(404);
    expect((await problem(c.chen.client.get(`/v1/processes/${otherBooking.pid}`))).status).toBe(404);
  });

  it('tells the owner of a suspended "request service" step how the requested step stands, until Resume', async () => {
    const consult = await openTask('mian_zhen_ping_gu');
    expect(consult.assignee).toBe(c.chen.key);
    await c.chen.client.post(`/v1/processes/${consult.pid}/start`);
    await c.chen.client.post(`/v1/processes/${consult.pid}/suspend`, { reason: 'skin examination needed' });
    const skin = await openTask('pi_fu_jian_cha');
    const url = `/v1/processes/${consult.pid}/context`;
    expect((await c.chen.client.get<Context>(url)).requested).toEqual([
      expect.objectContaining({ pid: skin.pid, service: 'pi_fu_jian_cha', state: skin.state, terminatedReason: null }),
    ]);
    // Holding the (suspended) consultation for this customer, the doctor also reads the skin examination itself.
    expect((await c.chen.client.get<ProcessDto>(`/v1/processes/${skin.pid}`)).pid).toBe(skin.pid);

    await work(c.fang.client, skin.pid, { xing_ming: '张三丰' });
    expect((await c.chen.client.get<Context>(url)).requested).toEqual([
      expect.objectContaining({
        pid: skin.pid,
        state: 'TERMINATED',
        terminatedReason: 'completed',
        assigneeName: '小方',
      }),
    ]);
    const resumed = await c.chen.client.post<ProcessDto>(`/v1/processes/${consult.pid}/resume`);
    expect(resumed.state).toBe('RUNNING');

    // Completed, the consultation is an earlier step the doctor sees beside 诊断及处理 (their own service's form).
    await c.chen.client.post(`/v1/processes/${consult.pid}/complete`, { form: { zhu_su: '面部红斑' } });
    const diagnosis = await openTask('zhen_duan_ji_chu_li');
    await c.chen.client.post(`/v1/processes/${diagnosis.pid}/claim`);
    const beside = await c.chen.client.get<Context>(`/v1/processes/${diagnosis.pid}/context`);
    expect(beside.earlier[0]).toMatchObject({ pid: consult.pid, redacted: false, formData: { zhu_su: '面部红斑' } });
    expect(beside.earlier.every((e) => !e.redacted)).toBe(true);
    expect(beside.requested).toEqual([]);
  });

  it('lists the staff by name for operator fields (staff and administrators only)', async () => {
    const staff = await c.chen.client.get<{ key: string; label: string; roles: string[] }[]>('/v1/staff');
    expect(staff).toEqual(
      expect.arrayContaining([
        { key: 'chen_yi_sheng', label: '陈医生', roles: ['yi_sheng'] },
        expect.objectContaining({ key: 'xiao_fang', label: '小方' }),
      ]),
    );
    expect(staff.map((s) => s.key)).not.toContain('SystemSchedler'); // not staff
    await createOperator(t.app, { key: 'task_page_customer', password: 'Task-Page-Customer-42', staff: false });
    const customer = await ApiClient.login(t.url, 'task_page_customer', 'Task-Page-Customer-42');
    expect((await problem(customer.get('/v1/staff'))).status).toBe(403);
  });
});
