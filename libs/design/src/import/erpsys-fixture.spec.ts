import { describe, expect, it } from 'vitest';
import { mergeDesigns } from '../merge/merge-designs';
import { loadErpsysFixture } from '../testing/erpsys-fixtures';
import { DesignValidationError } from '../validation/design-issue';
import { validateDesign } from '../validation/validate-design';
import { importErpsysFixture } from './erpsys-fixture';
import { designHash } from './native';

type Row = { model: string; pk: number; fields: Record<string, unknown> };
const rows = () => loadErpsysFixture('backup.json') as Row[];
const doc = importErpsysFixture(rows());
const service = (key: string) => doc.services.find((s) => s.key === key);
const role = (key: string) => doc.roles.find((r) => r.key === key);
const operator = (key: string) => doc.operators.find((o) => o.key === key);

describe('importErpsysFixture (backup.json)', () => {
  it('imports the expected number of elements', () => {
    expect(doc.services).toHaveLength(39); // kernel.service: design's 38 + the orphan 登录签到测试服务
    expect(doc.rules).toHaveLength(16);
    expect(doc.events).toHaveLength(4);
    expect(doc.instructions).toHaveLength(5);
    expect(doc.roles).toHaveLength(6);
    expect(doc.operators).toHaveLength(12);
    expect(doc.entityTypes.map((e) => [e.key, e.label])).toEqual([
      ['Material', '物料'],
      ['Operator', '人员'],
    ]);
    expect(doc.workOrders).toHaveLength(6);
    expect(doc.resourceTypes).toHaveLength(6);
    expect(doc.name).toBe('颜青诊所');
    expect(validateDesign(doc).ok).toBe(true);
  });

  it('classifies services', () => {
    expect(service('biao_zhun_fu_wu_cheng_xu')?.kind).toBe('program');
    expect(service('biao_zhun_deng_lu_cheng_xu')?.kind).toBe('program');
    expect(doc.services.filter((s) => s.kind === 'program').map((s) => s.key)).toEqual([
      'biao_zhun_fu_wu_cheng_xu',
      'biao_zhun_deng_lu_cheng_xu',
    ]);
    expect(service('ke_hu_fu_wu')?.kind).toBe('manual'); // a composite: program of rules, but also a subject
    expect(service('ti_xing_yu_yue')?.kind).toBe('system');
    expect(service('deng_lu_qian_dao_ce_shi_fu_wu')?.kind).toBe('manual'); // invalid service_type USER
    expect(service('biao_zhun_fu_wu_cheng_xu')?.manualStart).toBe(true);
    expect(service('ke_hu_jie_dai')).toMatchObject({
      recordModel: 'Log',
      form: null,
      consists: ['dao_zhen_que_ren', 'wei_hu_ke_hu_dang_an', 'jian_kang_diao_cha'],
      external: { kernelPk: 490, designPk: 29, erpsysId: '1812887e-9057-11ef-9a7e-0e586f6f8a1d' },
    });
    expect(service('wu_liao_ru_ku')?.entityType).toBe('Material');
    expect(service('xin_yu_yue')?.entityType).toBe('Operator');
    expect(service('deng_lu_qian_dao_ce_shi_fu_wu')?.entityType).toBeNull();
    expect(service('qi_dong_zhi_liao_cheng_xu')).toMatchObject({ recordModel: null, form: null });
  });

  it('imports rule 59 as the entry of the customer-service journey', () => {
    const r59 = doc.rules.find((r) => r.external?.kernelPk === 59);
    expect(r59).toMatchObject({
      key: 'xin_jian_ke_hu_fu_wu',
      label: '服务开始 - 客户服务',
      program: 'biao_zhun_fu_wu_cheng_xu',
      subject: 'ke_hu_fu_wu',
      event: 'start_service_program',
      instruction: 'start_service',
      operand: 'xin_yu_yue',
      order: 10,
      parameterValues: {},
    });
    const r66 = doc.rules.find((r) => r.external?.kernelPk === 66);
    expect(r66).toMatchObject({ program: 'biao_zhun_deng_lu_cheng_xu', instruction: null, operand: null });
    expect(doc.rules.find((r) => r.external?.kernelPk === 72)).toMatchObject({
      event: 'request',
      operand: 'pi_fu_jian_cha',
    });
  });

  it('translates event expressions to FEEL', () => {
    expect(Object.fromEntries(doc.events.map((e) => [e.key, e.expression]))).toEqual({
      completed: 'process_state = "TERMINATED"',
      start_service_program: 'process_state = "NEW"',
      parallel_completed: 'parallel_completed = true',
      request: 'process_state = "SUSPENDED"',
    });
    expect(doc.instructions.find((i) => i.key === 'start_service')?.parameters).toEqual(['schedule_time', 'operators']);
    expect(doc.instructions.find((i) => i.key === 'calling_return')?.parameters).toEqual([]);
  });

  it('imports operators from the design layer with their users', () => {
    expect(operator('Manager')).toMatchObject({
      label: '经理',
      username: 'admin',
      roles: ['guan_li_yuan'],
      staff: true,
      admin: true,
      relatedStaff: 'chen_yi_sheng',
      organisation: '颜青医美诊所',
    });
    expect(operator('SystemSchedler')).toMatchObject({ username: null, staff: false, roles: ['System'] });
    expect(operator('zhang_san')).toMatchObject({
      username: '张三',
      staff: false,
      roles: ['ke_hu'],
      organisation: null,
    });
    expect(operator('xiao_fang')?.roles).toEqual(['hu_shi', 'ke_fu']);
    expect(doc.operators.some((o) => o.label === '未知')).toBe(false);
  });

  it('builds the 新预约 form from its record model, with Chinese titles and dictionary enums', () => {
    const form = service('xin_yu_yue')?.form as { title: string; properties: Record<string, Record<string, unknown>> };
    expect(form.title).toBe('预约记录');
    expect(Object.keys(form.properties)[0]).toBe('xing_ming');
    expect(form.properties.xing_ming).toEqual({ title: '姓名', type: 'string', maxLength: 100 });
    expect(form.properties.nian_ling).toMatchObject({ title: '年龄', type: 'integer' });
    expect(form.properties.yu_yue_shi_jian).toMatchObject({ title: '预约时间', format: 'date-time' });
    expect(form.properties.que_ren_yu_yue).toMatchObject({ type: 'boolean', default: true });
    expect(form.properties.ke_hu_lai_yuan.enum).toEqual(['小红书', '微博', '医生介绍', '客户介绍', '其它']);
    expect(service('jiao_fei')?.form).toMatchObject({
      properties: {
        shou_fei_lei_xing: { enum: expect.arrayContaining(['单次付清', '预充值']) },
        shi_shou: { type: 'number' },
      },
    });
    // the kernel-only orphan still gets its form through config.subject
    expect(service('deng_lu_qian_dao_ce_shi_fu_wu')?.form).toMatchObject({
      properties: { qian_dao: { type: 'boolean' } },
    });
    expect(service('rou_du_su_zhi_liao')?.form).toMatchObject({ type: 'object', properties: {} });
  });

  it('grants the fixture roles, plus the §8.2 proposal by default', () => {
    const fixtureOnly = importErpsysFixture(rows(), { roleGrants: 'fixture' });
    expect(fixtureOnly.roles.find((r) => r.key === 'guan_li_yuan')?.services).toHaveLength(31);
    expect(fixtureOnly.roles.filter((r) => r.services.length > 0).map((r) => r.key)).toEqual(['guan_li_yuan']);

    expect(role('ke_fu')?.services).toEqual(
      expect.arrayContaining(['xin_yu_yue', 'dao_zhen_ti_xing', 'sui_fang', 'ke_hu_fu_wu']),
    );
    expect(role('ke_fu')?.services).toHaveLength(10);
    expect(role('hu_shi')?.services).toEqual(
      expect.arrayContaining(['pi_fu_jian_cha', 'zhi_liao_fu_wu', 'wu_liao_chu_ku']),
    );
    expect(role('hu_shi')?.services).toHaveLength(15);
    expect(role('yi_sheng')?.services).toHaveLength(9);
    const admin = role('guan_li_yuan')?.services ?? [];
    expect(admin).toHaveLength(37);
    expect(admin).not.toContain('biao_zhun_fu_wu_cheng_xu');
    expect(admin).toContain('ke_hu_fu_wu');
    expect(role('ke_hu')?.services).toEqual([]);
  });

  it('imports resource types and work orders', () => {
    expect(doc.resourceTypes.map((r) => [r.key, r.usage])).toEqual([
      ['Material', 'consumption'],
      ['Equipment', 'tdm'],
      ['Device', 'recycle'],
      ['Capital', 'consumption'],
      ['Knowledge', 'shared'],
      ['Operator', 'tdm'],
    ]);
    const publicTasks = doc.workOrders.find((w) => w.key === 'gong_gong_ren_wu');
    expect(publicTasks?.label).toBe('公共任务');
    expect(publicTasks?.columns).toHaveLength(12);
    expect(publicTasks?.columns[1]).toEqual({
      label: '服务id',
      name: 'service_id',
      path: 'service.erpsys_id',
      visible: false,
      order: 10,
    });
  });

  it('is deterministic: importing twice and merging gives the same hash', () => {
    const again = importErpsysFixture(rows());
    expect(designHash(again)).toBe(designHash(doc));
    const merged = mergeDesigns(doc, again);
    expect(designHash(merged)).toBe(designHash(doc));
    expect(designHash(mergeDesigns(merged, again))).toBe(designHash(merged));
  });

  it('names the event when an expression cannot be translated', () => {
    const bad = rows();
    const event = bad.find((r) => r.model === 'kernel.event' && r.pk === 43)!;
    event.fields.expression = "__import__('os').system('x')";
    let caught: unknown;
    try {
      importErpsysFixture(bad);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DesignValidationError);
    const issue = (caught as DesignValidationError).issues[0];
    expect(issue.code).toBe('untranslatable_expression');
    expect(issue.path).toBe('kernel.event[pk=43].expression');
    expect(issue.message).toContain('"parallel_completed"');
    expect(issue.message).toContain('__import__');
    expect((caught as Error).message).toContain('parallel_completed');
  });

  it('reports unresolvable rule references and malformed rows', () => {
    const bad = rows();
    bad.find((r) => r.model === 'kernel.servicerule' && r.pk === 60)!.fields.operand_service = 9999;
    expect(() => importErpsysFixture(bad)).toThrow(/xin_yu_yue_wan_cheng.*9999/);
    expect(() => importErpsysFixture([{ model: 'kernel.service' }])).toThrow(DesignValidationError);
  });

  it('maps service requirements to resource types', () => {
    const withReq = rows();
    const svc = withReq.find((r) => r.model === 'kernel.service' && r.pk === 473)!;
    (svc.fields.config as Record<string, unknown>).material_requirements = [
      { erpsys_id: 'x', name: 'bao_tuo_shi', quantity: 2 },
      { erpsys_id: 'y', name: 'zhu_she_qi', quantity: 1 },
    ];
    const imported = importErpsysFixture(withReq);
    expect(imported.services.find((s) => s.key === 'rou_du_su_zhi_liao')?.resourceRequirements).toEqual([
      { resourceType: 'Material', quantity: 3 },
    ]);
  });
});
