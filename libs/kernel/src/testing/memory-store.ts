import type { ContextFrame } from '../context/frame';
import { indexDesign, type DesignIndex, type KernelDesign } from '../design/kernel-design';
import type { Changeset, LaneEntry } from '../engine/types';
import { designProfile } from '../engine/get-next';
import { compareLaneOrder } from '../scheduler/rank';
import type { SlaClock } from '../scheduler/sla';
import type { BookingView, ResourceView } from '../scheduler/resources';
import type { QueueCandidate } from '../scheduler/select';
import { KernelError } from '../errors/kernel-error';
import type { EntityRef, Pcb } from '../pcb/pcb';
import {
  laneTailKey,
  type DesignSource,
  type EntityView,
  type IdGenerator,
  type OperatorSchedState,
  type OperatorView,
  type ProcessStore,
  type SchedulerStore,
} from '../ports/ports';

const EMPTY_STATE: OperatorSchedState = {
  presence: 'available',
  load: 0,
  lastAssignedAt: null,
  capacity: null,
  calendar: null,
  skills: [],
};

/**
 * An in-memory {@link ProcessStore} + {@link IdGenerator} + {@link DesignSource} for kernel tests: it applies changesets with the
 * same optimistic version check the database adapter makes, so kernel tests see real commit semantics.
 */
export class MemoryStore implements ProcessStore, IdGenerator, SchedulerStore {
  readonly pcbs = new Map<number, Pcb>();
  readonly frames = new Map<number, ContextFrame>();
  readonly audit: Changeset['audit'] = [];
  readonly entities = new Map<string, EntityView>();
  readonly operators = new Map<string, OperatorView>();
  private readonly designs = new Map<number, DesignIndex>();
  /** The ready queue: lane rows by `lane|pid`. */
  readonly queue = new Map<string, LaneEntry>();
  readonly operatorStates = new Map<string, OperatorSchedState>();
  readonly explanations: Changeset['scheduler']['explanations'] = [];
  readonly fairnessWeights = new Map<string, number>();
  readonly slaClocks = new Map<number, SlaClock>();
  /** Runtime resources by key (calendar: a key of the design's calendars, or null). */
  readonly resources = new Map<string, Omit<ResourceView, 'calendar'> & { calendar: string | null }>();
  readonly bookings: {
    id: number;
    pid: number | null;
    resource: string;
    slot: number;
    from: number;
    to: number;
    status: string;
  }[] = [];
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
    // Like the exclusion constraint: a live booking of the same slot overlapping a new one fails the commit.
    for (const h of cs.scheduler.bookings.hold) {
      const clash = this.bookings.some(
        (b) =>
          b.resource === h.resource &&
          b.slot === h.slot &&
          (b.status === 'held' || b.status === 'active') &&
          b.from < h.to &&
          h.from < b.to,
      );
      if (clash) throw new KernelError('VERSION_CONFLICT', `slot ${h.resource}#${h.slot} is booked`);
    }
    for (const p of cs.created) this.pcbs.set(p.pid, p);
    for (const u of cs.updated) this.pcbs.set(u.pcb.pid, u.pcb);
    for (const f of cs.frames) this.frames.set(f.pid, f);
    this.audit.push(...cs.audit);
    for (const d of cs.scheduler.dequeue)
      for (const [k, e] of this.queue) if (e.pid === d.pid && !d.keep.includes(e.lane)) this.queue.delete(k);
    for (const e of cs.scheduler.enqueue) this.queue.set(`${e.lane}|${e.pid}`, e);
    for (const l of cs.scheduler.load) {
      const st = this.operatorStates.get(l.operator) ?? this.designState(l.operator);
      const at = cs.changes[0]?.at ?? st.lastAssignedAt;
      this.operatorStates.set(l.operator, {
        ...st,
        load: st.load + l.delta,
        lastAssignedAt: l.assigned ? at : st.lastAssignedAt,
      });
    }
    this.explanations.push(...cs.scheduler.explanations);
    for (const { pid, clock } of cs.scheduler.sla) this.slaClocks.set(pid, clock);
    for (const h of cs.scheduler.bookings.hold)
      this.bookings.push({ id: this.bookings.length + 1, ...h, status: h.status ?? 'held' });
    for (const e of cs.scheduler.bookings.end)
      for (const b of this.bookings)
        if (b.pid === e.pid && (b.status === 'held' || b.status === 'active')) {
          b.status = e.status;
          if (e.status === 'released' || e.status === 'cancelled') b.to = Math.max(b.from, Math.min(b.to, e.at));
        }
  }

  async laneTails(keys: readonly { lane: string; fairnessKey: string }[]) {
    const out = new Map<string, { tail: number | null; weight: number }>();
    for (const { lane, fairnessKey } of keys) {
      const tags = [...this.queue.values()]
        .filter((e) => e.lane === lane && e.fairnessKey === fairnessKey)
        .map((e) => e.tag);
      out.set(laneTailKey(lane, fairnessKey), {
        tail: tags.length ? Math.max(...tags) : null,
        weight: this.fairnessWeights.get(fairnessKey) ?? 1,
      });
    }
    return out;
  }

  /** Lane heads (no locks: kernel tests run one command at a time). */
  async laneHeads(lanes: readonly string[], exclude: readonly number[], now: number): Promise<QueueCandidate[]> {
    const heads: QueueCandidate[] = [];
    const due = (pid: number) => {
      const p = this.pcbs.get(pid);
      return p?.state === 'READY' && p.assignee === null && (p.scheduledAt === null || p.scheduledAt <= now);
    };
    for (const lane of lanes) {
      const rows = [...this.queue.values()]
        .filter((e) => e.lane === lane && !exclude.includes(e.pid))
        .filter((e) => due(e.pid))
        .sort(compareLaneOrder);
      const head = rows[0];
      if (!head) continue;
      const pcb = this.pcbs.get(head.pid)!;
      heads.push({ ...head, priority: pcb.priority, urgency: pcb.urgency });
    }
    return heads;
  }

  /** A new operator's state as a design import would write it (the newest design's capacity, calendar, skills). */
  designState(key: string): OperatorSchedState {
    const newest = [...this.designs.entries()].sort(([x], [y]) => y - x)[0]?.[1];
    return newest ? designProfile(newest, key) : { ...EMPTY_STATE };
  }

  async pushCandidates(roles: readonly string[], limit: number) {
    return [...this.operators.values()]
      .filter((o) => o.roles.some((r) => roles.includes(r)))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, limit)
      .map((o) => ({ key: o.key, roles: o.roles, state: this.operatorStates.get(o.key) ?? null }));
  }

  async resourceSnapshot(types: readonly string[], from: number, to: number) {
    const resources = [...this.resources.values()].filter((r) => types.includes(r.type));
    const keys = new Set(resources.map((r) => r.key));
    // As PostgreSQL's: a session in use past its booked end keeps its slot for the next minute.
    const bookings: BookingView[] = this.bookings
      .filter((b) => keys.has(b.resource) && (b.status === 'held' || b.status === 'active'))
      .map((b) => ({ ...b, to: b.status === 'active' && b.to <= from ? from + 60_000 : b.to }))
      .filter((b) => b.from < to && from < b.to)
      .map(({ resource, slot, from: f, to: t, pid }) => ({ resource, slot, from: f, to: t, pid }));
    return { resources, bookings };
  }

  async resourceWaiters(types: readonly string[], limit: number): Promise<Pcb[]> {
    return [...this.pcbs.values()]
      .filter((p) => {
        const reason = p.waitReason ?? '';
        if (p.state !== 'WAITING' || !reason.startsWith('resource:')) return false;
        const waitsFor = reason.slice('resource:'.length).split(' ')[0]!.split(',');
        return waitsFor.some((t) => types.includes(t));
      })
      .sort((a, b) => (a.queueTag ?? 0) - (b.queueTag ?? 0) || a.pid - b.pid)
      .slice(0, limit);
  }

  async slaClock(pid: number): Promise<SlaClock | null> {
    return this.slaClocks.get(pid) ?? null;
  }

  async operatorState(key: string): Promise<OperatorSchedState | null> {
    return this.operatorStates.get(key) ?? null;
  }

  /** Processes of a service, by pid. */
  byService(service: string): Pcb[] {
    return [...this.pcbs.values()].filter((p) => p.service === service).sort((a, b) => a.pid - b.pid);
  }
}
