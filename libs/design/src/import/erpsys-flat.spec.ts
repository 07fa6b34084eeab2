import { describe, expect, it } from 'vitest';
import { loadErpsysFixture } from '../testing/erpsys-fixtures';
import { validateDesign } from '../validation/validate-design';
import { importErpsysFixture } from './erpsys-fixture';
import { importErpsysFlat } from './erpsys-flat';
import { designHash } from './native';
import { caught } from '../testing/caught';

type Row = { model: string; pk: number; fields: Record<string, unknown> };
const base = importErpsysFixture(loadErpsysFixture('backup.json'));
const flatRows = () => loadErpsysFixture('business_define.json') as Row[];
const flat = importErpsysFlat(flatRows(), base);

describe('importErpsysFlat (business_define.json)', () => {
  it('replaces the rules with the 19 flat rules in the two serviceprograms', () => {
    expect(flat.rules).toHaveLength(19);
    expect(new Set(flat.rules.map((r) => r.program))).toEqual(
      new Set(['standard_service_program', 'biao_zhun_deng_lu_cheng_xu']),
    );
    expect(flat.rules.filter((r) => r.program === 'biao_zhun_deng_lu_cheng_xu').map((r) => r.key)).toEqual(['logined']);
    expect(flat.rules.some((r) => r.key === 'xin_yu_yue_wan_cheng' && r.program === 'ke_hu_fu_wu')).toBe(false);
    expect(validateDesign(flat).ok).toBe(true);
  });

  it('resolves kernel service pks through the base design', () => {
    const r47 = flat.rules.find((r) => r.external?.kernelPk === 47);
    expect(r47).toMatchObject({
      key: 'xin_jian_ke_hu_fu_wu',
      program: 'standard_service_program',
      subject: 'ke_hu_fu_wu', // kernel service 495
      event: 'start_service_program',
      instruction: 'start_service',
      operand: 'xin_yu_yue', // 467
      order: 10,
    });
    expect(flat.rules.find((r) => r.external?.kernelPk === 54)).toMatchObject({
      subject: 'mian_zhen_ping_gu',
      event: 'calling_service',
      operand: 'pi_fu_jian_cha',
    });
    expect(flat.rules.find((r) => r.external?.kernelPk === 48)).toMatchObject({
      instruction: null,
      operand: 'ke_hu_jie_dai',
    });
  });

  it('reads the Python-literal parameter_values of rule 40', () => {
    expect(flat.rules.find((r) => r.external?.kernelPk === 40)?.parameterValues).toEqual({ active: true });
    expect(flat.rules.find((r) => r.external?.kernelPk === 41)?.parameterValues).toEqual({});
  });

  it('adds the serviceprograms as program services and upserts events and instructions', () => {
    expect(flat.services).toHaveLength(base.services.length + 1);
    expect(flat.services.find((s) => s.key === 'standard_service_program')).toMatchObject({
      kind: 'program',
      label: '标准服务程序',
      manualStart: true,
      entityType: 'Operator',
      external: { erpsysId: '06430890-bd47-11ef-adfc-0e586f6f8a1e' },
    });
    const login = flat.services.find((s) => s.key === 'biao_zhun_deng_lu_cheng_xu');
    expect(login).toMatchObject({ kind: 'program', manualStart: false, external: { kernelPk: 501 } });
    expect(flat.events.map((e) => e.key)).toEqual([
      'completed',
      'start_service_program',
      'parallel_completed',
      'request',
      'calling_service',
      'batch_completed',
    ]);
    expect(flat.events.find((e) => e.key === 'batch_completed')?.expression).toBe('batch_completed = true');
    // start_service's declared parameters are null in the flat file: the base's list is kept
    expect(flat.instructions.find((i) => i.key === 'start_service')?.parameters).toEqual([
      'schedule_time',
      'operators',
    ]);
    expect(flat.instructions).toHaveLength(5);
  });

  it('does not modify the base and is deterministic', () => {
    expect(base.rules).toHaveLength(16);
    expect(designHash(importErpsysFlat(flatRows(), base))).toBe(designHash(flat));
  });

  it('names the rule when a service pk is unknown', () => {
    const rows = flatRows();
    rows.find((r) => r.model === 'kernel.servicerule' && r.pk === 45)!.fields.operand_service = 777;
    const err = caught(() => importErpsysFlat(rows, base));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({
      path: 'kernel.servicerule[pk=45].operand_service',
      code: 'unknown_reference',
    });
    expect(err.issues[0].message).toContain('mian_zhen_ping_gu_wan_cheng');
    expect(err.issues[0].message).toContain('777');
  });

  it('rejects parameter_values that are not a safe literal dictionary', () => {
    const rows = flatRows();
    rows.find((r) => r.model === 'kernel.servicerule' && r.pk === 40)!.fields.parameter_values =
      "{'active': __import__('os')}";
    const err = caught(() => importErpsysFlat(rows, base));
    expect(err.issues[0]).toMatchObject({
      path: 'kernel.servicerule[pk=40].parameter_values',
      code: 'invalid_parameter_values',
    });
    expect(err.issues[0].message).toContain('logined');
    expect(err.issues[0].message).toContain('__import__');
  });
});
