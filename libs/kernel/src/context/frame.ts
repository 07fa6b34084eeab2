import type { StageRun } from '../routes/automation';

/** One fired rule, as logged in a frame (reference §3.2 `events_triggered_log`). */
export type FiredRule = {
  rule: string;
  label: string;
  expression: string;
  /** State of the process when the rules were evaluated. */
  state: string;
  instruction: string | null;
  /** Epoch ms. */
  at: number;
};

/**
 * A failed rule expression or instruction, kept on the frame and persisted. For a failed instruction `rule`
 * and `subject` (the pid the rule fired for) let a retry re-run exactly that instruction.
 */
export type ErrorInfo = {
  rule?: string;
  subject?: number;
  code: string;
  message: string;
  at: number;
  /** A failed automation run: the deck, the 0-based step and the attempts made. */
  deck?: string;
  step?: number;
  attempts?: number;
};

/**
 * A process's context frame (reference §4.3): its local variables, the context inherited from its
 * caller (the parent's visible variables, not the grandparent's), its return value, error info and the
 * log of fired rules. The evaluation context of a process is `inherited ∪ local`, local winning.
 */
export type ContextFrame = {
  pid: number;
  /** pids from the root program instance down to this process: the call stack. */
  stack: number[];
  localVars: Record<string, unknown>;
  inherited: Record<string, unknown>;
  returnValue: unknown;
  errorInfo: ErrorInfo | null;
  firedRules: FiredRule[];
  /** The current automation run of a system process (absent otherwise). */
  stage?: StageRun;
};
