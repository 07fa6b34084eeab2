import type { ContextFrame } from '../context/frame';
import { indexDesign, type DesignIndex, type KernelDesign } from '../design/kernel-design';
import type { Changeset } from '../engine/types';
import { KernelError } from '../errors/kernel-error';
import type { EntityRef, Pcb } from '../pcb/pcb';
import type { DesignSource, EntityView, IdGenerator, OperatorView, ProcessStore } from '../ports/ports';

/**
 * An in-memory {@link ProcessStore} + {@link IdGenerator} + {@link DesignSource} for kernel tests: it applies changesets with the
 * same optimistic version check the database adapter makes, so kernel tests see real commit semantics.
 */
export class MemoryStore implements ProcessStore, IdGenerator {
  readonly pcbs = new Map<number, Pcb>();
  readonly frames = new Map<number, ContextFrame>();
  readonly audit: Changeset['audit'] = [];
  readonly entities = new Map<string, EntityView>();
  readonly operators = new Map<string, OperatorView>();
  private readonly designs = new Map<number, DesignIndex>();
  private seq = 0;

  addDesign(version: number, design: KernelDesign): void {
    this.designs.set(version, indexDesign(version, design));
  }
  addOperator(op: OperatorView): void {
    this.operators.set(op.key, op);
  }
  addEntity(e: EntityView): void {
    this.entities.set(`${e.type}:${e.id}`, e);
  }

  async get(pid: number): Promise<Pcb | null> {
    return this.pcbs.get(pid) ?? null;
  }
  async children(pid: number): Promise<Pcb[]> {
    return [...this.pcbs.values()].filter((p) => p.parentPid === pid);
  }
  async joinGroup(callerPid: number): Promise<Pcb[]> {
    return [...this.pcbs.values()].filter((p) => p.join?.callerPid === callerPid);
  }
  async callees(pid: number): Promise<Pcb[]> {
    return [...this.pcbs.values()].filter((p) => p.callerPid === pid);
  }
  async frame(pid: number): Promise<ContextFrame | null> {
    return this.frames.get(pid) ?? null;
  }
  async entity(ref: EntityRef): Promise<EntityView | null> {
    return this.entities.get(`${ref.type}:${ref.id}`) ?? null;
  }
  async operator(key: string): Promise<OperatorView | null> {
    return this.operators.get(key) ?? null;
  }
  async nextPid(): Promise<number> {
    return ++this.seq;
  }
  /** The {@link DesignSource} over the designs added with {@link addDesign}. */
  readonly designSource: DesignSource = {
    get: async (version: number): Promise<DesignIndex> => {
      const d = this.designs.get(version);
      if (!d) throw new Error(`no design version ${version}`);
      return d;
    },
  };

  /** Commits a changeset atomically: all or nothing, with version checks. @throws KernelError VERSION_CONFLICT */
  commit(cs: Changeset): void {
    for (const p of cs.created)
      if (this.pcbs.has(p.pid)) throw new KernelError('VERSION_CONFLICT', `pid ${p.pid} exists`);
    for (const u of cs.updated) {
      if (this.pcbs.get(u.pcb.pid)?.version !== u.expectedVersion) {
        throw new KernelError('VERSION_CONFLICT', `process ${u.pcb.pid} changed concurrently`, { pid: u.pcb.pid });
      }
    }
    for (const p of cs.created) this.pcbs.set(p.pid, p);
    for (const u of cs.updated) this.pcbs.set(u.pcb.pid, u.pcb);
    for (const f of cs.frames) this.frames.set(f.pid, f);
    this.audit.push(...cs.audit);
  }

  /** Processes of a service, by pid. */
  byService(service: string): Pcb[] {
    return [...this.pcbs.values()].filter((p) => p.service === service).sort((a, b) => a.pid - b.pid);
  }
}
