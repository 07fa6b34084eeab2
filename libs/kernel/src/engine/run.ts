import { assignTask } from '../assignment/assign';
import { newFrame } from '../context/frames';
import { visibleVars } from '../context/frames';
import type { DesignIndex, KernelRule } from '../design/kernel-design';
import { rulesFor } from '../design/kernel-design';
import { KernelError } from '../errors/kernel-error';
import type { EntityRef, JoinInfo, Pcb, ProcessKind, ProcessState } from '../pcb/pcb';
import { transition, type TransitionEvent } from '../pcb/state-machine';
import type { Clock, DesignSource, OperatorView, ProcessStore } from '../ports/ports';
import { evaluateExpression } from '../rules/feel';
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

type EvaluationJob = { pid: number; state: ProcessState; cause: Cause };

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
  private readonly operators = new Map<string, OperatorView | null>();

  constructor(
    readonly store: ProcessStore,
    private readonly designs: DesignSource,
    clock: Clock,
    private readonly actorKey: string | null,
    private readonly handlers: Record<string, InstructionHandler>,
    private readonly cascadeLimit = DEFAULT_CASCADE_LIMIT,
  ) {
    this.uow = new UnitOfWork(store);
    this.now = clock.now();
  }

  design(version: number): Promise<DesignIndex> {
    return this.designs.get(version);
  }

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
  async apply(pid: number, event: TransitionEvent, cause: Cause, details?: Record<string, unknown>): Promise<Pcb> {
    this.tick();
    const before = await this.uow.load(pid);
    const after = transition(before, event, this.now);
    this.uow.put(after);
    this.record(after, event.type, before.state, after.state, cause, details);
    if (event.type !== 'cancel') this.queue.push({ pid, state: after.state, cause });
    if (after.state === 'TERMINATED') await this.onTerminated(after);
    return after;
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
    const pcb: Pcb = {
      pid,
      service: service.key,
      designVersion: input.designVersion,
      kind,
      state: 'NEW',
      priority: input.priority ?? service.defaultPriority,
      parentPid: input.parentPid,
      previousPid: input.previousPid,
      program: input.program,
      callerPid: input.callerPid ?? null,
      join: input.join ?? null,
      entity: input.entity,
      assignee: null,
      candidateRoles: [],
      creator: input.creator,
      scheduledAt: input.scheduledAt ?? null,
      deadline: input.deadline ?? null,
      startedAt: null,
      endedAt: null,
      waitReason: null,
      suspendReason: null,
      resumeState: null,
      terminatedReason: null,
      formData: null,
      version: 1,
      createdAt: this.now,
      updatedAt: this.now,
    };
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

  /** Callee and join bookkeeping when a process terminates. */
  private async onTerminated(pcb: Pcb): Promise<void> {
    if (pcb.callerPid !== null) {
      const caller = await this.uow.tryLoad(pcb.callerPid);
      if (caller && caller.state === 'WAITING') {
        const frame = await this.uow.frame(pcb.pid);
        if (frame.returnValue !== null && frame.returnValue !== undefined) {
          await this.setVars(caller.pid, {
            return_value: frame.returnValue,
            [`${pcb.service}_result`]: frame.returnValue,
          });
        }
        const open = (await this.uow.callees(caller.pid)).filter((c) => c.state !== 'TERMINATED');
        if (open.length === 0) await this.apply(caller.pid, { type: 'wake' }, { by: pcb.pid, returned: pcb.service });
      }
    }
    if (pcb.join) {
      const group = await this.uow.joinGroup(pcb.join.callerPid);
      if (group.length >= pcb.join.size && group.every((p) => p.state === 'TERMINATED')) {
        const flag = pcb.join.kind === 'parallel' ? 'parallel_completed' : 'iteration_completed';
        await this.setVars(pcb.join.callerPid, { [flag]: true, batch_completed: true });
        const target = await this.uow.tryLoad(pcb.join.callerPid);
        if (target && target.state === 'WAITING') {
          await this.apply(target.pid, { type: 'wake' }, { by: pcb.pid, joined: pcb.join.kind });
        } else if (target && target.state !== 'TERMINATED') {
          this.queue.push({ pid: target.pid, state: target.state, cause: { by: pcb.pid, joined: pcb.join.kind } });
        }
      }
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
   * expression counts as false and is logged with its rule.
   */
  private async evaluate(job: EvaluationJob): Promise<void> {
    const pcb = await this.uow.load(job.pid);
    const index = await this.design(pcb.designVersion);
    const rules = rulesFor(index, pcb.program, pcb.service);
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
    for (const rule of rules) {
      const event = index.events.get(rule.event);
      if (!event) continue;
      const result = evaluateExpression(event.expression, ctx);
      if (result.error) {
        errorInfo = { rule: rule.key, code: 'EXPRESSION_ERROR', message: result.error, at: this.now };
        this.record(
          pcb,
          'rule.error',
          job.state,
          job.state,
          { rule: rule.key, by: pcb.pid },
          { expression: event.expression, error: result.error },
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
    for (const rule of fired) {
      const instruction = rule.instruction ? index.instructions.get(rule.instruction) : undefined;
      if (!instruction) continue;
      const handler = this.handlers[instruction.sysCall];
      const subject = await this.uow.load(pcb.pid);
      if (!handler) {
        await this.instructionFailed(subject, rule, `unknown sys call "${instruction.sysCall}"`);
        continue;
      }
      try {
        await handler(this, subject, rule, index);
      } catch (e) {
        if (e instanceof KernelError && e.code === 'CASCADE_LIMIT') throw e;
        await this.instructionFailed(subject, rule, (e as Error).message);
      }
    }
  }

  /**
   * An instruction could not run (bad parameters, unknown operand, illegal state): the error is kept on the
   * subject's frame and audited; a live subject goes to ERROR (an incident an admin can retry).
   */
  async instructionFailed(subject: Pcb, rule: KernelRule, message: string): Promise<void> {
    const frame = await this.uow.frame(subject.pid);
    this.uow.setFrame({ ...frame, errorInfo: { rule: rule.key, code: 'INSTRUCTION_FAILED', message, at: this.now } });
    this.record(
      subject,
      'instruction.failed',
      subject.state,
      subject.state,
      { rule: rule.key, by: subject.pid },
      { message },
    );
    const current = await this.uow.load(subject.pid);
    if (['NEW', 'READY', 'RUNNING', 'WAITING'].includes(current.state)) {
      await this.apply(current.pid, { type: 'fail', reason: message }, { rule: rule.key, by: subject.pid });
    }
  }
}
