import { assignTask, poolFor } from '../assignment/assign';
import type { DesignIndex } from '../design/kernel-design';
import { checkSkills } from '../scheduler/lanes';
import { fitsCapacity } from '../scheduler/load';
import { operatorProfile } from './get-next';
import { newFrame } from '../context/frames';
import { KernelError } from '../errors/kernel-error';
import type { Pcb, ProcessKind } from '../pcb/pcb';
import { newPcb } from '../pcb/new-pcb';
import { serviceSchedule } from '../scheduler/design';
import type { Cause, RunContext, SpawnInput } from './run-context';
import { admitStage } from './stages';

/**
 * Creates a process (NEW, rules enqueued) and admits it: a task gets its assignee or pool and becomes READY;
 * a program instance becomes READY then RUNNING (the kernel runs it); a system process becomes READY, and with
 * automation goes on to its decks (`admitStage`: RUNNING, then WAITING on its run). The frame inherits the parent's visible variables; the pid comes from the run's `IdGenerator`.
 * @throws KernelError UNKNOWN_SERVICE when the service is not in the design version
 */
export async function spawn(run: RunContext, input: SpawnInput, cause: Cause): Promise<Pcb> {
  run.tick();
  const index = await run.design(input.designVersion);
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
  // The fairness key is inherited like Temporal's priority: from the caller, else the parent.
  const from = input.callerPid ?? input.parentPid;
  const fairnessKey = input.fairnessKey ?? (from !== null ? ((await run.uow.tryLoad(from))?.fairnessKey ?? '') : '');
  const pid = await run.ids.nextPid();
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
      fairnessKey,
      weight: serviceSchedule(index.scheduler, service.key).weight,
    },
    run.now,
  );
  const parentFrame = input.parentPid !== null ? await run.uow.frame(input.parentPid) : null;
  run.uow.create(pcb, newFrame(pid, parentFrame, input.vars ?? {}));
  run.record(pcb, 'created', null, 'NEW', cause, { service: service.key, program: input.program });
  run.queue.push({ pid, state: 'NEW', cause });

  if (kind === 'task') {
    let a =
      input.assignee !== undefined && input.assignee !== null
        ? { assignee: input.assignee, candidateRoles: index.rolesByService.get(service.key) ?? [] }
        : assignTask(index, service.key, await run.operator(input.creator));
    if (a.assignee !== null && !(await stickyFits(run, index, service.key, a.assignee, pcb.weight)))
      a = { assignee: null, candidateRoles: poolFor(index, service.key) };
    run.uow.put({ ...pcb, assignee: a.assignee, candidateRoles: a.candidateRoles });
    return run.apply(pid, { type: 'admit' }, cause, a);
  }
  await run.apply(pid, { type: 'admit' }, cause);
  if (kind === 'program') return run.apply(pid, { type: 'start' }, cause);
  // Automation runs at once unless it is booked for later.
  if (service.automation && !(pcb.scheduledAt !== null && pcb.scheduledAt > run.now))
    await admitStage(run, pid, index, cause);
  return run.uow.load(pid);
}

/**
 * Whether a spawn-time assignment (the journey's starter, a fan-out's operator) passes the scheduler's checks:
 * the service's skills and room in the operator's capacity; a task that fails them — or needs rooms or machines,
 * which are booked only with an assignment that fits them — goes to its pool. Checked only
 * where the design has something to check (skills on the service, or capacities on operators) — a design without
 * scheduler sections keeps today's sticky assignment without a read.
 */
async function stickyFits(
  run: RunContext,
  index: DesignIndex,
  service: string,
  operator: string,
  weight: number,
): Promise<boolean> {
  const store = run.scheduler;
  if (!store) return true;
  const schedule = serviceSchedule(index.scheduler, service);
  // Rooms and machines are booked with the person by get-next, offers and claims: never assigned without them.
  if (schedule.resources.length > 0) return false;
  const requirements = schedule.requirements;
  const capacities = [...index.scheduler.operators.values()].some((o) => o.capacity !== null);
  if (requirements.length === 0 && !capacities) return true;
  const profile = await operatorProfile(store, index, operator);
  return checkSkills(profile.skills, requirements).met && fitsCapacity(profile.load, profile.capacity, weight);
}
