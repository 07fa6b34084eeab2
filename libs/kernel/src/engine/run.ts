import type { Hold } from './bookings';
import type { ContextFrame } from '../context/frame';
import type { DesignIndex, KernelRule } from '../design/kernel-design';
import { KernelError } from '../errors/kernel-error';
import type { InstructionContext, InstructionRegistry } from '../instructions/context';
import type { Pcb, ProcessState } from '../pcb/pcb';
import type { TransitionEvent } from '../pcb/state-machine';
import type { Clock, DesignSource, ExpressionEvaluator, IdGenerator, OperatorView, ProcessStore } from '../ports/ports';
import { inProcessEvaluator } from '../rules/feel';
import type { ErrorInfo } from '../context/frame';
import { incident, onTerminated, strandIfIdle, wakeIfDone } from './bookkeeping';
import { drain } from './cascade';
import { execute, instructionFailed } from './execution';
import type { ApplyOptions, Cause, EvaluationJob, RunContext, SpawnInput } from './run-context';
import { spawn } from './spawning';
import { apply, record, setVars, update } from './transitions';
import type { Actor } from './types';
import { UnitOfWork } from './unit-of-work';
import type { Explanation } from '../scheduler/explain';
import type { SchedulerStore } from '../ports/ports';

export type { ApplyOptions, Cause, EvaluationJob, SpawnInput } from './run-context';
export { watchesTermination } from './cascade';

/** Default upper bound of transitions + rule evaluations in one command (guards against rule loops). */
export const DEFAULT_CASCADE_LIMIT = 10_000;

/** What a {@link Run} is built from. */
export type RunDeps = {
  store: ProcessStore;
  ids: IdGenerator;
  designs: DesignSource;
  clock: Clock;
  /** The command's actor; null for the kernel itself. */
  actor: Actor | null;
  instructions: InstructionRegistry;
  cascadeLimit?: number;
  evaluator?: ExpressionEvaluator;
  /** The scheduler's reads, when the kernel has them. */
  scheduler?: SchedulerStore | null;
};

/**
 * One command's execution state: the unit of work, the command's time, its actor, and the FIFO queue of rule
 * evaluations. The jobs live in their own files and take the run as a {@link RunContext} (they reach each other
 * only through it): transitions and audit (`transitions.ts`), spawning (`spawning.ts`), call and join bookkeeping
 * (`bookkeeping.ts`), the rule cascade (`cascade.ts`) and all-or-nothing instruction execution (`execution.ts`). Every state change enqueues a rule evaluation for the
 * entered state; evaluations run FIFO after the step that caused them, so e.g. a returning program instance is
 * terminated and its caller woken before either's rules run.
 */
export class Run implements RunContext {
  readonly uow: UnitOfWork;
  /** The command's time, epoch ms (every row it writes carries it). */
  readonly now: number;
  readonly actor: Actor | null;
  /** Pending rule evaluations (FIFO). @internal */
  readonly queue: EvaluationJob[] = [];
  /** "Why this task" of each assignment this run made (stored with the changeset). */
  readonly explanations: Explanation[] = [];
  /** Rooms and machines booked by hand-taking in this run (claim, transfer, SLA reassignment). */
  readonly holds: Hold[] = [];
  readonly ids: IdGenerator;
  readonly evaluator: ExpressionEvaluator;
  readonly instructions: InstructionRegistry;
  readonly scheduler: SchedulerStore | null;
  private readonly designs: DesignSource;
  private readonly cascadeLimit: number;
  private steps = 0;
  private seq = 0;
  private readonly operators = new Map<string, OperatorView | null>();
  private context: InstructionContext | null = null;

  constructor(deps: RunDeps) {
    this.uow = new UnitOfWork(deps.store);
    this.now = deps.clock.now();
    this.actor = deps.actor;
    this.ids = deps.ids;
    this.designs = deps.designs;
    this.instructions = deps.instructions;
    this.scheduler = deps.scheduler ?? null;
    this.cascadeLimit = deps.cascadeLimit ?? DEFAULT_CASCADE_LIMIT;
    this.evaluator = deps.evaluator ?? inProcessEvaluator;
  }

  /** The indexed design of a version. */
  design(version: number): Promise<DesignIndex> {
    return this.designs.get(version);
  }

  /** A number unique within this run (e.g. to name a fan-out group). */
  nextSeq(): number {
    return ++this.seq;
  }

  /** An operator by key (cached for the run), or null. */
  async operator(key: string | null): Promise<OperatorView | null> {
    if (!key) return null;
    if (!this.operators.has(key)) this.operators.set(key, await this.uow.store.operator(key));
    return this.operators.get(key) ?? null;
  }

  /** Counts one transition or evaluation. @throws KernelError CASCADE_LIMIT past the limit */
  tick(): void {
    if (++this.steps > this.cascadeLimit) {
      throw new KernelError('CASCADE_LIMIT', `rule cascade exceeded ${this.cascadeLimit} steps`, {
        limit: this.cascadeLimit,
      });
    }
  }

  /** See {@link record} in `transitions.ts`. */
  record(
    pcb: Pcb,
    action: string,
    from: ProcessState | null,
    to: ProcessState | null,
    cause: Cause,
    details?: Record<string, unknown>,
  ): void {
    record(this, pcb, action, from, to, cause, details);
  }

  /** See {@link apply} in `transitions.ts`. */
  apply(
    pid: number,
    event: TransitionEvent,
    cause: Cause,
    details?: Record<string, unknown>,
    options: ApplyOptions = {},
  ): Promise<Pcb> {
    return apply(this, pid, event, cause, details, options);
  }

  /** See {@link update} in `transitions.ts`. */
  update(pid: number, patch: Partial<Pcb>, action: string, cause: Cause, details?: Record<string, unknown>) {
    return update(this, pid, patch, action, cause, details);
  }

  /** See {@link setVars} in `transitions.ts`. */
  setVars(pid: number, vars: Record<string, unknown>): Promise<void> {
    return setVars(this, pid, vars);
  }

  /** See {@link spawn} in `spawning.ts`. */
  spawn(input: SpawnInput, cause: Cause): Promise<Pcb> {
    return spawn(this, input, cause);
  }

  /** See {@link onTerminated} in `bookkeeping.ts`. */
  onTerminated(pcb: Pcb, cause: Cause): Promise<void> {
    return onTerminated(this, pcb, cause);
  }

  /** See {@link incident} in `bookkeeping.ts`. */
  incident(pid: number, message: string, cause: Cause, error: Partial<ErrorInfo> = {}): Promise<void> {
    return incident(this, pid, message, cause, error);
  }

  /** See {@link wakeIfDone} in `bookkeeping.ts`. */
  wakeIfDone(pid: number, cause: Cause): Promise<void> {
    return wakeIfDone(this, pid, cause);
  }

  /** See {@link strandIfIdle} in `bookkeeping.ts`. */
  strandIfIdle(instancePid: number, cause: Cause, reason: () => Promise<string>): Promise<boolean> {
    return strandIfIdle(this, instancePid, cause, reason);
  }

  /** Runs queued rule evaluations until none is left (`cascade.ts`). */
  drain(): Promise<void> {
    return drain(this);
  }

  /** See {@link execute} in `execution.ts`. */
  execute(subjectPid: number, rule: KernelRule, index: DesignIndex): Promise<boolean> {
    return execute(this, subjectPid, rule, index);
  }

  /** See {@link instructionFailed} in `execution.ts`. */
  instructionFailed(subject: Pcb, rule: KernelRule, message: string): Promise<void> {
    return instructionFailed(this, subject, rule, message);
  }

  /** The narrow view of this run that instruction handlers get. */
  instructionContext(): InstructionContext {
    if (this.context) return this.context;
    const uow = this.uow;
    this.context = Object.freeze({
      now: this.now,
      load: (pid: number) => uow.load(pid),
      frame: (pid: number) => uow.frame(pid),
      setFrame: (frame: ContextFrame) => uow.setFrame(frame),
      children: (pid: number) => uow.children(pid),
      spawn: (input: SpawnInput, cause: Cause) => this.spawn(input, cause),
      apply: (pid: number, event: TransitionEvent, cause: Cause, details?: Record<string, unknown>) =>
        this.apply(pid, event, cause, details),
      setVars: (pid: number, vars: Record<string, unknown>) => this.setVars(pid, vars),
      nextSeq: () => this.nextSeq(),
      operator: (key: string | null) => this.operator(key),
    });
    return this.context;
  }
}
