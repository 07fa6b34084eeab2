import { Injectable } from '@nestjs/common';
import type { EarlierStep, ProcessState, RequestedStep, StaffMember, TaskContext } from '@opkernel/contracts';
import { ProblemException } from '../../infra/problem/problem.exception';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { DesignRegistry } from '../designs/design-registry.service';
import { FormRedactor } from '../processes/form-redaction';
import { ProcessReadRepository } from '../processes/persistence/process-read.repository';
import { caseKey, ProcessReadPolicy } from '../processes/process-read.policy';
import { prefillOffers } from './prefill';
import { TaskContextRepository } from './task-context.repository';
import { toDraft } from './task-drafts.service';
import { TaskDraftsRepository } from './task-drafts.repository';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * What the task page shows beside a task's form, through the read policy: the same customer's completed steps
 * (only those the reader may read; forms of services their roles do not allow redacted, as in every read), prefill
 * offers built from the visible forms only, and the status of the steps this task requested.
 */
@Injectable()
export class TaskContextService {
  constructor(
    private readonly context: TaskContextRepository,
    private readonly drafts: TaskDraftsRepository,
    private readonly processes: ProcessReadRepository,
    private readonly policy: ProcessReadPolicy,
    private readonly designs: DesignRegistry,
  ) {}

  /**
   * The context of task `pid` for `operator`.
   * - `draft`: the caller's draft (the assignee's, while RUNNING or SUSPENDED), else null;
   * - `earlier`: the entity's completed steps, newest first (at most 50), forms redacted as the policy says;
   * - `prefill`: per field of this task's form, the newest earlier visible value of a field with that name;
   * - `requested`: while the task is open, the steps it started (a rule on its suspension: "request service"),
   *   status only — the reader of a step sees how its requests stand (service, state, who has it), never their
   *   forms; empty once it terminated (its followers are then the journey's next steps, not requests).
   * @throws ProblemException 403 for customers; 404 when the task is missing or not readable.
   */
  async of(pid: number, operator: AuthenticatedOperator): Promise<TaskContext> {
    const scope = await this.policy.scope(operator);
    const task = await this.processes.byPid(pid, scope);
    if (!task) throw ProblemException.notFound(`process ${pid} does not exist`);
    const label = async (version: number, service: string) =>
      (await this.designs.get(version).catch(() => null))?.services.get(service)?.label ?? service;

    const earlier: EarlierStep[] = [];
    if (task.entity_type && task.entity_id) {
      const rows = await this.context.earlierSteps(task.entity_type, task.entity_id, pid, scope);
      // A reader holding an open task for this customer sees the forms of the customer's steps (the case's data).
      const customer = { type: task.entity_type, id: task.entity_id };
      const holds = (await this.policy.casesHeld(scope, [customer])).has(caseKey(customer));
      for (const r of rows) {
        const visible = await this.policy.formVisibility(scope, r.design_version);
        const shown = holds || visible.sees(r.service);
        earlier.push({
          pid: Number(r.pid),
          service: r.service,
          serviceLabel: await label(r.design_version, r.service),
          assignee: r.assignee,
          assigneeName: r.assignee_name,
          endedAt: iso(r.ended_at),
          formData: shown
            ? (r.form_data ?? {})
            : (new FormRedactor(visible).form(r.form_data ?? {}) as Record<string, unknown>),
          redacted: !shown,
        });
      }
    }
    const form = (await this.designs.get(task.design_version).catch(() => null))?.services.get(task.service)?.form;
    const prefill = prefillOffers(
      form,
      earlier.filter((e) => !e.redacted),
    );
    const requested: RequestedStep[] = [];
    for (const f of task.state === 'TERMINATED' ? [] : await this.context.followers(pid)) {
      requested.push({
        pid: Number(f.pid),
        service: f.service,
        serviceLabel: await label(f.design_version, f.service),
        state: f.state as ProcessState,
        terminatedReason: f.terminated_reason,
        assigneeName: f.assignee_name,
        endedAt: iso(f.ended_at),
      });
    }
    const draft = await this.drafts.mine(pid, operator.key);
    return { draft: draft && toDraft(draft), earlier, prefill, requested };
  }

  /**
   * The staff a form's operator field may name (every staff operator, by name).
   * @throws ProblemException 403 for customers (who read no staff).
   */
  async staff(operator: AuthenticatedOperator): Promise<StaffMember[]> {
    if (!this.policy.maySeeProcesses(operator)) throw ProblemException.forbidden('customers may not read the staff');
    return this.context.staff();
  }
}
