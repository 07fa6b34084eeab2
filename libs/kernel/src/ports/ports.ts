import type { ContextFrame } from '../context/frame';
import type { DesignIndex } from '../design/kernel-design';
import type { EntityRef, Pcb } from '../pcb/pcb';
import type { BookingView, ResourceView } from '../scheduler/resources';
import type { QueueCandidate } from '../scheduler/select';
import type { SkillLevel } from '../scheduler/types';
import type { SlaClock } from '../scheduler/sla';

/** Time source. The kernel never reads the wall clock itself. */
export type Clock = { now(): number /* epoch ms */ };

/** A clock that moves only when told (tests, and the API's `OPKERNEL_CLOCK=manual` test mode). */
export class ManualClock implements Clock {
  /** @param current start time, epoch ms */
  constructor(private current = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now(): number {
    return this.current;
  }
  /** Moves forward by `ms` milliseconds. @throws Error for a negative `ms` (time never goes back) */
  advance(ms: number): void {
    if (ms < 0) throw new Error('ManualClock cannot go back in time');
    this.current += ms;
  }
  /** Sets the time (epoch ms). @throws Error when it is earlier than now */
  set(at: number): void {
    this.advance(at - this.current);
  }
}

/** An entity as rules see it. */
export type EntityView = { type: string; id: string; label: string; attributes: Record<string, unknown> };

/** An operator as the kernel sees it: key and role keys. */
export type OperatorView = { key: string; label: string; roles: string[] };

/**
 * Storage port, implemented by the API inside one database transaction. Reads must see the transaction's own
 * writes; `get` should lock the row (SELECT … FOR UPDATE) so concurrent commands on one process serialize.
 */
export interface ProcessStore {
  get(pid: number): Promise<Pcb | null>;
  /** Direct children (parentPid = pid), any state. */
  children(pid: number): Promise<Pcb[]>;
  /** Processes created by a fan-out of `callerPid` (join.callerPid = callerPid). */
  joinGroup(callerPid: number): Promise<Pcb[]>;
  /** Processes whose callerPid = pid. */
  callees(pid: number): Promise<Pcb[]>;
  frame(pid: number): Promise<ContextFrame | null>;
  entity(ref: EntityRef): Promise<EntityView | null>;
  operator(key: string): Promise<OperatorView | null>;
}

/** Where new pids come from (the API: a database sequence inside the command's transaction). */
export interface IdGenerator {
  /** A pid no process has had. */
  nextPid(): Promise<number>;
}

/** Gives the indexed design of a version. */
export interface DesignSource {
  get(version: number): Promise<DesignIndex>;
}

/**
 * Result of evaluating one rule expression. `error` is set when evaluation failed or ran out of its budget;
 * the rule then counts as false. `value` is informative only (the rule engine reads `matched` and `error`):
 * an evaluator that runs elsewhere may return only primitive values and `null` for others.
 */
export type ExpressionResult = {
  matched: boolean;
  value: unknown;
  error: string | null;
  /** Which budget the evaluation ran out of, when it did (`error` then says so in words). */
  exhausted?: 'time' | 'memory';
};

/**
 * Evaluates FEEL rule expressions (port). The kernel awaits it once per rule whose event is evaluated; it
 * must not throw for anything the expression does — a syntax error, an interpreter exception or a spent
 * time/memory budget is an {@link ExpressionResult} with `error` set, which counts as false and is audited
 * with its rule. Reject only when the evaluator itself is unavailable (e.g. shut down, overloaded): the whole
 * command then fails and changes nothing.
 *
 * The kernel's default is the in-process evaluator (`evaluateExpression`, synchronous, no budget); the API
 * provides one that runs every evaluation in a worker thread under a time and a memory limit.
 * @param context plain JSON-like values only
 */
export interface ExpressionEvaluator {
  evaluate(expression: string, context: Record<string, unknown>): Promise<ExpressionResult>;
  /**
   * Optional: evaluates several expressions against one context — the distinct expressions of the rules of
   * one state change — and resolves their results in the same order, each as {@link evaluate} would. An
   * evaluator that runs elsewhere sends the context once; without it, the kernel calls `evaluate` for each.
   */
  evaluateAll?(expressions: readonly string[], context: Record<string, unknown>): Promise<ExpressionResult[]>;
}

/**
 * An operator's scheduling state (runtime: a design import sets capacity, calendar and skills, an admin may change
 * them, the operator sets presence): load in capacity units, capacity null = unlimited, calendar null = always on
 * shift.
 */
export type OperatorSchedState = {
  presence: 'available' | 'away' | 'offline';
  load: number;
  lastAssignedAt: number | null;
  capacity: number | null;
  calendar: string | null;
  skills: SkillLevel[];
};

/**
 * The scheduler's reads (reference/scheduler.md §4), inside the command's transaction. Optional in
 * `KernelDeps`: without one, tasks enter lanes with no fairness history (every key weight 1) and get-next is
 * unavailable.
 */
export interface SchedulerStore {
  /**
   * For each (lane, fairness key): the highest tag of its rows (null when it has none) and the key's weight
   * (default 1). Keyed by {@link laneTailKey}.
   */
  laneTails(
    keys: readonly { lane: string; fairnessKey: string }[],
  ): Promise<Map<string, { tail: number | null; weight: number }>>;
  /**
   * The head of each lane — the READY, unassigned task first in `(class, rank, pid)` order whose PCB could be
   * locked now (`FOR UPDATE SKIP LOCKED`: rows another command holds are skipped) — leaving out `exclude` and
   * tasks scheduled for later than `now` (epoch ms; an appointment is not handed out before its time).
   * The PCBs stay locked until the transaction ends.
   */
  laneHeads(lanes: readonly string[], exclude: readonly number[], now: number): Promise<QueueCandidate[]>;
  /**
   * The operator's scheduling state, locked for the rest of the transaction (so one operator's concurrent
   * assignments check their capacity one after the other); null when they have none (then: available, load 0, and
   * the design's capacity, calendar and skills).
   */
  operatorState(key: string): Promise<OperatorSchedState | null>;
  /**
   * Operators who may take pushed work of `roles`: staff, not locked, holding one of the roles, with their roles
   * and scheduling state (null: none yet). At most `limit`, by key.
   */
  pushCandidates(
    roles: readonly string[],
    limit: number,
  ): Promise<{ key: string; roles: string[]; state: OperatorSchedState | null }[]>;
  /**
   * The resources of `types` (key, type, capacity, calendar key, state) with their held and active bookings that
   * overlap `[from, to)` (epoch ms), each with the task it is for (`pid`, null for an outside booking). An active
   * booking past its booked end (a session overrunning) counts until `from` + 1 minute. One read.
   */
  resourceSnapshot(
    types: readonly string[],
    from: number,
    to: number,
  ): Promise<{ resources: (Omit<ResourceView, 'calendar'> & { calendar: string | null })[]; bookings: BookingView[] }>;
  /**
   * Tasks waiting for resources of `types` (WAITING, `waitReason` `resource:…`), oldest queue tag first, locked
   * `SKIP LOCKED`; at most `limit`.
   */
  resourceWaiters(types: readonly string[], limit: number): Promise<Pcb[]>;
  /** The SLA clock of a process, null when it has none. */
  slaClock(pid: number): Promise<SlaClock | null>;
}

/** The key of a (lane, fairness key) pair in {@link SchedulerStore.laneTails}' answer. */
export const laneTailKey = (lane: string, fairnessKey: string): string => `${lane}\u0000${fairnessKey}`;
