import { assignTask } from '../assignment/assign';
import { newFrame, visibleVars } from '../context/frames';
import type { DesignIndex, KernelRule } from '../design/kernel-design';
import { rulesFor } from '../design/kernel-design';
import { InstructionError } from '../errors/instruction-error';
import { isKernelError, KernelError } from '../errors/kernel-error';
import type { ErrorInfo } from '../context/frame';
import type { EntityRef, JoinInfo, Pcb, ProcessKind, ProcessState } from '../pcb/pcb';
import { newPcb } from '../pcb/new-pcb';
import { transition, type TransitionEvent } from '../pcb/state-machine';
import type {
  Clock,
  DesignSource,
  ExpressionEvaluator,
  ExpressionResult,
  OperatorView,
  ProcessStore,
} from '../ports/ports';
import { inProcessEvaluator } from '../rules/feel';
import { evaluationContext } from '../rules/evaluation-context';
import { UnitOfWork } from './unit-of-work';

/** Why something happened, recorded in the audit row. */
export type Cause = Record<string, unknown>;

/** Input of {@link Run.spawn}: a new process and its links. */
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
  /** Fixed assignee (parallel service per operator), bypassing {@link assignTask}. */
  assignee?: string | null;
  scheduledAt?: number | null;
  deadline?: number | null;
};

/** A queued rule evaluation; `cancelled` marks the evaluation of a cancellation (only opted-in rules run). */
type EvaluationJob = { pid: number; state: ProcessState; cause: Cause; cancelled?: boolean };

/**
 * True when a rule's event expression looks at `terminated_reason`: only such rules are evaluated when a step is
 * cancelled, so a design written for completion (`process_state = "TERMINATED"`) never advances a cancelled
 * journey, while `terminated_reason = "cancelled"` can react to it.
 */
export const watchesTermination = (expression: string): boolean => /\bterminated_reason\b/.test(expression);

/** Options of {@link Run.apply}. */
export type ApplyOptions = {
  /** False to skip the rule evaluation of the entered state (a retry re-runs only the failed instruction). */
  evaluate?: boolean;
  /**
   * For a cancellation: evaluate the rules of the TERMINATED state that watch `terminated_reason`
   * ({@link watchesTermination}). Off for cascades and for steps closed by `calling_return` / `terminate`.
   */
  cancellationRules?: boolean;
};

/** States from which a process can be put in ERROR as an incident. */
const FAILABLE: readonly ProcessState[] = ['NEW', 'READY', 'RUNNING', 'WAITING'];

/** Executes one instruction for a fired rule. Registered per sys call in `instructions/`. */
export type InstructionHandler = (run: Run, subject: Pcb, rule: KernelRule, index: DesignIndex) => Promise<void>;

/** Default upper bound of transitions + rule evaluations in one command (guards against rule loops). */
export const DEFAULT_CASCADE_LIMIT = 10_000;

/**
 * One command's execution: applies transitions, spawns processes, and runs the rule cascade — every state
 * change enqueues a rule evaluation for the entered state; evaluations run FIFO after the step that caused
 * them, so e.g. a returning program instance is terminated and its caller woken before either's rules run.
 */
export class Run {
  readonly uow: UnitOfWork;
  readonly now: number;
  private readonly queue: EvaluationJob[] = [];
  private steps = 0;
  private seq = 0;
  private readonly operators = new Map<string, OperatorView | null>();

  constructor(
    readonly store: ProcessStore,
    private readonly designs: DesignSource,
    clock: Clock,
    private readonly actorKey: string | null,
    private readonly handlers: Record<string, InstructionHandler>,
    private readonly cascadeLimit = DEFAULT_CASCADE_LIMIT,
    private readonly evaluator: ExpressionEvaluator = inProcessEvaluator,
  ) {
    this.uow = new UnitOfWork(store);
    this.now = clock.now();
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
    if (!this.operators.has(key)) this.operators.set(key, await this.store.operator(key));
    return this.operators.get(key) ?? null;
  }

  private tick(): void {
    if (++this.steps > this.cascadeLimit) {
      throw new KernelError('CASCADE_LIMIT', `rule cascade exceeded ${this.cascadeLimit} steps`, {
        limit: this.cascadeLimit,
      });
    }
  }

  /** Appends an audit row (actor = the command's actor unless the cause is a rule). */
  record(
    pcb: Pcb,
    action: string,
    from: ProcessState | null,
    to: ProcessState | null,
    cause: Cause,
    details?: Record<string, unknown>,
  ): void {
    const actor = 'rule' in cause || 'by' in cause ? null : this.actorKey;
    this.uow.audit.push({
      pid: pcb.pid,
      actor,
      action,
      fromState: from,
      toState: to,
      cause,
      details: details ?? null,
      at: this.now,
    });
  }

  /**
   * Applies a state transition to a loaded process, audits it, and enqueues the rule evaluation of the entered
   * state (except cancellation, which fires no rules). Termination wakes a waiting caller and completes joins.
   * @throws IllegalTransitionError
   */
  async apply(
    pid: number,
    event: TransitionEvent,
    cause: Cause,
    details?: Record<string, unknown>,
    options: ApplyOptions = {},
  ): Promise<Pcb> {
    this.tick();
    const before = await this.uow.load(pid);
    const after = transition(before, event, this.now);
    this.uow.put(after);
    this.record(after, event.type, before.state, after.state, cause, details);
    if (options.evaluate !== false && (event.type !== 'cancel' || options.cancellationRules)) {
      this.queue.push({ pid, state: after.state, cause, cancelled: event.type === 'cancel' });
    }
    if (after.state === 'TERMINATED') await this.onTerminated(after, cause);
    // Back to WAITING (resume, retry) with nothing left to wait for: continue at once.
    if (after.state === 'WAITING' && (event.type === 'resume' || event.type === 'retry'))
      await this.wakeIfDone(pid, cause);
    return this.uow.load(pid);
  }

  /** Changes fields that are not the state (assignee, pool, form data) and audits it. */
  async update(
    pid: number,
    patch: Partial<Pcb>,
    action: string,
    cause: Cause,
    details?: Record<string, unknown>,
  ): Promise<Pcb> {
    const before = await this.uow.load(pid);
    const after = { ...before, ...patch, updatedAt: this.now };
    this.uow.put(after);
    this.record(after, action, before.state, after.state, cause, details);
    return after;
  }

  /** Writes local variables into a process's frame. */
  async setVars(pid: number, vars: Record<string, unknown>): Promise<void> {
    const frame = await this.uow.frame(pid);
    this.uow.setFrame({ ...frame, localVars: { ...frame.localVars, ...vars } });
  }

  /**
   * Creates a process (NEW, rules enqueued) and admits it: a task gets its assignee or pool and becomes READY;
   * a program instance becomes READY then RUNNING (the kernel runs it); a system process becomes READY for the
   * deck workers. The frame inherits the parent's visible variables.
   * @throws KernelError UNKNOWN_SERVICE when the service is not in the design version
   */
  async spawn(input: SpawnInput, cause: Cause): Promise<Pcb> {
    this.tick();
    const index = await this.design(input.designVersion);
    const service = index.services.get(input.service);
    if (!service || service.kind === 'program') {
      throw new KernelError('UNKNOWN_SERVICE', `service "${input.service}" cannot be instantiated`, {
        field: 'service',
        service: input.service,
      });
    }
    const kind: ProcessKind = index.composites.has(service.key)
      ? 'program'
      : service.kind === 'system'
        ? 'system'
        : 'task';
    const pid = await this.store.nextPid();
    const pcb = newPcb(
      {
        pid,
        service: service.key,
        designVersion: input.designVersion,
        kind,
        priority: input.priority ?? service.defaultPriority,
        parentPid: input.parentPid,
        previousPid: input.previousPid,
        program: input.program,
        callerPid: input.callerPid ?? null,
        join: input.join ?? null,
        entity: input.entity,
        creator: input.creator,
        scheduledAt: input.scheduledAt ?? null,
        deadline: input.deadline ?? null,
      },
      this.now,
    );
    const parentFrame = input.parentPid !== null ? await this.uow.frame(input.parentPid) : null;
    this.uow.create(pcb, newFrame(pid, parentFrame, input.vars ?? {}));
    this.record(pcb, 'created', null, 'NEW', cause, { service: service.key, program: input.program });
    this.queue.push({ pid, state: 'NEW', cause });

    if (kind === 'task') {
      const a =
        input.assignee !== undefined && input.assignee !== null
          ? { assignee: input.assignee, candidateRoles: index.rolesByService.get(service.key) ?? [] }
          : assignTask(index, service.key, await this.operator(input.creator));
      this.uow.put({ ...pcb, assignee: a.assignee, candidateRoles: a.candidateRoles });
      return this.apply(pid, { type: 'admit' }, cause, a);
    }
    await this.apply(pid, { type: 'admit' }, cause);
    if (kind === 'program') return this.apply(pid, { type: 'start' }, cause);
    return this.uow.load(pid);
  }

  /**
   * Wakes a WAITING process when it has nothing left to wait for: no open callee and no open fan-out member.
   * The process is locked first, so concurrent completions of its callees/members serialize on it.
   */
  async wakeIfDone(pid: number, cause: Cause): Promise<void> {
    const target = await this.uow.tryLoad(pid);
    if (!target || target.state !== 'WAITING') return;
    const open = [...(await this.uow.callees(pid)), ...(await this.uow.joinGroup(pid))].filter(
      (p) => p.state !== 'TERMINATED',
    );
    if (open.length === 0) await this.apply(pid, { type: 'wake' }, cause);
  }

  /**
   * A program instance left with no live work: RUNNING, every child TERMINATED, nothing queued that could start
   * one. Such a journey would wait forever, so it becomes an incident (ERROR with the reason) for an admin to
   * re-open a step or cancel the journey. Call after {@link drain}; `reason` is only worked out for an incident.
   * @returns true when an incident was raised.
   */
  async strandIfIdle(instancePid: number, cause: Cause, reason: () => Promise<string>): Promise<boolean> {
    const instance = await this.uow.tryLoad(instancePid);
    if (!instance || instance.kind !== 'program' || instance.state !== 'RUNNING') return false;
    const children = await this.uow.children(instancePid);
    if (children.some((c) => c.state !== 'TERMINATED')) return false;
    await this.incident(instancePid, await reason(), cause, { code: 'STRANDED' });
    await this.drain();
    return true;
  }

  /** Puts a live process in ERROR as an incident (no-op for states that cannot fail). */
  private async incident(pid: number, message: string, cause: Cause, error: Partial<ErrorInfo> = {}): Promise<void> {
    const target = await this.uow.tryLoad(pid);
    if (!target || !FAILABLE.includes(target.state)) return;
    const frame = await this.uow.frame(pid);
    this.uow.setFrame({ ...frame, errorInfo: { code: 'INCIDENT', message, at: this.now, ...error } });
    await this.apply(pid, { type: 'fail', reason: message }, cause);
  }

  /**
   * Callee and join bookkeeping when a process terminates, decided under the caller's / join target's lock:
   * - a callee hands its return value to the caller; a completed callee lets the caller wake when nothing else is
   *   open; a cancelled one is an incident for the caller (its program cannot go on) — except when the caller
   *   itself closed it (`calling_return` closing its open steps);
   * - the last member of a fan-out group sets `parallel_completed` / `iteration_completed` (and `batch_completed`)
   *   on the join target and re-evaluates its rules; a cancelled member makes it an incident instead.
   */
  private async onTerminated(pcb: Pcb, cause: Cause): Promise<void> {
    const closedBy = typeof cause['closing'] === 'number' ? cause['closing'] : null;
    if (pcb.callerPid !== null && pcb.callerPid !== closedBy) {
      const caller = await this.uow.tryLoad(pcb.callerPid);
      if (caller && caller.state !== 'TERMINATED') {
        const frame = await this.uow.frame(pcb.pid);
        if (frame.returnValue !== null && frame.returnValue !== undefined) {
          await this.setVars(caller.pid, {
            return_value: frame.returnValue,
            [`${pcb.service}_result`]: frame.returnValue,
          });
        }
        const by = { by: pcb.pid, returned: pcb.service };
        if (pcb.terminatedReason === 'completed') await this.wakeIfDone(caller.pid, by);
        else await this.incident(caller.pid, `called ${pcb.service} (pid ${pcb.pid}) was ${pcb.terminatedReason}`, by);
      }
    }
    const join = pcb.join;
    if (join && join.callerPid !== closedBy) {
      const target = await this.uow.tryLoad(join.callerPid);
      if (!target || target.state === 'TERMINATED') return;
      const group = (await this.uow.joinGroup(join.callerPid)).filter((p) => p.join?.group === join.group);
      if (group.length < join.size || group.some((p) => p.state !== 'TERMINATED')) return;
      const by = { by: pcb.pid, joined: join.kind, group: join.group };
      if (group.some((p) => p.terminatedReason !== 'completed')) {
        await this.incident(target.pid, `a ${join.kind} member of group ${join.group} was cancelled`, by);
        return;
      }
      const flag = join.kind === 'parallel' ? 'parallel_completed' : 'iteration_completed';
      await this.setVars(target.pid, { [flag]: true, batch_completed: true });
      if (target.state === 'WAITING') await this.wakeIfDone(target.pid, by);
      else this.queue.push({ pid: target.pid, state: target.state, cause: by });
    }
  }

  /** Runs queued rule evaluations until none is left. */
  async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.tick();
      await this.evaluate(job);
    }
  }

  /**
   * Evaluates the rules of a process for an entered state (reference §3.2 with §3.7 scoping): every rule
   * whose event expression is true fires, in order, and is logged in the frame and the audit trail; a failing
   * expression (or one that ran out of its time or memory budget) counts as false and is logged with its rule.
   * The distinct expressions of the rules are handed to the {@link ExpressionEvaluator} together, each once
   * (`evaluateAll` when it has one, else `evaluate` for each at once); their results are then taken in rule
   * order.
   */
  private async evaluate(job: EvaluationJob): Promise<void> {
    const pcb = await this.uow.load(job.pid);
    const index = await this.design(pcb.designVersion);
    const rules = rulesFor(index, pcb.program, pcb.service, job.state !== 'TERMINATED').filter(
      (r) => !job.cancelled || watchesTermination(index.events.get(r.event)?.expression ?? ''),
    );
    if (rules.length === 0) return;
    const frame = await this.uow.frame(pcb.pid);
    const entity = pcb.entity ? await this.store.entity(pcb.entity) : null;
    const ctx = evaluationContext(
      pcb,
      job.state,
      visibleVars(frame),
      entity,
      index.services.get(pcb.service)?.label ?? pcb.service,
    );
    const fired: KernelRule[] = [];
    let errorInfo = frame.errorInfo;
    const firedLog = [...frame.firedRules];
    const events = rules.map((rule) => index.events.get(rule.event));
    // Evaluation is pure: rules sharing an expression share its one evaluation.
    const distinct = [...new Set(events.flatMap((event) => (event ? [event.expression] : [])))];
    const evaluated: ExpressionResult[] = this.evaluator.evaluateAll
      ? await this.evaluator.evaluateAll(distinct, ctx)
      : await Promise.all(distinct.map((expression) => this.evaluator.evaluate(expression, ctx)));
    const settled = new Map(distinct.map((expression, i) => [expression, evaluated[i]]));
    const results = events.map((event) => (event ? settled.get(event.expression) : undefined));
    for (const [i, rule] of rules.entries()) {
      const event = events[i];
      const result = results[i];
      if (!event || !result) continue;
      if (result.error) {
        errorInfo = { rule: rule.key, code: 'EXPRESSION_ERROR', message: result.error, at: this.now };
        this.record(
          pcb,
          'rule.error',
          job.state,
          job.state,
          { rule: rule.key, by: pcb.pid },
          {
            expression: event.expression,
            error: result.error,
            ...(result.exhausted ? { budget: result.exhausted } : {}),
          },
        );
      }
      if (!result.matched) continue;
      fired.push(rule);
      const instruction = rule.instruction ? (index.instructions.get(rule.instruction) ?? null) : null;
      firedLog.push({
        rule: rule.key,
        label: rule.label,
        expression: event.expression,
        state: job.state,
        instruction: instruction?.sysCall ?? null,
        at: this.now,
      });
      this.record(
        pcb,
        'rule.fired',
        job.state,
        job.state,
        { rule: rule.key, by: pcb.pid },
        { label: rule.label, instruction: instruction?.sysCall ?? null, operand: rule.operand },
      );
    }
    this.uow.setFrame({ ...(await this.uow.frame(pcb.pid)), firedRules: firedLog, errorInfo });
    for (const rule of fired) await this.execute(pcb.pid, rule, index);
  }

  /**
   * Runs a rule's instruction for `subjectPid`, all or nothing: on an {@link InstructionError} (or a kernel
   * error such as an illegal transition) everything the instruction did is undone and an incident is recorded.
   * Database errors, VERSION_CONFLICT and CASCADE_LIMIT abort the whole command.
   */
  async execute(subjectPid: number, rule: KernelRule, index: DesignIndex): Promise<boolean> {
    const instruction = rule.instruction ? index.instructions.get(rule.instruction) : undefined;
    if (!instruction) return true;
    const subject = await this.uow.load(subjectPid);
    const handler = this.handlers[instruction.sysCall];
    if (!handler) {
      await this.instructionFailed(subject, rule, `unknown sys call "${instruction.sysCall}"`);
      return false;
    }
    const checkpoint = this.uow.checkpoint();
    const queued = this.queue.length;
    try {
      await handler(this, subject, rule, index);
      return true;
    } catch (e) {
      const recoverable =
        e instanceof InstructionError ||
        (isKernelError(e) && e.code !== 'CASCADE_LIMIT' && e.code !== 'VERSION_CONFLICT');
      if (!recoverable) throw e;
      this.uow.restore(checkpoint);
      this.queue.length = queued;
      await this.instructionFailed(await this.uow.load(subjectPid), rule, (e as Error).message);
      return false;
    }
  }

  /**
   * An instruction could not run: the error (with the rule and the subject, so a retry can re-run exactly this
   * instruction) is kept and audited, and an incident is raised — on the subject when it is live, else on its
   * program instance (typically a completion rule whose step is already TERMINATED), so the journey is in ERROR
   * for an admin to retry instead of silently stalling.
   */
  async instructionFailed(subject: Pcb, rule: KernelRule, message: string): Promise<void> {
    const error = { rule: rule.key, subject: subject.pid, code: 'INSTRUCTION_FAILED', message, at: this.now };
    const frame = await this.uow.frame(subject.pid);
    this.uow.setFrame({ ...frame, errorInfo: error });
    const cause = { rule: rule.key, by: subject.pid };
    this.record(subject, 'instruction.failed', subject.state, subject.state, cause, { message });
    const current = await this.uow.load(subject.pid);
    const target = FAILABLE.includes(current.state) ? current.pid : current.parentPid;
    if (target !== null) await this.incident(target, message, cause, error);
  }
}
