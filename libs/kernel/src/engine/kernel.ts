import { poolFor, rolesAllowing } from '../assignment/assign';
import { entryPoints, type DesignIndex } from '../design/kernel-design';
import { ForbiddenError, IllegalTransitionError, KernelError } from '../errors/kernel-error';
import { INSTRUCTIONS } from '../instructions/registry';
import type { EntityRef, Pcb } from '../pcb/pcb';
import type { InstructionRegistry } from '../instructions/context';
import type {
  Clock,
  DesignSource,
  ExpressionEvaluator,
  IdGenerator,
  ProcessStore,
  SchedulerStore,
} from '../ports/ports';
import { chooseNext, operatorProfile, type AssignNextOptions, type NextChoice } from './get-next';
import { bookForTake, planBookingEnds, RESOURCE_WAIT, resourceRetryKey } from './bookings';
import { serviceSchedule } from '../scheduler/design';
import { explain } from '../scheduler/explain';
import { checkSkills, requirementsOf } from '../scheduler/lanes';
import { fitsCapacity } from '../scheduler/load';
import { planQueue } from './queueing';
import { planSla } from './sla-clocks';
import { fireRelaxTimer, inheritUrgency, noticeRecipients, relaxSkills, relaxTimers, slaReassign } from './sla-actions';
import { choosePush, distributionOf, pushEffects } from './push';
import { scheduledTimers, waits } from './queueing';
import { MAX_URGENCY, slaFire, type SlaClock } from '../scheduler/sla';
import { Run } from './run';
import { admitStage, completeStage, failStage, retryStage, stageDispatches } from './stages';
import type { StageReport } from '../routes/automation';
import type { Actor, Changeset, Effect, SchedulerChanges, Timer } from './types';

/** Input of {@link Kernel.startProcess}. */
export type StartProcessInput = {
  service: string;
  designVersion: number;
  entity: EntityRef | null;
  /** 0–1000; defaults to the service's default priority. */
  priority?: number;
  /** Epoch ms. */
  scheduledAt?: number | null;
  deadline?: number | null;
  /** Whose share of the lanes the journey counts against (inherited by its steps); default `''`. */
  fairnessKey?: string;
  /** Variables for the new process's frame (an event trigger puts the `event` there). */
  vars?: Record<string, unknown>;
  /**
   * The event trigger starting it (its key): the design authorizes the start, so the actor's roles and the
   * entry-point rule are not checked; audited as the cause.
   */
  trigger?: { key: string; source: string; eventId: string };
  actor: Actor;
};

/**
 * Dependencies of the kernel: storage (one transaction per command), pid generator, designs, clock, and optionally
 * the evaluator of rule expressions (default: in-process `evaluateExpression`, without a time or memory budget)
 * and the instruction registry.
 */
export type KernelDeps = {
  store: ProcessStore;
  /** Where new pids come from. */
  ids: IdGenerator;
  designs: DesignSource;
  clock: Clock;
  cascadeLimit?: number;
  evaluator?: ExpressionEvaluator;
  /** The system calls instructions may name (default {@link INSTRUCTIONS}). */
  instructions?: InstructionRegistry;
  /** The scheduler's reads (lane tails, lane heads, operator state); without it get-next is unavailable. */
  scheduler?: SchedulerStore;
};

/** Most resource waiters one freeing wakes. */
export const WAKE_LIMIT = 10;

/** True when the actor's roles allow the service (admins may act on everything). */
export function mayWorkOn(index: DesignIndex, actor: Actor, service: string): boolean {
  if (actor.admin) return true;
  const allowed = rolesAllowing(index, service);
  return actor.roles.some((r) => allowed.includes(r));
}

/** True for actors that are parts of opkernel (scheduler, timer, worker), not people or integrations. */
const isSystemActor = (actor: Actor): boolean =>
  actor.kind === 'scheduler' || actor.kind === 'timer' || actor.kind === 'worker';

/** True when an unassigned task is in the actor's pool. */
function inPool(actor: Actor, pcb: Pcb): boolean {
  return pcb.assignee === null && (actor.admin || pcb.candidateRoles.some((r) => actor.roles.includes(r)));
}

/**
 * The process kernel's command API. Each command reads through the {@link ProcessStore} (inside the caller's
 * transaction), runs the rule cascade to completion in memory and returns a {@link Changeset} for the caller
 * to persist atomically; it performs no I/O of its own besides the store's reads.
 *
 * Errors (all {@link KernelError}): PROCESS_NOT_FOUND, ILLEGAL_TRANSITION (e.g. completing a completed task),
 * ALREADY_CLAIMED, NOT_ASSIGNEE, FORBIDDEN (roles do not allow the service), UNKNOWN_SERVICE, UNKNOWN_OPERATOR,
 * NOT_A_TASK, INVALID_INPUT, CASCADE_LIMIT.
 */
export class Kernel {
  constructor(private readonly deps: KernelDeps) {}

  private run(actor: Actor | null): Run {
    return new Run({
      store: this.deps.store,
      ids: this.deps.ids,
      designs: this.deps.designs,
      clock: this.deps.clock,
      actor,
      instructions: this.deps.instructions ?? INSTRUCTIONS,
      cascadeLimit: this.deps.cascadeLimit,
      evaluator: this.deps.evaluator,
      scheduler: this.deps.scheduler ?? null,
    });
  }

  /**
   * Runs the cascade to its end, then looks after every program instance whose step ended in this command: one
   * left RUNNING with no live work (no rule started a next step — a design gap, a cancelled step, or a rule whose
   * expression failed or ran out of its budget) would wait forever, so it becomes an incident (ERROR, STRANDED).
   */
  private async finish(
    run: Run,
    pid: number,
    slaKnown?: ReadonlyMap<number, SlaClock>,
    extra: { holds?: SchedulerChanges['bookings']['hold']; effects?: Effect[] } = {},
  ): Promise<Changeset> {
    await run.drain();
    // One check per program instance, naming the last of its steps that ended here.
    const ended = new Map<number, Pcb>();
    for (const p of run.uow.changed()) if (p.state === 'TERMINATED' && p.parentPid !== null) ended.set(p.parentPid, p);
    for (const [instancePid, step] of ended) {
      await run.strandIfIdle(instancePid, { by: step.pid, ended: step.service }, async () => {
        const failure = (await run.uow.frame(step.pid)).errorInfo;
        const failed = failure?.code === 'EXPRESSION_ERROR' ? `; a rule failed: ${failure.message}` : '';
        return `no live work left: ${step.service} (pid ${step.pid}) was ${step.terminatedReason} and no rule started another step${failed}`;
      });
    }
    const scheduler = await planQueue(run, this.deps.scheduler ?? null);
    for (const explanation of run.explanations)
      scheduler.explanations.push({ pid: explanation.task.pid, operator: explanation.operator, explanation });
    const sla = await planSla(run, this.deps.scheduler ?? null, slaKnown);
    scheduler.sla = sla.upserts;
    const push = await pushEffects(run, scheduler);
    const ends = await planBookingEnds(run);
    // A task taken and started in this command: its new bookings are written in use (one statement cannot both
    // insert a row and update it).
    const holds = [...run.holds, ...(extra.holds ?? [])];
    const starting = new Set(ends.end.filter((e) => e.status === 'active').map((e) => e.pid));
    const booked = new Set(holds.map((h) => h.pid));
    scheduler.bookings = {
      hold: holds.map((h) => (starting.has(h.pid) ? { ...h, status: 'active' as const } : h)),
      end: ends.end.filter((e) => !(e.status === 'active' && booked.has(e.pid))),
    };
    const relax = [...(await relaxTimers(run)), ...scheduledTimers(run)];
    const stages = await stageDispatches(run);
    const cs = run.uow.toChangeset(pid, run.now, scheduler);
    cs.effects.push(...sla.effects, ...push, ...ends.effects, ...relax, ...stages, ...(extra.effects ?? []));
    return cs;
  }

  /**
   * Starts a journey by hand: a root process of `service` in the entry program that names it (the service's
   * entry point), or with no program scope when the service is itself a manual-start entry.
   * @throws KernelError UNKNOWN_SERVICE, FORBIDDEN
   */
  async startProcess(input: StartProcessInput): Promise<Changeset> {
    const index = await this.deps.designs.get(input.designVersion);
    const svc = index.services.get(input.service);
    if (!svc || svc.kind === 'program') {
      throw new KernelError(
        'UNKNOWN_SERVICE',
        `service "${input.service}" does not exist in design version ${input.designVersion}`,
        { field: 'service' },
      );
    }
    if (!input.trigger && !mayWorkOn(index, input.actor, svc.key)) {
      throw new ForbiddenError(`your roles do not allow starting "${svc.key}"`, { field: 'service', service: svc.key });
    }
    const entry = entryPoints(index).find((e) => e.service === svc.key);
    if (!entry && !input.actor.admin && !input.trigger) {
      throw new ForbiddenError(
        `"${svc.key}" is not an entry point: it can only be started by the rules of its program`,
        {
          field: 'service',
          service: svc.key,
        },
      );
    }
    const run = this.run(input.actor);
    const pcb = await run.spawn(
      {
        service: svc.key,
        designVersion: input.designVersion,
        program: entry?.program ?? null,
        parentPid: null,
        previousPid: null,
        entity: input.entity,
        // A journey started by opkernel itself (a schedule's timer, a worker) has no starter.
        creator: isSystemActor(input.actor) ? null : input.actor.key,
        priority: input.priority,
        scheduledAt: input.scheduledAt ?? null,
        deadline: input.deadline ?? null,
        fairnessKey: input.fairnessKey,
        vars: input.vars,
      },
      input.trigger
        ? { action: 'event', trigger: input.trigger.key, source: input.trigger.source, eventId: input.trigger.eventId }
        : { action: 'start_process' },
    );
    return this.finish(run, pcb.pid);
  }

  private async task(run: Run, pid: number, actor: Actor): Promise<{ pcb: Pcb; index: DesignIndex }> {
    const pcb = await run.uow.load(pid);
    const index = await run.design(pcb.designVersion);
    if (pcb.kind !== 'task')
      throw new KernelError('NOT_A_TASK', `process ${pid} is a ${pcb.kind} process, not a task`, { pid });
    if (!mayWorkOn(index, actor, pcb.service)) {
      throw new ForbiddenError(`your roles do not allow working on "${pcb.service}"`, { pid, service: pcb.service });
    }
    return { pcb, index };
  }

  /**
   * The scheduler's checks before `operator` takes a task (claim, implicit claim, transfer, SLA reassignment): they
   * hold every skill the service needs at its level, and their capacity has room for its weight (their state row
   * is locked, so their concurrent assignments check one after another); taking work on (`capacity`) also books
   * the rooms and machines it needs (kept in the run, written with the assignment) unless it holds them already.
   * An admin's own claims skip the skill and capacity checks (`checks` false) but still book. The run keeps an
   * explanation (mode `claim`, or `escalation`). Without a scheduler store nothing is checked or booked.
   * @throws ForbiddenError naming the missing skill (`details.skill`, `required`, `level`); KernelError
   *   CAPACITY_FULL; KernelError RESOURCE_BUSY naming the types, why (`busy|closed|blocked`) and when they fit
   */
  private async mayTake(
    run: Run,
    pcb: Pcb,
    operator: string,
    why: 'claim' | 'transfer' | 'escalation',
    capacity = true,
    checks = true,
  ): Promise<void> {
    const store = this.deps.scheduler;
    if (!store) return;
    const index = await run.design(pcb.designVersion);
    const schedule = serviceSchedule(index.scheduler, pcb.service);
    const profile = await operatorProfile(store, index, operator);
    const skills = checkSkills(profile.skills, requirementsOf(schedule.requirements, pcb.skillsRelaxed));
    const who = why === 'claim' ? 'you need' : `${operator} needs`;
    const mode = why === 'escalation' ? 'escalation' : 'claim';
    if (checks && skills.missing) {
      const m = skills.missing;
      throw new ForbiddenError(`${who} skill ${m.skill} at level ${m.required} (has ${m.level}) for "${pcb.service}"`, {
        pid: pcb.pid,
        ...(why === 'transfer' ? { field: 'operator' } : {}),
        skill: m.skill,
        required: m.required,
        level: m.level,
      });
    }
    if (checks && capacity && !fitsCapacity(profile.load, profile.capacity, pcb.weight))
      throw new KernelError('CAPACITY_FULL', `${operator} carries ${profile.load} of capacity ${profile.capacity}`, {
        pid: pcb.pid,
        operator,
        load: profile.load,
        capacity: profile.capacity,
        weight: pcb.weight,
      });
    // Taking work on books its rooms and machines with it, or nothing is taken (ending commands book nothing).
    const booking = capacity ? await bookForTake(store, index, pcb, run.now) : { plan: [], holds: [] };
    if ('refused' in booking) {
      const { types, reason, retryAt } = booking.refused;
      const when = retryAt === null ? '' : `; they fit from ${new Date(retryAt).toISOString()}`;
      throw new KernelError(
        'RESOURCE_BUSY',
        `the ${types.join(', ')} this task needs ${reason === 'busy' ? 'are booked' : `are ${reason}`}${when}`,
        {
          pid: pcb.pid,
          types,
          reason,
          retryAt: retryAt === null ? null : new Date(retryAt).toISOString(),
        },
      );
    }
    run.holds.push(...booking.holds);
    run.explanations.push(
      explain(
        {
          lane: '',
          pid: pcb.pid,
          class: 0,
          rank: 0,
          tag: pcb.queueTag ?? run.now,
          fairnessKey: pcb.fairnessKey,
          weight: pcb.weight,
          resourceTypes: schedule.resources.map((r) => r.type),
          priority: pcb.priority,
          urgency: pcb.urgency,
        },
        {
          mode,
          operator,
          now: run.now,
          settings: index.scheduler.settings,
          fairnessWeight: 1,
          skills: skills.checks,
          capacity: { loadBefore: profile.load, weight: pcb.weight, capacity: profile.capacity },
          availability: { presence: profile.presence, onShift: true, shiftEndsAt: null },
          resources: booking.plan.map(({ type, resource, slot, from, to }) => ({ type, resource, slot, from, to })),
        },
      ),
    );
  }

  /** Ensures the actor owns the task, claiming it first when it is unassigned and in their pool. */
  private async own(run: Run, pcb: Pcb, actor: Actor, keeps: 'keeps' | 'ends' = 'keeps'): Promise<Pcb> {
    if (pcb.assignee === actor.key) return pcb;
    if (pcb.assignee === null && inPool(actor, pcb)) {
      // Admins act on anything (but book rooms); a command that ends or parks the task adds no load (skills count).
      await this.mayTake(run, pcb, actor.key, 'claim', keeps === 'keeps', !actor.admin);
      return run.update(pcb.pid, { assignee: actor.key }, 'claimed', { action: 'claim', implicit: true });
    }
    if (pcb.assignee !== null && actor.admin) return pcb;
    if (pcb.assignee !== null)
      throw new KernelError('NOT_ASSIGNEE', `process ${pcb.pid} is assigned to ${pcb.assignee}`, {
        pid: pcb.pid,
        assignee: pcb.assignee,
      });
    throw new ForbiddenError(`process ${pcb.pid} is not in your pool`, { pid: pcb.pid });
  }

  private ensureLive(pcb: Pcb, event: string): void {
    if (pcb.state === 'TERMINATED') throw new IllegalTransitionError(pcb.pid, pcb.state, event);
  }

  /** Claims an unassigned task from the actor's pool. Claiming one's own task again changes nothing. @throws ALREADY_CLAIMED */
  async claim(pid: number, actor: Actor): Promise<Changeset> {
    const run = this.run(actor);
    const { pcb } = await this.task(run, pid, actor);
    this.ensureLive(pcb, 'claim');
    if (pcb.assignee !== null && pcb.assignee !== actor.key) {
      throw new KernelError('ALREADY_CLAIMED', `process ${pid} is already claimed by ${pcb.assignee}`, {
        pid,
        assignee: pcb.assignee,
      });
    }
    if (pcb.assignee === null) {
      if (!inPool(actor, pcb)) throw new ForbiddenError(`process ${pid} is not in your pool`, { pid });
      await this.mayTake(run, pcb, actor.key, 'claim', true, !actor.admin);
      await run.update(pid, { assignee: actor.key }, 'claimed', { action: 'claim' });
    }
    return this.finish(run, pid);
  }

  /**
   * Get next (pull, reference/scheduler.md §2.2): assigns the actor the best READY task of the lanes their roles
   * and skills admit them to — most effective points (priority + urgency + aging), fair across fairness keys —
   * and starts it when asked. The assignment is audited (`assigned {mode, lane}`) and explained
   * (`changeset.scheduler.explanations[0]`). With `dryRun` the changeset is the preview (mode `preview`): the caller
   * writes nothing.
   * @returns the changeset whose result is the task, or null when no task fits
   * @throws KernelError NOT_AVAILABLE, CAPACITY_FULL; INVALID_INPUT without a scheduler store
   */
  async assignNext(actor: Actor, options: AssignNextOptions): Promise<Changeset | null> {
    const store = this.deps.scheduler;
    if (!store) throw new KernelError('INVALID_INPUT', 'get-next needs the scheduler store');
    const run = this.run(actor);
    const next = await chooseNext(
      store,
      await run.design(options.designVersion),
      actor,
      run.now,
      options.dryRun === true,
      null,
      (pid) => run.uow.load(pid),
    );
    return next ? this.assignChosen(run, actor.key, next, options.start === true, 'next') : null;
  }

  /**
   * Writes what get-next (or an offer) chose: heads whose resources do not fit wait (READY → WAITING, reason
   * `resource:<types> <busy|closed|blocked>`, a retry timer at the time they would fit); the chosen task gets the
   * operator and its slots together — booked in the same transaction, so a concurrent booking of one of them
   * (exclusion constraint) re-runs the whole command — and its explanation.
   * @returns the changeset (its result the chosen task, or the first deferred one), or null when nothing happened
   */
  private async assignChosen(
    run: Run,
    operator: string,
    next: NextChoice,
    start: boolean,
    action: 'next' | 'offer',
  ): Promise<Changeset | null> {
    const effects: Effect[] = [];
    for (const d of next.deferred) {
      const waitingFor = d.types ?? d.candidate.resourceTypes;
      await run.apply(
        d.candidate.pid,
        { type: 'defer', reason: `${RESOURCE_WAIT}${waitingFor.join(',')} ${d.reason}`, until: d.retryAt },
        { action: 'defer', by: operator },
        { reason: d.reason, types: waitingFor, retryAt: d.retryAt },
        { evaluate: false },
      );
      if (d.retryAt !== null)
        effects.push({
          kind: 'timer.set',
          timer: {
            key: resourceRetryKey(d.candidate.pid),
            pid: d.candidate.pid,
            purpose: 'resource_retry',
            dueAt: d.retryAt,
          },
        });
    }
    const { chosen, explanation } = next;
    if (!chosen || !explanation) {
      const first = next.deferred[0];
      return first ? this.finish(run, first.candidate.pid, undefined, { effects }) : null;
    }
    const cause = { action, mode: explanation.mode };
    await run.update(chosen.pid, { assignee: operator }, 'assigned', cause, {
      mode: explanation.mode,
      lane: chosen.lane,
      ...(next.plan.length > 0 ? { booked: next.plan.map((p) => `${p.resource}#${p.slot}`) } : {}),
    });
    if (start) await run.apply(chosen.pid, { type: 'start' }, cause);
    run.explanations.push(explanation);
    const holds = next.plan.map((p) => ({
      pid: chosen.pid,
      resource: p.resource,
      slot: p.slot,
      from: p.from,
      to: p.to,
    }));
    return this.finish(run, chosen.pid, undefined, { holds, effects });
  }

  /**
   * Tasks waiting for resources of `types` try again (resources were freed): up to {@link WAKE_LIMIT} of them,
   * oldest first, become READY and re-enter their lanes with their tags (and are pushed, in push lanes).
   * @returns the changeset, or null when none was waiting
   */
  async wakeWaiters(types: readonly string[], actor: Actor): Promise<Changeset | null> {
    const store = this.deps.scheduler;
    if (!store) return null;
    const run = this.run(actor);
    const waiting = await store.resourceWaiters(types, WAKE_LIMIT);
    const effects: Effect[] = [];
    for (const w of waiting) {
      await run.uow.load(w.pid);
      await run.apply(w.pid, { type: 'release' }, { action: 'wake', types }, { types }, { evaluate: false });
      // Woken before its retry time: that timer has nothing left to do.
      if (w.waitUntil !== null) effects.push({ kind: 'timer.cancel', key: resourceRetryKey(w.pid) });
    }
    return waiting[0] ? this.finish(run, waiting[0].pid, undefined, { effects }) : null;
  }

  /**
   * Push (reference/scheduler.md §2.3): a task that waits in a push lane goes to the best available operator of
   * it (see `choosePush`), audited `assigned {mode: push}` and explained with the operators' ranking; when
   * nobody fits it keeps waiting for an {@link offer}. Idempotent: a task no longer waiting changes nothing.
   * @returns the changeset, or null when nothing was assigned
   */
  async dispatch(pid: number, actor: Actor): Promise<Changeset | null> {
    const store = this.deps.scheduler;
    if (!store) return null;
    const run = this.run(actor);
    const pcb = await run.uow.tryLoad(pid);
    if (!pcb || !waits(pcb, run.now)) return null;
    const pushed = await choosePush(store, await run.design(pcb.designVersion), pcb, run.now);
    if (!pushed) return null;
    await run.update(
      pid,
      { assignee: pushed.operator },
      'assigned',
      { action: 'dispatch', mode: 'push' },
      {
        mode: 'push',
        lane: pushed.explanation.lane,
      },
    );
    run.explanations.push(pushed.explanation);
    return this.finish(run, pid);
  }

  /**
   * An operator has room again (their load fell, or they became available): they get the best waiting task of
   * their push lanes, as get-next would give it (mode `push`). Nothing when they are unavailable or full.
   * @returns the changeset, or null when nothing was assigned
   */
  async offer(operatorKey: string, designVersion: number, actor: Actor): Promise<Changeset | null> {
    const store = this.deps.scheduler;
    if (!store) return null;
    const run = this.run(actor);
    const op = await run.operator(operatorKey);
    if (!op) return null;
    const index = await run.design(designVersion);
    const as: Actor = { key: op.key, roles: op.roles, admin: false, kind: 'operator' };
    const push = (lane: string) => distributionOf(index, lane.slice(0, lane.indexOf('|'))) === 'push';
    const next = await chooseNext(store, index, as, run.now, false, push, (pid) => run.uow.load(pid)).catch(
      (e: unknown) => {
        if (e instanceof KernelError && (e.code === 'NOT_AVAILABLE' || e.code === 'CAPACITY_FULL')) return null;
        throw e;
      },
    );
    return next ? this.assignChosen(run, op.key, next, false, 'offer') : null;
  }

  /**
   * Changes a live process's urgency (admins): `by` points more (or less), or `set` to a value, clamped to
   * 0–100; a waiting task is re-ranked in its lanes at once. Audited `urgency.adjusted` with the urgency before
   * and after and the reason.
   * @throws FORBIDDEN (not an admin), ILLEGAL_TRANSITION (terminated), INVALID_INPUT (neither or both of by/set)
   */
  async adjustUrgency(
    pid: number,
    actor: Actor,
    change: { by?: number; set?: number },
    reason: string,
  ): Promise<Changeset> {
    if (!actor.admin) throw new ForbiddenError('only an admin may change urgency', { pid });
    if ((change.by === undefined) === (change.set === undefined))
      throw new KernelError('INVALID_INPUT', 'give either by or set', { field: 'by' });
    const run = this.run(actor);
    const pcb = await run.uow.load(pid);
    this.ensureLive(pcb, 'urgency');
    const after = Math.max(0, Math.min(MAX_URGENCY, change.set ?? pcb.urgency + change.by!));
    await run.update(
      pid,
      { urgency: after },
      'urgency.adjusted',
      { action: 'urgency' },
      {
        urgencyBefore: pcb.urgency,
        urgencyAfter: after,
        reason,
      },
    );
    return this.finish(run, pid);
  }

  /** Returns a task to its pool; a RUNNING task goes back to READY. */
  async unclaim(pid: number, actor: Actor): Promise<Changeset> {
    const run = this.run(actor);
    const { pcb, index } = await this.task(run, pid, actor);
    this.ensureLive(pcb, 'unclaim');
    if (pcb.assignee !== actor.key && !actor.admin) {
      throw new KernelError('NOT_ASSIGNEE', `process ${pid} is not assigned to you`, { pid, assignee: pcb.assignee });
    }
    await run.update(pid, { assignee: null, candidateRoles: poolFor(index, pcb.service) }, 'unclaimed', {
      action: 'unclaim',
    });
    if (pcb.state === 'RUNNING') await run.apply(pid, { type: 'yield' }, { action: 'unclaim' });
    return this.finish(run, pid);
  }

  /** READY → RUNNING (claiming first when needed). */
  async start(pid: number, actor: Actor): Promise<Changeset> {
    const run = this.run(actor);
    const { pcb } = await this.task(run, pid, actor);
    this.ensureLive(pcb, 'start');
    await this.own(run, pcb, actor);
    await run.apply(pid, { type: 'start' }, { action: 'start' });
    return this.finish(run, pid);
  }

  /**
   * Completes a task with its form data: (READY →) RUNNING → TERMINATED (completed); its rules fire in its
   * program. Completing a completed task is an ILLEGAL_TRANSITION and changes nothing.
   * @param form form data (already validated against the service's JSON Schema by the caller)
   */
  async complete(pid: number, actor: Actor, form: Record<string, unknown> = {}): Promise<Changeset> {
    const run = this.run(actor);
    const { pcb } = await this.task(run, pid, actor);
    this.ensureLive(pcb, 'complete');
    await this.own(run, pcb, actor, 'ends');
    let current = await run.uow.load(pid);
    if (current.state === 'READY') current = await run.apply(pid, { type: 'start' }, { action: 'complete' });
    if (current.state !== 'RUNNING') throw new IllegalTransitionError(pid, current.state, 'complete');
    await run.update(pid, { formData: form }, 'form.submitted', { action: 'complete' }, { fields: Object.keys(form) });
    await run.setVars(pid, { form });
    await run.apply(pid, { type: 'complete' }, { action: 'complete' });
    return this.finish(run, pid);
  }

  /** Suspends a live task (e.g. "request service"); its SUSPENDED rules fire. */
  async suspend(pid: number, actor: Actor, reason: string): Promise<Changeset> {
    const run = this.run(actor);
    if (await this.automated(run, pid, actor)) {
      await run.apply(pid, { type: 'suspend', reason }, { action: 'suspend' }, { reason });
      return this.finish(run, pid);
    }
    const { pcb } = await this.task(run, pid, actor);
    this.ensureLive(pcb, 'suspend');
    await this.own(run, pcb, actor, 'ends');
    await run.apply(pid, { type: 'suspend', reason }, { action: 'suspend' }, { reason });
    return this.finish(run, pid);
  }

  /** Resumes a suspended task to the state it held before. */
  async resume(pid: number, actor: Actor): Promise<Changeset> {
    const run = this.run(actor);
    if (await this.automated(run, pid, actor)) {
      const back = await run.apply(pid, { type: 'resume' }, { action: 'resume' });
      // A scheduled start whose time passed while it was suspended starts now.
      if (back.state === 'READY' && !(back.scheduledAt !== null && back.scheduledAt > run.now))
        await admitStage(run, pid, await run.design(back.designVersion), { action: 'resume' });
      return this.finish(run, pid);
    }
    const { pcb } = await this.task(run, pid, actor);
    this.ensureLive(pcb, 'resume');
    await this.own(run, pcb, actor);
    await run.apply(pid, { type: 'resume' }, { action: 'resume' });
    return this.finish(run, pid);
  }

  /**
   * Cancels a process and every live descendant, in one changeset (terminated reason `cancelled`). The cancelled
   * process's TERMINATED rules that watch `terminated_reason` fire (e.g. `terminated_reason = "cancelled"`);
   * rules written for completion do not, and descendants cancelled with it fire none. When afterwards its program
   * instance has no live work and no rule started any, the instance becomes an incident (ERROR, code STRANDED).
   * Who: a task's assignee, a pool member or an admin; a journey's root also the operator who started it when
   * their roles allow its service; other program instances admins only.
   * @throws ILLEGAL_TRANSITION (already terminated), FORBIDDEN, NOT_ASSIGNEE
   */
  async cancel(pid: number, actor: Actor, reason: string): Promise<Changeset> {
    const run = this.run(actor);
    const pcb = await run.uow.load(pid);
    this.ensureLive(pcb, 'cancel');
    if (pcb.kind === 'task') await this.own(run, (await this.task(run, pid, actor)).pcb, actor, 'ends');
    else if (!actor.admin && !(await this.startedBy(run, pcb, actor))) {
      throw new ForbiddenError(`only an admin or the operator who started the journey may cancel process ${pid}`, {
        pid,
      });
    }
    await run.apply(pid, { type: 'cancel', reason }, { action: 'cancel' }, { reason }, { cancellationRules: true });
    const cascade = async (parent: number): Promise<void> => {
      for (const child of await run.uow.children(parent)) {
        if (child.state !== 'TERMINATED')
          await run.apply(child.pid, { type: 'cancel', reason }, { action: 'cancel', cascadeFrom: pid }, { reason });
        await cascade(child.pid);
      }
    };
    await cascade(pid);
    return this.finish(run, pid);
  }

  /**
   * True when `pid` is a system process (automation): admins may suspend and resume it. Suspended, its run's
   * result is held (the hop in flight and the steps after it still run on their decks) and the process finishes
   * when resumed; a failure meanwhile becomes its incident then.
   * @throws FORBIDDEN for anyone else; ILLEGAL_TRANSITION as the state machine says
   */
  private async automated(run: Run, pid: number, actor: Actor): Promise<boolean> {
    const pcb = await run.uow.load(pid);
    if (pcb.kind !== 'system') return false;
    if (!actor.admin) throw new ForbiddenError(`only an admin may suspend or resume process ${pid}`, { pid });
    return true;
  }

  /** True when `pcb` is a journey's root, started by `actor`, whose roles allow its service. */
  private async startedBy(run: Run, pcb: Pcb, actor: Actor): Promise<boolean> {
    if (pcb.parentPid !== null || pcb.creator !== actor.key) return false;
    return mayWorkOn(await run.design(pcb.designVersion), actor, pcb.service);
  }

  /**
   * Re-opens an ended step of a journey that has no live work left (admins): a new process of the same service in
   * the same program instance, after the step (`previous`). A STRANDED instance is first put back to the state it
   * failed from (without re-running that state's rules); an instance in ERROR for another reason must be retried.
   * @returns the changeset whose result is the new step.
   * @throws FORBIDDEN (not an admin), INVALID_INPUT (not an ended step of a live journey, the journey still has
   *   live work — e.g. a second click —, it is in ERROR for another reason, or the step is a group member)
   */
  async reopen(pid: number, actor: Actor): Promise<Changeset> {
    if (!actor.admin) throw new ForbiddenError('only an admin may re-open a step', { pid });
    const run = this.run(actor);
    const step = await run.uow.load(pid);
    if (step.state !== 'TERMINATED' || step.parentPid === null) {
      throw new KernelError('INVALID_INPUT', `process ${pid} is not an ended step of a journey`, { pid });
    }
    const instance = await run.uow.load(step.parentPid);
    if (instance.state === 'TERMINATED') {
      throw new KernelError('INVALID_INPUT', `the journey of process ${pid} has ended (pid ${instance.pid})`, { pid });
    }
    const failure = instance.state === 'ERROR' ? (await run.uow.frame(instance.pid)).errorInfo : null;
    if (instance.state === 'ERROR' && failure?.code !== 'STRANDED') {
      throw new KernelError(
        'INVALID_INPUT',
        `the journey (pid ${instance.pid}) is in ERROR for another reason (${failure?.code ?? 'unknown'}): retry it`,
        { pid },
      );
    }
    if ((await run.uow.children(instance.pid)).some((c) => c.state !== 'TERMINATED')) {
      throw new KernelError('INVALID_INPUT', `the journey (pid ${instance.pid}) still has live work`, { pid });
    }
    if (step.join !== null) {
      throw new KernelError('INVALID_INPUT', `process ${pid} is a member of a ${step.join.kind} group`, { pid });
    }
    const cause = { action: 'reopen', reopened: pid };
    // The new step first, so an instance waiting for it (a call) does not wake up without it.
    const reopened = await run.spawn(
      {
        service: step.service,
        designVersion: step.designVersion,
        program: step.program,
        parentPid: step.parentPid,
        previousPid: step.pid,
        callerPid: step.callerPid,
        entity: step.entity,
        creator: step.creator,
        priority: step.priority,
      },
      cause,
    );
    if (instance.state === 'ERROR') {
      await run.apply(instance.pid, { type: 'retry' }, cause, { error: failure }, { evaluate: false });
      run.uow.setFrame({ ...(await run.uow.frame(instance.pid)), errorInfo: null });
    }
    return this.finish(run, reopened.pid);
  }

  /** Hands a task to another operator whose roles allow the service. @throws INVALID_INPUT (field `operator`) */
  async transfer(pid: number, actor: Actor, operatorKey: string): Promise<Changeset> {
    const run = this.run(actor);
    const { pcb, index } = await this.task(run, pid, actor);
    this.ensureLive(pcb, 'transfer');
    await this.own(run, pcb, actor, 'ends');
    const target = await run.operator(operatorKey);
    if (!target)
      throw new KernelError('UNKNOWN_OPERATOR', `operator "${operatorKey}" does not exist`, { field: 'operator' });
    const allowed = rolesAllowing(index, pcb.service);
    if (!target.roles.some((r) => allowed.includes(r))) {
      throw new KernelError('INVALID_INPUT', `operator "${operatorKey}" holds no role allowing "${pcb.service}"`, {
        field: 'operator',
      });
    }
    await this.mayTake(run, pcb, target.key, 'transfer');
    await run.update(
      pid,
      { assignee: target.key },
      'transferred',
      { action: 'transfer' },
      { from: pcb.assignee, to: target.key },
    );
    return this.finish(run, pid);
  }

  /**
   * A timer fell due (the API's timer sweep calls this, as the `timer` actor, in the transaction that deletes the
   * timer row, so each timer fires once). A `deadline` timer of a process that is still live and still has that
   * deadline audits `deadline.passed`; `sla` fires the clock's milestone ({@link fireSla}); `resource_retry` brings
   * a task waiting for rooms back READY; `relax_skills` drops a still-waiting task's additional skills;
   * `scheduled` puts an appointment into its lanes. Anything stale (ended, moved, taken) changes nothing.
   * @throws ProcessNotFoundError when the process is gone
   */
  /**
   * A report from the execution deck (deck 0) about a system process's run: its result (`completed`: written into
   * the frame, rules fire, the process terminates) or its failure past retries (`failed`: an incident). A report
   * for another run, an older generation or an ended run is audited as a duplicate or stale and changes nothing
   * else, so a redelivered report is harmless. Actor: the execution deck (`worker`).
   * @throws KernelError PROCESS_NOT_FOUND
   */
  async reportStage(report: StageReport, actor: Actor): Promise<Changeset> {
    const run = this.run(actor);
    if (report.kind === 'completed') await completeStage(run, report);
    else await failStage(run, report);
    return this.finish(run, report.pid);
  }

  async fireTimer(timer: Timer, actor: Actor): Promise<Changeset> {
    const run = this.run(actor);
    const pcb = await run.uow.load(timer.pid);
    if (timer.purpose === 'sla') return this.fireSla(run, pcb, timer);
    if (timer.purpose === 'scheduled' && pcb.kind === 'system') {
      // A scheduled automated start (reference/decks.md §2.8): its run starts now, unless something started it.
      if (pcb.state === 'READY')
        await admitStage(run, pcb.pid, await run.design(pcb.designVersion), { timer: timer.key });
      return this.finish(run, pcb.pid);
    }
    if (timer.purpose === 'scheduled') {
      // The appointment's time came: it enters its lanes now (and is pushed, in push lanes) unless a command since
      // its time already put it there.
      if (waits(pcb, run.now) && !waits(pcb, pcb.updatedAt))
        await run.update(
          pcb.pid,
          {},
          'scheduled.due',
          { timer: timer.key },
          { scheduledAt: new Date(pcb.scheduledAt!).toISOString() },
        );
      return this.finish(run, pcb.pid);
    }
    if (timer.purpose === 'relax_skills') {
      await fireRelaxTimer(run, pcb.pid, { timer: timer.key });
      return this.finish(run, pcb.pid);
    }
    if (timer.purpose === 'resource_retry') {
      if (pcb.state === 'WAITING' && (pcb.waitReason ?? '').startsWith(RESOURCE_WAIT))
        await run.apply(pcb.pid, { type: 'release' }, { timer: timer.key }, {}, { evaluate: false });
      return this.finish(run, pcb.pid);
    }
    if (timer.purpose === 'deadline' && pcb.state !== 'TERMINATED' && pcb.deadline === timer.dueAt) {
      run.record(
        pcb,
        'deadline.passed',
        pcb.state,
        pcb.state,
        { timer: timer.key },
        {
          deadline: new Date(timer.dueAt).toISOString(),
        },
      );
    }
    return this.finish(run, pcb.pid);
  }

  /**
   * An SLA milestone fell due (reference/scheduler.md §2.5): re-checked against the stored clock (a paused,
   * stopped or moved clock fires nothing), the process's urgency rises by the milestone's points and its
   * `raise_urgency` actions (capped at 100; the lanes re-rank it), and one audit row `sla.goal`, `sla.deadline`
   * or `sla.passed_deadline` records the milestone with the urgency before and after. Then its actions run:
   * `relax_skills`, `reassign` ({@link slaReassign}); and a `notify` effect carries the milestone to the live
   * channel (the monitor always; the people `notify` names). The clock moves on to its next milestone (and its
   * timer with it).
   */
  private async fireSla(run: Run, pcb: Pcb, timer: Timer): Promise<Changeset> {
    const index = await run.design(pcb.designVersion);
    const key = serviceSchedule(index.scheduler, pcb.service).sla;
    const def = key ? index.scheduler.slas.get(key) : undefined;
    const clock = def ? await this.deps.scheduler?.slaClock(pcb.pid) : null;
    const firing = def && clock && clock.nextDueAt === timer.dueAt ? slaFire(def, clock, pcb.urgency, run.now) : null;
    if (!firing) return this.finish(run, pcb.pid);
    const action = firing.milestone === 'passed' ? 'sla.passed_deadline' : `sla.${firing.milestone}`;
    const details = {
      sla: clock!.sla,
      repeat: firing.repeat,
      dueAt: new Date(firing.dueAt).toISOString(),
      urgencyBefore: firing.urgencyBefore,
      urgencyAfter: firing.urgencyAfter,
      actions: firing.actions.map((a) => a.kind),
    };
    const cause = { timer: timer.key };
    if (firing.urgencyAfter !== pcb.urgency)
      await run.update(pcb.pid, { urgency: firing.urgencyAfter }, action, cause, details);
    else run.record(pcb, action, pcb.state, pcb.state, cause, details);
    const done: string[] = [];
    // A program instance's open steps rise with it (Pega's case urgency feeds its assignments').
    if (pcb.kind === 'program') await inheritUrgency(run, pcb.pid, firing.urgencyAfter - pcb.urgency, cause);
    for (const a of firing.actions) {
      if (a.kind === 'relax_skills' && (await relaxSkills(run, pcb.pid, cause))) done.push(a.kind);
      if (a.kind === 'reassign') {
        const take = async (task: Pcb, operator: string) => {
          const target = await run.operator(operator);
          if (!target) throw new KernelError('UNKNOWN_OPERATOR', `operator "${operator}" does not exist`, {});
          const allowed = rolesAllowing(index, task.service);
          if (!target.roles.some((r) => allowed.includes(r)))
            throw new KernelError('INVALID_INPUT', `operator "${operator}" holds no role allowing "${task.service}"`);
          await this.mayTake(run, task, operator, 'escalation');
        };
        if ((await slaReassign(run, pcb.pid, a, cause, take)) === 'reassigned') done.push(a.kind);
      }
      if (a.kind === 'raise_urgency' || a.kind === 'notify') done.push(a.kind);
    }
    const after = await run.uow.load(pcb.pid);
    const notice: Effect = {
      kind: 'notify',
      notice: {
        pid: pcb.pid,
        service: pcb.service,
        designVersion: pcb.designVersion,
        kind: pcb.kind,
        sla: clock!.sla,
        milestone: firing.milestone,
        repeat: firing.repeat,
        dueAt: firing.dueAt,
        urgencyBefore: firing.urgencyBefore,
        urgencyAfter: firing.urgencyAfter,
        holder: pcb.assignee,
        assignee: after.assignee,
        candidateRoles: after.candidateRoles,
        creator: after.creator,
        entity: after.entity,
        actions: [...new Set(done)],
        to: noticeRecipients(firing.actions, pcb.assignee),
        at: run.now,
      },
    };
    return this.finish(run, pcb.pid, new Map([[pcb.pid, firing.clock]]), { effects: [notice] });
  }

  /** ERROR → the state before the failure (admins). */
  async retry(pid: number, actor: Actor): Promise<Changeset> {
    if (!actor.admin) throw new ForbiddenError('only an admin may retry a process', { pid });
    const run = this.run(actor);
    const target = await run.uow.load(pid);
    if (target.state !== 'ERROR') throw new IllegalTransitionError(pid, target.state, 'retry');
    // A failed automation run re-runs from its failed step only.
    if (await retryStage(run, pid, { action: 'retry' })) return this.finish(run, pid);
    const frame = await run.uow.frame(pid);
    const failed = frame.errorInfo;
    // Back to the state before the failure without re-running that state's rules (no duplicate next steps) …
    await run.apply(pid, { type: 'retry' }, { action: 'retry' }, { error: failed }, { evaluate: false });
    run.uow.setFrame({ ...(await run.uow.frame(pid)), errorInfo: null });
    // … then re-run exactly the instruction that failed, if one did; a new failure puts the process back in ERROR.
    if (failed?.rule && failed.subject !== undefined) {
      const subject = await run.uow.load(failed.subject);
      const index = await run.design(subject.designVersion);
      const rule = [...index.rulesByScope.values()].flat().find((r) => r.key === failed.rule);
      if (rule) await run.execute(subject.pid, rule, index);
    }
    return this.finish(run, pid);
  }
}
