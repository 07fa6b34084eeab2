import type { StageJob } from '../routes/automation';
import type { ContextFrame } from '../context/frame';
import type { EntityRef, Pcb, ProcessKind, ProcessState, TerminatedReason } from '../pcb/pcb';
import type { Explanation } from '../scheduler/explain';
import type { LoadDelta } from '../scheduler/load';
import type { SlaClock, SlaMilestone } from '../scheduler/sla';

/**
 * What kind of actor issues a command: a person signed in (`operator`), an integrator's API token
 * (`integration`), or a part of opkernel itself acting on its own — the `scheduler`, a `timer` that fell due, a
 * deck `worker`.
 */
export type ActorKind = 'operator' | 'integration' | 'scheduler' | 'timer' | 'worker';

/** Who issues a command: key, role keys, admin flag, and its kind (default `operator`). */
export type Actor = { key: string; roles: string[]; admin: boolean; kind?: ActorKind };

/** One audit row: who did what to which process, from which state to which, and why. */
export type AuditEntry = {
  pid: number;
  /** Actor key, or null for the kernel itself (rules, cascades). */
  actor: string | null;
  /** The actor's kind; null with a null actor. */
  actorKind: ActorKind | null;
  action: string;
  fromState: ProcessState | null;
  toState: ProcessState | null;
  /** What caused it, e.g. `{ action: 'complete' }` or `{ rule: 'r60', instruction: 'start_service', by: 12 }`. */
  cause: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
  /** Epoch ms. */
  at: number;
};

/** A process as it changed in one command: what live task lists need (pushed after commit). */
export type ProcessChange = {
  pid: number;
  version: number;
  service: string;
  kind: ProcessKind;
  state: ProcessState;
  /** State before the command, null when the process was created by it. */
  fromState: ProcessState | null;
  assignee: string | null;
  candidateRoles: string[];
  previousAssignee: string | null;
  previousCandidateRoles: string[];
  entity: EntityRef | null;
  priority: number;
  designVersion: number;
  creator: string | null;
  /** Epoch ms, or null. */
  scheduledAt: number | null;
  /** Epoch ms, or null. */
  deadline: number | null;
  /** SLA urgency, 0–100. (Optional: outbox rows written before it existed lack it.) */
  urgency?: number;
  /** Why it waits or is parked (`resource:room busy`, a business wait's reason), or null. */
  waitReason?: string | null;
  /** Epoch ms a resource wait is retried, or null. */
  waitUntil?: number | null;
  /** Why a TERMINATED process ended, else null. (Optional: outbox rows written before it existed lack it.) */
  terminatedReason?: TerminatedReason | null;
  /** Epoch ms. */
  at: number;
};

/**
 * Something a command asks for besides its rows, applied by the API's changeset writer in the command's own
 * transaction (so it happens exactly when the rows commit) and carried out after commit through the outbox.
 * - `publish`: one message on an outbox topic for every subscriber of that topic (the live channel subscribes
 *   to `process.changed` and builds its pushes from it);
 * - `timer.set` / `timer.cancel`: a due {@link Timer} kept in the database, fired once by the timer sweep;
 * - `dispatch`: a task entered a push lane — the scheduler pushes it to the best available operator
 *   (`Kernel.dispatch`); `offer`: an operator's load fell — the scheduler offers them waiting push work
 *   (`Kernel.offer`); `wake`: resources of these types were freed — tasks waiting for them try again
 *   (`Kernel.wakeWaiters`). They run after commit as commands of the `scheduler` actor.
 *
 * - `stage.dispatch`: a system process's run (re)starts at a step: the job goes to that step's deck queue (its
 *   id is deterministic, so a redelivered dispatch adds nothing).
 */
export type Effect =
  | { kind: 'publish'; topic: 'process.changed'; change: ProcessChange }
  | { kind: 'timer.set'; timer: Timer }
  | { kind: 'timer.cancel'; key: string }
  | { kind: 'dispatch'; pid: number }
  | { kind: 'offer'; operator: string; designVersion: number }
  | { kind: 'wake'; types: string[] }
  | { kind: 'notify'; notice: SlaNotice }
  | { kind: 'stage.dispatch'; job: StageJob };

/**
 * A milestone as the live channel sends it (`sla.milestone`): to the monitor always, and to the operators and role
 * holders in `to` (each recipient only if the read policy lets them read the process; the facts for that check
 * are carried here).
 */
export type SlaNotice = {
  pid: number;
  service: string;
  designVersion: number;
  kind: Pcb['kind'];
  sla: string;
  milestone: SlaMilestone;
  /** 1-based repeat of a passed deadline (0 for goal and deadline). */
  repeat: number;
  /** Epoch ms the milestone fell due. */
  dueAt: number;
  urgencyBefore: number;
  urgencyAfter: number;
  /** Who held the task when the milestone fell due (null: in a pool). */
  holder: string | null;
  /** The task after the actions: its assignee, candidate roles, creator and customer (the read check's facts). */
  assignee: string | null;
  candidateRoles: string[];
  creator: string | null;
  entity: EntityRef | null;
  /** The kinds of the actions carried out (`raise_urgency`, `reassign`, `notify`, `relax_skills`). */
  actions: string[];
  to: { operators: string[]; roles: string[] };
  /** Epoch ms. */
  at: number;
};

/**
 * A timer a command set: when `dueAt` has come (by the clock the API runs on), the timer sweep fires it once
 * as a kernel command (`Kernel.fireTimer`) by the `timer` actor. Setting a timer with the key of a pending
 * one moves it.
 * - `deadline`: the process's `deadline` (set while it is live, cancelled when it ends); firing it audits
 *   `deadline.passed` on a process that is still live;
 * - `sla`: the next milestone of the process's SLA clock (goal, deadline, passed deadline); firing it raises the
 *   urgency and audits the milestone (`sla.goal`, …) when the stored clock says it is still due;
 * - `resource_retry`: a task waiting for a room or machine (`waitReason` `resource:…`) tries again: it becomes
 *   READY and re-enters its lanes with its tag;
 * - `relax_skills`: a waiting task's additional skills drop (the service's `dropAfter` passed);
 * - `scheduled`: an appointment's `scheduledAt` came: it enters its lanes (audited `scheduled.due`) and, in push
 *   lanes, is pushed.
 */
export type Timer = {
  /** Unique per pending timer, e.g. `deadline:42`. */
  key: string;
  pid: number;
  purpose: 'deadline' | 'sla' | 'resource_retry' | 'relax_skills' | 'scheduled';
  /** Epoch ms. */
  dueAt: number;
};

/** A row of the ready queue: the task waits in `lane` at `(class, rank, pid)` (reference/scheduler.md §2.1). */
export type LaneEntry = {
  lane: string;
  pid: number;
  fairnessKey: string;
  class: number;
  rank: number;
  /** Fairness tag, epoch-ms scale. */
  tag: number;
  weight: number;
  resourceTypes: string[];
  /** Epoch ms. */
  queuedAt: number;
};

/**
 * What a command changes in the scheduler's tables, derived from every PCB it wrote (so every command keeps the
 * ready queue and operator load right without code of its own) plus what an assignment adds.
 */
export type SchedulerChanges = {
  /** Lane rows to insert, or to re-rank when the task already waits there (upsert by lane + pid). */
  enqueue: LaneEntry[];
  /** Per task: remove its lane rows except those in `keep` (empty: leaves the queue). */
  dequeue: { pid: number; keep: string[] }[];
  /** Operator load changes (capacity units); `assigned` marks an operator given work now (last assigned). */
  load: (LoadDelta & { assigned: boolean })[];
  /** "Why this task" of each assignment the command made. */
  explanations: { pid: number; operator: string; explanation: Explanation }[];
  /** SLA clocks started, paused, resumed, moved on or stopped (upsert by pid). */
  sla: { pid: number; clock: SlaClock }[];
  /**
   * Resource slots booked for assignments (`hold`, epoch-ms ranges), and the live bookings of tasks that started
   * (`active`: in use, range kept), stopped running but stay live (`held` again, range kept), ended (`released`,
   * cut at `at`) or went back to the pool (`cancelled`).
   */
  bookings: {
    /** `status` `active` when the same command starts the task (taken and started at once); default `held`. */
    hold: { pid: number; resource: string; slot: number; from: number; to: number; status?: 'held' | 'active' }[];
    end: { pid: number; status: 'held' | 'active' | 'released' | 'cancelled'; at: number }[];
  };
};

/** Scheduler changes of a command that changed nothing the scheduler keeps. */
export const noSchedulerChanges = (): SchedulerChanges => ({
  enqueue: [],
  dequeue: [],
  load: [],
  explanations: [],
  sla: [],
  bookings: { hold: [], end: [] },
});

/**
 * Everything one command changed, to be written in ONE transaction: new and updated PCBs (with the version
 * each update expects to replace — optimistic locking), changed context frames, audit rows, the per-process
 * change records, and the {@link Effect}s to carry out once they commit. Nothing here has been executed.
 */
export type Changeset = {
  created: Pcb[];
  updated: { pcb: Pcb; expectedVersion: number }[];
  frames: ContextFrame[];
  audit: AuditEntry[];
  changes: ProcessChange[];
  /** What to do when the rows commit (one `publish` of `process.changed` per entry of `changes`, …). */
  effects: Effect[];
  /** Ready-queue, load and explanation changes (written in the same transaction). */
  scheduler: SchedulerChanges;
  /** The process the command was about, as it is after the command. */
  result: Pcb;
};
