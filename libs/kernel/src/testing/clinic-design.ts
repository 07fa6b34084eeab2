import type { KernelDesign } from '../design/kernel-design';
import { ruleDef, serviceDef } from './design-builders';

/**
 * A hand-written mirror of the erpsys clinic design (reference/erpsys-original.md §8.3–§8.5: rules r59–r74,
 * nested programs 客户服务 → 客户接待 / 接诊) for kernel tests, which may not import the design library.
 * The role split is the §8.2 proposal. API tests import the real fixture instead.
 */
const svc = (key: string, label: string, kind: 'manual' | 'system' | 'program' = 'manual', manualStart = false) =>
  serviceDef(key, { label, kind, manualStart, entityType: 'Operator' });
const rule = (
  key: string,
  program: string,
  order: number,
  subject: string,
  event: string,
  instruction: string | null,
  operand: string | null,
) => ruleDef(key, program, order, subject, event, instruction, operand);

export const CLINIC_SERVICES = {
  program: 'biao_zhun_fu_wu_cheng_xu',
  journey: 'ke_hu_fu_wu',
  reception: 'ke_hu_jie_dai',
  intake: 'jie_zhen',
} as const;

export function clinicDesign(): KernelDesign {
  return {
    services: [
      svc('biao_zhun_fu_wu_cheng_xu', '标准服务程序', 'program', true),
      svc('ke_hu_fu_wu', '客户服务'),
      svc('xin_yu_yue', '新预约'),
      svc('dao_zhen_ti_xing', '到诊提醒'),
      svc('ke_hu_jie_dai', '客户接待'),
      svc('dao_zhen_que_ren', '到诊确认'),
      svc('wei_hu_ke_hu_dang_an', '维护客户档案'),
      svc('jian_kang_diao_cha', '健康调查'),
      svc('jie_zhen', '接诊'),
      svc('mian_zhen_ping_gu', '面诊评估'),
      svc('pi_fu_jian_cha', '皮肤检查'),
      svc('zhen_duan_ji_chu_li', '诊断及处理'),
      svc('jiao_fei', '交费'),
      svc('zhi_liao_fu_wu', '治疗服务'),
      svc('qi_dong_zhi_liao_cheng_xu', '启动治疗程序', 'system'),
    ],
    events: [
      { key: 'completed', label: '完成', expression: 'process_state = "TERMINATED"' },
      { key: 'start_service_program', label: '服务开始', expression: 'process_state = "NEW"' },
      { key: 'parallel_completed', label: '全部完成', expression: 'parallel_completed = true' },
      { key: 'request', label: '请求服务', expression: 'process_state = "SUSPENDED"' },
    ],
    instructions: [
      { key: 'start_service', label: '启动服务', sysCall: 'start_service', parameters: [] },
      { key: 'calling_return', label: '调用返回', sysCall: 'calling_return', parameters: [] },
      {
        key: 'start_parallel_service',
        label: '启动并行服务',
        sysCall: 'start_parallel_service',
        parameters: ['threads', 'operators'],
      },
      { key: 'call_sub_service', label: '调用服务', sysCall: 'call_sub_service', parameters: [] },
      {
        key: 'start_iteration_service',
        label: '启动循环服务',
        sysCall: 'start_iteration_service',
        parameters: ['iterations'],
      },
    ],
    rules: [
      rule(
        'r59',
        'biao_zhun_fu_wu_cheng_xu',
        10,
        'ke_hu_fu_wu',
        'start_service_program',
        'start_service',
        'xin_yu_yue',
      ),
      rule('r60', 'ke_hu_fu_wu', 20, 'xin_yu_yue', 'completed', 'start_service', 'dao_zhen_ti_xing'),
      rule('r61', 'ke_hu_fu_wu', 30, 'dao_zhen_ti_xing', 'completed', 'call_sub_service', 'ke_hu_jie_dai'),
      rule('r62', 'ke_hu_fu_wu', 40, 'ke_hu_jie_dai', 'completed', 'call_sub_service', 'jie_zhen'),
      rule('r63', 'ke_hu_fu_wu', 50, 'jie_zhen', 'completed', 'start_service', 'jiao_fei'),
      rule('r64', 'ke_hu_fu_wu', 60, 'jiao_fei', 'completed', 'start_service', 'zhi_liao_fu_wu'),
      rule('r65', 'ke_hu_fu_wu', 70, 'zhi_liao_fu_wu', 'completed', 'calling_return', null),
      rule('r67', 'ke_hu_jie_dai', 10, 'ke_hu_jie_dai', 'start_service_program', 'start_service', 'dao_zhen_que_ren'),
      rule('r68', 'ke_hu_jie_dai', 20, 'dao_zhen_que_ren', 'completed', 'start_service', 'wei_hu_ke_hu_dang_an'),
      rule('r69', 'ke_hu_jie_dai', 30, 'wei_hu_ke_hu_dang_an', 'completed', 'start_service', 'jian_kang_diao_cha'),
      rule('r70', 'ke_hu_jie_dai', 40, 'jian_kang_diao_cha', 'completed', 'calling_return', null),
      rule('r71', 'jie_zhen', 10, 'jie_zhen', 'start_service_program', 'start_service', 'mian_zhen_ping_gu'),
      rule('r72', 'jie_zhen', 20, 'mian_zhen_ping_gu', 'request', 'call_sub_service', 'pi_fu_jian_cha'),
      rule('r73', 'jie_zhen', 30, 'pi_fu_jian_cha', 'completed', 'start_service', 'zhen_duan_ji_chu_li'),
      rule('r74', 'jie_zhen', 40, 'zhen_duan_ji_chu_li', 'completed', 'calling_return', null),
    ],
    roles: [
      {
        key: 'ke_fu',
        label: '客服',
        services: [
          'ke_hu_fu_wu',
          'xin_yu_yue',
          'dao_zhen_ti_xing',
          'dao_zhen_que_ren',
          'wei_hu_ke_hu_dang_an',
          'jiao_fei',
        ],
      },
      { key: 'hu_shi', label: '护士', services: ['jian_kang_diao_cha', 'pi_fu_jian_cha', 'zhi_liao_fu_wu'] },
      { key: 'yi_sheng', label: '医生', services: ['mian_zhen_ping_gu', 'zhen_duan_ji_chu_li'] },
      {
        key: 'guan_li_yuan',
        label: '管理员',
        services: [
          'ke_hu_fu_wu',
          'xin_yu_yue',
          'dao_zhen_ti_xing',
          'ke_hu_jie_dai',
          'dao_zhen_que_ren',
          'wei_hu_ke_hu_dang_an',
          'jian_kang_diao_cha',
          'jie_zhen',
          'mian_zhen_ping_gu',
          'pi_fu_jian_cha',
          'zhen_duan_ji_chu_li',
          'jiao_fei',
          'zhi_liao_fu_wu',
        ],
      },
    ],
  };
}
