/** PCB states (libs/kernel PROCESS_STATES). */
export const PROCESS_STATES = ['NEW', 'READY', 'RUNNING', 'WAITING', 'SUSPENDED', 'TERMINATED', 'ERROR'] as const;
export type ProcessState = (typeof PROCESS_STATES)[number];

/** The business entity a process serves; `label` is resolved by the API (null when unknown). */
export type EntityRef = { type: string; id: string; label: string | null };

/** A process as the REST API shows it (apps/api process-view.ts). */
export type ProcessView = {
  pid: number;
  service: string;
  serviceLabel: string;
  designVersion: number;
  kind: string;
  state: ProcessState;
  priority: number;
  parentPid: number | null;
  previousPid: number | null;
  program: string | null;
  callerPid: number | null;
  entity: EntityRef | null;
  assignee: string | null;
  candidateRoles: string[];
  creator: string | null;
  scheduledAt: string | null;
  deadline: string | null;
  startedAt: string | null;
  endedAt: string | null;
  waitReason: string | null;
  suspendReason: string | null;
  resumeState: string | null;
  terminatedReason: string | null;
  formData: Record<string, unknown> | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};

/** A related process in GET /processes/{pid}. */
export type ProcessBrief = {
  pid: number;
  service: string;
  serviceLabel: string;
  state: ProcessState;
  kind: string;
  assignee: string | null;
};

/** GET /processes/{pid}. */
export type ProcessDetail = ProcessView & {
  parent: ProcessBrief | null;
  previous: ProcessBrief | null;
  children: ProcessBrief[];
};

/** A process changed by an action's cascade (fromState null = created by it). */
export type CascadeItem = {
  pid: number;
  service: string;
  serviceLabel: string;
  kind: string;
  state: ProcessState;
  fromState: ProcessState | null;
  assignee: string | null;
  candidateRoles: string[];
};

/** Answer of POST /processes and of every action. */
export type ActionAnswer = ProcessView & { cascade: CascadeItem[] };

/** One audit row of GET /processes/{pid}/events. */
export type ProcessEvent = {
  id: number;
  actor: string | null;
  action: string;
  fromState: ProcessState | null;
  toState: ProcessState | null;
  cause: unknown;
  details: unknown;
  at: string;
};

/** One row of GET /processes/{pid}/snapshots. */
/** A context snapshot; `hash` is null when some of its form data is redacted for the reader. */
export type ProcessSnapshot = { version: number; hash: string | null; content: unknown; createdAt: string };

/**
 * GET /processes: the page form (`page`, `pageSize`) counts `total`; the keyset form (`limit`, `cursor`) has
 * `total` and `page` null. `nextCursor` continues after the last item (null on the last page).
 */
export type ProcessPage = {
  items: ProcessView[];
  total: number | null;
  page: number | null;
  pageSize: number;
  nextCursor: string | null;
};

/** GET /entities/{type}/{id}/tasks. */
export type EntityTasks = {
  entity: EntityRef;
  scheduled: ProcessView[];
  running: ProcessView[];
  paused: ProcessView[];
  done: ProcessView[];
};

/** GET /entry-points. */
export type EntryPoint = { service: string; label: string; program: string | null; entityType: string | null };
