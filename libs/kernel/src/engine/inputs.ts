import type { EntityRef, JoinInfo } from '../pcb/pcb';

/** Why something happened, recorded in the audit row. */
export type Cause = Record<string, unknown>;

/** Input of `spawn` (`spawning.ts`): a new process and its links. */
export type SpawnInput = {
  service: string;
  designVersion: number;
  program: string | null;
  parentPid: number | null;
  previousPid: number | null;
  callerPid?: number | null;
  join?: JoinInfo | null;
  entity: EntityRef | null;
  creator: string | null;
  priority?: number;
  /** Initial local variables (e.g. `iteration_index`). */
  vars?: Record<string, unknown>;
  /** Fixed assignee (parallel service per operator), bypassing the assignment rule. */
  assignee?: string | null;
  scheduledAt?: number | null;
  deadline?: number | null;
  /** Fairness key; default: the caller's, else the parent's, else `''`. */
  fairnessKey?: string;
};
