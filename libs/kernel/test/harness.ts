import { Kernel, type Actor, type Changeset, type ExpressionEvaluator, type KernelDesign, type Pcb } from '../src';
import { ManualClock, MemoryStore, clinicDesign } from '../src/testing';

/**
 * Kernel + in-memory store + clinic operators; `exec` commits a command's changeset like the API does.
 * `evaluator` replaces the kernel's default (in-process) rule-expression evaluator.
 */
export function harness(design: KernelDesign = clinicDesign(), options: { evaluator?: ExpressionEvaluator } = {}) {
  const store = new MemoryStore();
  const clock = new ManualClock();
  store.addDesign(1, design);
  const ops: Record<string, Actor> = {
    fang: { key: 'xiao_fang', roles: ['hu_shi', 'ke_fu'], admin: false },
    chen: { key: 'chen_yi_sheng', roles: ['yi_sheng'], admin: false },
    jiang: { key: 'xiao_jiang', roles: ['hu_shi', 'ke_fu'], admin: false },
    manager: { key: 'Manager', roles: ['guan_li_yuan'], admin: true },
  };
  for (const a of Object.values(ops)) store.addOperator({ key: a.key, label: a.key, roles: a.roles });
  store.addEntity({ type: 'Operator', id: 'zhang_san', label: '张三', attributes: { phone: '123' } });
  const kernel = new Kernel({
    store,
    ids: store,
    designs: store.designSource,
    clock,
    evaluator: options.evaluator,
    scheduler: store,
  });
  const exec = async (cmd: Promise<Changeset>): Promise<Changeset> => {
    const cs = await cmd;
    store.commit(cs);
    clock.advance(1000);
    return cs;
  };
  /** The only live (not TERMINATED) process of a service. */
  const live = (service: string): Pcb => {
    const list = store.byService(service).filter((p) => p.state !== 'TERMINATED');
    if (list.length !== 1) throw new Error(`expected one live ${service}, found ${list.length}`);
    return list[0]!;
  };
  return { store, clock, kernel, ops, exec, live };
}
