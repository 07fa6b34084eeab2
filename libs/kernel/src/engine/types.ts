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
  /** Epoch ms. */
  at: number;
};

/**
 * Everything one command changed, to be written in ONE transaction: new and updated PCBs (with the version
 * each update expects to replace — optimistic locking), changed context frames, audit rows, and the changes
 * to push after commit. Nothing here has been executed.
 */
export type Changeset = {
  created: Pcb[];
  updated: { pcb: Pcb; expectedVersion: number }[];
  frames: ContextFrame[];
  audit: AuditEntry[];
  changes: ProcessChange[];
  /** The process the command was about, as it is after the command. */
  result: Pcb;
};
