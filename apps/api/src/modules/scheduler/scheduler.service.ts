import { Injectable } from '@nestjs/common';
import type {
  AssignmentExplanation,
  Explanation as ExplanationContract,
  FairnessWeight,
  LaneView,
  NextTaskAnswer,
  ProcessView,
} from '@opkernel/contracts';
import type { Explanation, Pcb } from '@opkernel/kernel';
import { PROBLEM_TYPES, ProblemException } from '../../infra/problem/problem.exception';
import { staffOnly } from '../auth/staff-only';
import { actorOf, type AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { DesignRegistry } from '../designs/design-registry.service';
import { IdempotencyService, type IdempotentRequest } from '../processes/idempotency/idempotency.service';
import { ProcessCommands } from '../processes/process-commands.service';
import { ProcessQueries } from '../processes/process-queries.service';
import { CommandViews } from '../processes/command-views';
import { ExplanationsRepository } from './explanations.repository';
import { LanesRepository } from './lanes.repository';

// The kernel's explanation is what the wire contract says (the two cannot import each other).
const explanationFitsContract: (e: Explanation) => ExplanationContract = (e) => e;
void explanationFitsContract;

/**
 * The scheduler's REST use cases: get next (pull) and "why this task". Get-next runs as one kernel command in one
 * transaction (lane heads locked `SKIP LOCKED`, the assignment, its audit row and explanation written together).
 */
@Injectable()
export class SchedulerService {
  constructor(
    private readonly commands: ProcessCommands,
    private readonly designs: DesignRegistry,
    private readonly queries: ProcessQueries,
    private readonly idempotency: IdempotencyService,
    private readonly explanations: ExplanationsRepository,
    private readonly lanesRepo: LanesRepository,
    private readonly views: CommandViews,
  ) {}

  /**
   * Assigns the operator the best task of their lanes (and starts it with `start`); with `dryRun` only says which
   * it would be (nothing is written, the locks are released).
   * @returns the task and why, or null when no task fits (HTTP 204)
   * @throws ProblemException 403 for customers, 409 when no design is imported; kernel NOT_AVAILABLE /
   *   CAPACITY_FULL (409)
   */
  async next(
    op: AuthenticatedOperator,
    body: { start?: boolean; dryRun?: boolean },
    idem: IdempotentRequest | null,
  ): Promise<NextTaskAnswer | null> {
    staffOnly(op);
    const current = await this.designs.currentVersion();
    if (current === null) throw ProblemException.conflict('no design has been imported yet');
    const actor = actorOf(op);
    const dryRun = body.dryRun === true;
    // Built inside the command from what it holds: the task (for a preview, as it still is) and its entity label.
    let answer: { pcb: Pcb; explanation: Explanation; entityLabel: string | null } | null = null;
    await this.commands.execute(
      async (kernel, tx, store) => {
        answer = null; // a retried attempt decides afresh
        const done = await kernel.assignNext(actor, { designVersion: current, start: body.start, dryRun });
        if (!done) return null;
        // Only heads waiting for resources were deferred: that is written, and nothing was assigned (204).
        if (!done.scheduler.explanations[0]) return dryRun ? null : done;
        const pcb = dryRun ? ((await store.get(done.result.pid)) ?? done.result) : done.result;
        const entityLabel = pcb.entity ? (store.knownEntityLabel(pcb.entity) ?? null) : null;
        answer = { pcb, explanation: done.scheduler.explanations[0]!.explanation, entityLabel };
        if (dryRun) return null;
        if (idem) await this.idempotency.notePid(tx, idem, done.result.pid);
        return done;
      },
      idem && !dryRun ? { before: (tx) => this.idempotency.claim(tx, idem) } : {},
    );
    const found = answer as { pcb: Pcb; explanation: Explanation; entityLabel: string | null } | null;
    if (!found) return null;
    const process = await this.views.of(found.pcb, actor, found.entityLabel);
    return { process, explanation: found.explanation };
  }

  /**
   * The latest explanation of a task's assignment, through the read policy.
   * @throws ProblemException 404 when the process is missing, not readable, or has no explanation
   */
  async latest(pid: number, op: AuthenticatedOperator): Promise<AssignmentExplanation> {
    if (!(await this.queries.one(pid, op))) throw ProblemException.notFound(`process ${pid} does not exist`);
    const [latest] = await this.readable(await this.explanations.list(pid, 1), op);
    if (!latest)
      throw new ProblemException({
        status: 404,
        type: PROBLEM_TYPES.notFound,
        title: 'Not Found',
        detail: `process ${pid} has no assignment explanation`,
        extra: { code: 'NO_EXPLANATION' },
      });
    return latest;
  }

  /** Every explanation of a task's assignments, newest first, through the read policy. @throws 404 as {@link latest} */
  async all(pid: number, op: AuthenticatedOperator): Promise<AssignmentExplanation[]> {
    if (!(await this.queries.one(pid, op))) throw ProblemException.notFound(`process ${pid} does not exist`);
    return this.readable(await this.explanations.list(pid), op);
  }

  /**
   * Explanations as `op` may see them: the other tasks they name (alternatives, deferred) only when `op` may read
   * them, and the ranking of other operators' load only for admins (the read policy covers what an explanation
   * mentions, not only the task it explains).
   */
  private async readable(list: AssignmentExplanation[], op: AuthenticatedOperator): Promise<AssignmentExplanation[]> {
    if (op.admin) return list;
    const seen = new Map<number, boolean>();
    const mayRead = async (pid: number) => {
      if (!seen.has(pid)) seen.set(pid, (await this.queries.one(pid, op)) !== null);
      return seen.get(pid)!;
    };
    const out: AssignmentExplanation[] = [];
    for (const item of list) {
      const { operatorRanking: _ranking, ...explanation } = item.explanation as Explanation;
      const alternatives = [];
      for (const a of explanation.alternatives) if (await mayRead(a.pid)) alternatives.push(a);
      const deferred = [];
      for (const d of explanation.deferred) if (await mayRead(d)) deferred.push(d);
      out.push({ ...item, explanation: { ...explanation, alternatives, deferred } });
    }
    return out;
  }

  /**
   * Changes a live process's urgency (admin), re-ranking it at once; audited with before and after.
   * @returns the process after it
   * @throws ProblemException 404 (missing); kernel errors (409 ILLEGAL_TRANSITION when terminated)
   */
  async adjustUrgency(
    pid: number,
    op: AuthenticatedOperator,
    body: { by?: number; set?: number; reason: string },
  ): Promise<ProcessView> {
    const actor = actorOf(op);
    let label: string | null = null;
    const cs = await this.commands.execute(async (kernel, _tx, store) => {
      if (!(await store.get(pid))) throw ProblemException.notFound(`process ${pid} does not exist`);
      const done = await kernel.adjustUrgency(pid, actor, { by: body.by, set: body.set }, body.reason);
      label = done.result.entity ? (store.knownEntityLabel(done.result.entity) ?? null) : null;
      return done;
    });
    return this.views.of(cs.result, actor, label, cs);
  }

  /** Every lane with waiting work (admin): role, skills, distribution, depth, oldest wait, depth per key. */
  async lanes(): Promise<LaneView[]> {
    const current = await this.designs.current();
    return (await this.lanesRepo.lanes()).map((l) => {
      const bar = l.lane.indexOf('|');
      const role = bar < 0 ? l.lane : l.lane.slice(0, bar);
      const skills = bar < 0 ? '' : l.lane.slice(bar + 1);
      const sched = current?.index.scheduler;
      return {
        lane: l.lane,
        role,
        skills,
        distribution: sched?.roles.get(role)?.distribution ?? sched?.settings.distribution ?? 'pull',
        depth: l.depth,
        oldestQueuedAt: l.oldest?.toISOString() ?? null,
        byFairnessKey: l.byKey,
      };
    });
  }

  /** The fairness weights set (admin). */
  fairness(): Promise<FairnessWeight[]> {
    return this.lanesRepo.weights();
  }

  /** Sets a fairness key's weight (admin); tasks of the key entering lanes from now on use it. */
  async setFairness(key: string, weight: number): Promise<FairnessWeight> {
    if (key.length < 1 || key.length > 120)
      throw ProblemException.unprocessable('a fairness key has 1–120 characters', [
        { field: 'key', message: 'must have 1–120 characters' },
      ]);
    await this.lanesRepo.setWeight(key, weight);
    return { key, weight };
  }
}
