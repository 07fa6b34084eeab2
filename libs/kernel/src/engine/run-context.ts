import type { ErrorInfo } from '../context/frame';
import type { DesignIndex, KernelRule } from '../design/kernel-design';
import type { InstructionContext, InstructionRegistry } from '../instructions/context';
import type { Pcb, ProcessState } from '../pcb/pcb';
import type { TransitionEvent } from '../pcb/state-machine';
import type { ExpressionEvaluator, IdGenerator, OperatorView, SchedulerStore } from '../ports/ports';
import type { Cause, SpawnInput } from './inputs';
import type { Actor } from './types';
import type { UnitOfWork } from './unit-of-work';

/** A queued rule evaluation; `cancelled` marks the evaluation of a cancellation (only opted-in rules run). */
export type EvaluationJob = { pid: number; state: ProcessState; cause: Cause; cancelled?: boolean };

/** States from which a process can be put in ERROR as an incident. */
export const FAILABLE: readonly ProcessState[] = ['NEW', 'READY', 'RUNNING', 'WAITING'];

/** Options of `apply` (`transitions.ts`). */
export type ApplyOptions = {
  /** False to skip the rule evaluation of the entered state (a retry re-runs only the failed instruction). */
  evaluate?: boolean;
  /**
   * For a cancellation: evaluate the rules of the TERMINATED state that watch `terminated_reason`
   * (`watchesTermination`). Off for cascades and for steps closed by `calling_return` / `terminate`.
   */
  cancellationRules?: boolean;
};

/**
 * One command's run as its jobs see it: its state (unit of work, time, actor, queue) and every job, so the job
 * files call each other through it instead of importing each other (the recursion — a transition terminates a
 * callee, which wakes its caller, which transitions — stays inside one run, not between modules). `Run` in
 * `run.ts` is the one implementation.
 */
export interface RunContext {
  readonly uow: UnitOfWork;
  /** The command's time, epoch ms. */
  readonly now: number;
  readonly actor: Actor | null;
  /** Pending rule evaluations (FIFO). */
  readonly queue: EvaluationJob[];
  readonly ids: IdGenerator;
  readonly evaluator: ExpressionEvaluator;
  readonly instructions: InstructionRegistry;
  /** The scheduler's reads (null without them). */
  readonly scheduler: SchedulerStore | null;
  design(version: number): Promise<DesignIndex>;
  nextSeq(): number;
  operator(key: string | null): Promise<OperatorView | null>;
  /** @throws KernelError CASCADE_LIMIT */
  tick(): void;
  record(
    pcb: Pcb,
    action: string,
    from: ProcessState | null,
    to: ProcessState | null,
    cause: Cause,
    details?: Record<string, unknown>,
  ): void;
  apply(
    pid: number,
    event: TransitionEvent,
    cause: Cause,
    details?: Record<string, unknown>,
    options?: ApplyOptions,
  ): Promise<Pcb>;
  update(
    pid: number,
    patch: Partial<Pcb>,
    action: string,
    cause: Cause,
    details?: Record<string, unknown>,
  ): Promise<Pcb>;
  setVars(pid: number, vars: Record<string, unknown>): Promise<void>;
  spawn(input: SpawnInput, cause: Cause): Promise<Pcb>;
  onTerminated(pcb: Pcb, cause: Cause): Promise<void>;
  wakeIfDone(pid: number, cause: Cause): Promise<void>;
  strandIfIdle(instancePid: number, cause: Cause, reason: () => Promise<string>): Promise<boolean>;
  incident(pid: number, message: string, cause: Cause, error?: Partial<ErrorInfo>): Promise<void>;
  drain(): Promise<void>;
  execute(subjectPid: number, rule: KernelRule, index: DesignIndex): Promise<boolean>;
  instructionFailed(subject: Pcb, rule: KernelRule, message: string): Promise<void>;
  instructionContext(): InstructionContext;
}

export type { Cause, SpawnInput } from './inputs';
