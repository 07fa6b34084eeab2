/** One role's proposed grants: service keys, or every service whose kind is not `program`. */
export type RoleGrantProposal = { role: string; services: readonly string[] | 'every-non-program-service' };

const TREATMENTS = [
  'rou_du_su_zhi_liao', // 肉毒素治疗
  'chao_sheng_pao_zhi_liao', // 超声炮治疗
  'huang_jin_wei_zhen_zhi_liao', // 黄金微针治疗
  'diao_Q_zhi_liao', // 调Q治疗
  'guang_zi_zhi_liao', // 光子治疗
  'guo_suan_zhi_liao', // 果酸治疗
  'shui_guang_zhen_zhi_liao', // 水光针治疗
] as const;

/**
 * Role grants that are **our proposal, not erpsys data** (reference/erpsys-original.md §8.2, "For our seed a
 * sensible split"). Why: in backup.json only 管理员 has services (kernel 463–493); 医生, 护士, 客服, 客户 and
 * System have none, so their task lists are always empty, and 皮肤检查 (496), 治疗服务 (494) and the
 * composites are granted to nobody. With these grants the clinic journey can be worked by the intended
 * roles:
 * - 客服 ke_fu: 新预约, 到诊提醒, 到诊确认, 维护客户档案, 交费, 预充值, 提醒预约, 提醒随访, 随访, plus the
 *   journey's entry composite 客户服务 (ke_hu_fu_wu);
 * - 护士 hu_shi: 健康调查, 皮肤检查, 治疗服务, the 7 treatments, 发送治疗注意事项, 签署知情同意书,
 *   核销治疗项目, 物料入库, 物料出库;
 * - 医生 yi_sheng: 面诊评估, 诊断及处理, the 7 treatments;
 * - 管理员 guan_li_yuan: every service that is not a pure `program`.
 * Applied by `importErpsysFixture` with `roleGrants: 'fixture+proposal'` (the default), added after the
 * fixture's own grants; service keys missing from the imported design are skipped.
 */
export const ERPSYS_ROLE_GRANT_PROPOSAL: readonly RoleGrantProposal[] = [
  {
    role: 'ke_fu',
    services: [
      'xin_yu_yue', // 新预约
      'dao_zhen_ti_xing', // 到诊提醒
      'dao_zhen_que_ren', // 到诊确认
      'wei_hu_ke_hu_dang_an', // 维护客户档案
      'jiao_fei', // 交费
      'yu_chong_zhi', // 预充值
      'ti_xing_yu_yue', // 提醒预约
      'ti_xing_sui_fang', // 提醒随访
      'sui_fang', // 随访
      'ke_hu_fu_wu', // 客户服务 (entry composite)
    ],
  },
  {
    role: 'hu_shi',
    services: [
      'jian_kang_diao_cha', // 健康调查
      'pi_fu_jian_cha', // 皮肤检查
      'zhi_liao_fu_wu', // 治疗服务
      ...TREATMENTS,
      'fa_song_zhi_liao_zhu_yi_shi_xiang', // 发送治疗注意事项
      'qian_shu_zhi_qing_tong_yi_shu', // 签署知情同意书
      'he_xiao_zhi_liao_xiang_mu', // 核销治疗项目
      'wu_liao_ru_ku', // 物料入库
      'wu_liao_chu_ku', // 物料出库
    ],
  },
  {
    role: 'yi_sheng',
    services: [
      'mian_zhen_ping_gu', // 面诊评估
      'zhen_duan_ji_chu_li', // 诊断及处理
      ...TREATMENTS,
    ],
  },
  { role: 'guan_li_yuan', services: 'every-non-program-service' },
];
