/**
 * The process control block (PCB): one process = one unit of business work.
 * Times are epoch milliseconds (UTC); `null` means "not set".
 */

/** Process states (reference/erpsys-original.md §1.6, §2.5). ERROR is the side branch for failed automation. */
export const PROCESS_STATES = ['NEW', 'READY', 'RUNNING', 'WAITING', 'SUSPENDED', 'TERMINATED', 'ERROR'] as const;
export type ProcessState = (typeof PROCESS_STATES)[number];

/** States a process can still leave. */
export const LIVE_STATES: readonly ProcessState[] = ['NEW', 'READY', 'RUNNING', 'WAITING', 'SUSPENDED', 'ERROR'];

/** Why a process reached TERMINATED. */
export type TerminatedReason = 'completed' | 'cancelled' | 'error';

/**
 * What the process is for the task lists:
 * - `task`: human work (a manual service), shown in task lists;
 * - `program`: an instance of a composite service, run by the kernel (never a task);
 * - `system`: automated work for deck workers.
 */
export type ProcessKind = 'task' | 'program' | 'system';

/** The business entity a process serves, e.g. `{ type: 'Operator', id: 'zhang_san' }`. */
export type EntityRef = { type: string; id: string };

/** How a child belongs to a fan-out (parallel or iteration) joining into `callerPid`; `group` tells fan-outs apart. */
export type JoinInfo = {
  kind: 'parallel' | 'iteration';
  callerPid: number;
  group: string;
  index: number;
  size: number;
};

export type Pcb = {
  /** Unique, increasing process id (from a database sequence). */
  pid: number;
  /** Service key. */
  service: string;
  /** Design version the process started on; it keeps it for life. */
  designVersion: number;
  kind: ProcessKind;
  state: ProcessState;
  /** 0 = lowest. */
  priority: number;
  parentPid: number | null;
  /** The process whose rule created this one. */
  previousPid: number | null;
  /** Key of the program (service) whose rules govern this process; null = no program scope. */
  program: string | null;
  /** Process waiting (WAITING) for this one to return (call_sub_service), or null. */
  callerPid: number | null;
  join: JoinInfo | null;
  entity: EntityRef | null;
  /** Operator key of the assignee, or null (unassigned: in the pool of `candidateRoles`). */
  assignee: string | null;
  /** Role keys whose holders may claim the task while it is unassigned. */
  candidateRoles: string[];
  /** Operator key of whoever started the journey (copied from the root). */
  creator: string | null;
  scheduledAt: number | null;
  deadline: number | null;
  startedAt: number | null;
  endedAt: number | null;
  waitReason: string | null;
  suspendReason: string | null;
  /** State to return to on resume (from SUSPENDED) or retry (from ERROR). */
  resumeState: ProcessState | null;
  terminatedReason: TerminatedReason | null;
  /** Form data submitted on completion. */
  formData: Record<string, unknown> | null;
  /** SLA urgency, 0–100: added to `priority` in the scheduler's ordering (raised by SLA milestones). */
  urgency: number;
  /** Whose share of a lane the task counts against (a tenant, a customer); `''` = the common share. */
  fairnessKey: string;
  /** The task's fairness tag in its lanes (epoch-ms scale), kept so a task that re-enters keeps its place. */
  queueTag: number | null;
  /** Milliseconds already spent queued before the current stay (kept across unclaim, waits and suspensions). */
  queuedMs: number;
  /** Capacity units the task takes of its assignee (the service's capacity weight, copied at spawn). */
  weight: number;
  /** When a resource wait is retried (epoch ms), or null. */
  waitUntil: number | null;
  /**
   * True once the service's additional skills were dropped (their `dropAfter` passed while it waited, or an SLA's
   * `relax_skills` action): it then waits in, and is checked against, the relaxed skill signature.
   */
  skillsRelaxed: boolean;
  /** Optimistic-locking version; +1 on every write. */
  version: number;
  createdAt: number;
  updatedAt: number;
};
