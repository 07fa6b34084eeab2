import { Injectable } from '@nestjs/common';
import type { ProcessStages, StageRunView } from '@opkernel/contracts';
import { compileDag, compileRoute, type StageRun, type StageStep } from '@opkernel/kernel';
import { ProblemException } from '../../infra/problem/problem.exception';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { DesignRegistry } from '../designs/design-registry.service';
import { ProcessReadRepository } from '../processes/persistence/process-read.repository';
import { ProcessReadPolicy } from '../processes/process-read.policy';
import { StagesRepository } from './stages.repository';
import { REDACTED } from '../processes/form-redaction';

const iso = (ms: number) => new Date(ms).toISOString();

/** Each step's status from the run: steps before the dispatched one are done, the failed one failed, … */
function stepStatus(run: StageRun, i: number): StageRunView['steps'][number]['status'] {
  if (run.status === 'succeeded' || i < run.outputs.length) return 'done';
  if (run.status === 'failed') return i === run.step ? 'failed' : 'pending';
  return i === run.step ? 'running' : i < run.step ? 'done' : 'pending';
}

/** A DAG node's state as a step status. */
const nodeStatus = (state: string | undefined): StageRunView['steps'][number]['status'] =>
  state === 'done' ? 'done' : state === 'failed' ? 'failed' : state === 'running' ? 'running' : 'pending';

/**
 * `GET /processes/{pid}/stages` through the read policy: the process's run with its steps (from its design
 * version), the hop journal and the failure; input and outputs only when the reader's roles see the service's
 * data (as forms are redacted elsewhere).
 */
@Injectable()
export class StagesService {
  constructor(
    private readonly stages: StagesRepository,
    private readonly processes: ProcessReadRepository,
    private readonly policy: ProcessReadPolicy,
    private readonly designs: DesignRegistry,
  ) {}

  /** @throws ProblemException 404 when the process is missing or not readable; 403 for customers */
  async of(pid: number, operator: AuthenticatedOperator): Promise<ProcessStages> {
    const scope = await this.policy.scope(operator);
    const p = await this.processes.byPid(pid, scope);
    if (!p) throw ProblemException.notFound(`process ${pid} does not exist`);
    const run = await this.stages.run(pid);
    if (!run) return { pid, run: null };
    const index = await this.designs.get(p.design_version).catch(() => null);
    const automation = index?.services.get(p.service)?.automation;
    let steps: StageRunView['steps'] = [];
    try {
      if (automation && index && run.dag) {
        steps = compileDag(index.decks, automation).nodes.map((n, i) => ({
          step: i,
          deck: n.steps[0]!.deck,
          handler: n.steps[0]!.handler,
          status: nodeStatus(run.dag![n.key]?.state),
          node: n.key,
          after: n.after,
        }));
      } else if (automation && index) {
        steps = compileRoute(index.decks, automation).map((s: StageStep, i) => ({
          step: i,
          deck: s.deck,
          handler: s.handler,
          status: stepStatus(run, i),
        }));
      }
    } catch {
      steps = []; // the design changed shape since: the journal below still tells the story
    }
    const sees = (await this.policy.formVisibility(scope, p.design_version)).sees(p.service);
    return {
      pid,
      run: {
        runId: run.runId,
        gen: run.gen,
        status: run.status,
        steps,
        input: sees ? run.input : null,
        outputs: sees ? run.outputs : null,
        output: sees ? run.output : null,
        failure: run.failure && !sees ? { ...run.failure, message: REDACTED } : run.failure,
        hops: run.hops.map((h) => ({
          node: h.node ?? null,
          step: h.step,
          deck: h.deck,
          handler: h.handler,
          attempt: h.attempt,
          worker: h.worker,
          startedAt: iso(h.startedAt),
          endedAt: iso(h.endedAt),
          outcome: h.outcome,
          error: h.error === undefined ? null : sees ? h.error : REDACTED,
        })),
        startedAt: iso(run.startedAt),
        endedAt: run.endedAt === null ? null : iso(run.endedAt),
      },
    };
  }
}
