import type { ContextFrame } from '../context/frame';
import type { EntityRef, Pcb, ProcessKind, ProcessState } from '../pcb/pcb';

/** Who issues a command: an operator (key, role keys, admin flag). */
export type Actor = { key: string; roles: string[]; admin: boolean };

/** One audit row: who did what to which process, from which state to which, and why. */
export type AuditEntry = {
  pid: number;
  /** Operator key, or null for the kernel itself (rules, cascades). */
  actor: string | null;
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
  /** Epoch ms. */
  at: number;
};

/**
 * Something a command asks for besides its rows, applied by the API's changeset writer in the command's own
 * transaction (so it happens exactly when the rows commit) and carried out after commit through the outbox.
 * - `publish`: one message on an outbox topic for every subscriber of that topic (the live channel subscribes
 *   to `process.changed` and builds its pushes from it).
 *
 * Later kinds (enqueue on a deck, set or cancel a timer, dispatch, booking) join this union.
 */
export type Effect = { kind: 'publish'; topic: 'process.changed'; change: ProcessChange };

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
  /** The process the command was about, as it is after the command. */
  result: Pcb;
};
