import { Inject, Injectable } from '@nestjs/common';
import { TASK_DRAFT_MAX_BYTES, type TaskDraft } from '@opkernel/contracts';
import type { Clock } from '@opkernel/kernel';
import { CLOCK } from '../../infra/clock/clock.module';
import { PROBLEM_TYPES, ProblemException } from '../../infra/problem/problem.exception';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { ProcessReadRepository } from '../processes/persistence/process-read.repository';
import { ProcessReadPolicy } from '../processes/process-read.policy';
import { DRAFT_STATES, TaskDraftsRepository, type TaskDraftRow } from './task-drafts.repository';

/** A stored draft as the API answers it. */
export const toDraft = (r: TaskDraftRow): TaskDraft => ({
  pid: Number(r.pid),
  formData: r.form_data,
  savedBy: r.saved_by,
  savedAt: r.saved_at.toISOString(),
});

/**
 * Drafts of task forms: the assignee's typed data kept on the server while the task is RUNNING or SUSPENDED.
 * Like Camunda Tasklist's draft variables and Pega's autosave, a draft is scratch data, not a step of the
 * process: saving one changes no state, evaluates no rule and writes no audit row (the audit trail records what
 * was decided — the completed form — not every keystroke autosaved on the way; an audited save every second
 * would also drown the trail). It is removed when the task terminates (by the changeset writer, in the command's transaction). Reads go through
 * the read policy first: a task the caller may not read is a 404, as everywhere.
 */
@Injectable()
export class TaskDraftsService {
  constructor(
    private readonly drafts: TaskDraftsRepository,
    private readonly processes: ProcessReadRepository,
    private readonly policy: ProcessReadPolicy,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The draft of task `pid` for `operator`: only its assignee has one, and only while it is RUNNING or SUSPENDED.
   * @throws ProblemException 403 for customers; 404 when the task is missing or not readable, or (code
   *   `NO_DRAFT`) when there is no draft for the caller.
   */
  async get(pid: number, operator: AuthenticatedOperator): Promise<TaskDraft> {
    await this.readable(pid, operator);
    const row = await this.drafts.mine(pid, operator.key);
    if (!row) throw noDraft(pid);
    return toDraft(row);
  }

  /**
   * Keeps `formData` as the draft of task `pid` (replacing the previous one). No state change, no rules, no audit.
   * @throws ProblemException 403 for customers, and (code `NOT_ASSIGNEE`) when the caller is not the assignee;
   *   404 when missing or not readable; 409 (code `ILLEGAL_STATE`) unless the task is RUNNING or SUSPENDED; 413
   *   naming `formData` when it is over {@link TASK_DRAFT_MAX_BYTES} bytes as JSON.
   */
  async put(pid: number, operator: AuthenticatedOperator, formData: Record<string, unknown>): Promise<TaskDraft> {
    const p = await this.readable(pid, operator);
    if (Buffer.byteLength(JSON.stringify(formData), 'utf8') > TASK_DRAFT_MAX_BYTES) {
      throw new ProblemException({
        status: 413,
        type: PROBLEM_TYPES.validation,
        title: 'Payload Too Large',
        detail: `a draft is at most ${TASK_DRAFT_MAX_BYTES} bytes as JSON`,
        errors: [{ field: 'formData', message: `must be at most ${TASK_DRAFT_MAX_BYTES} bytes as JSON` }],
      });
    }
    const row = await this.drafts.put(pid, operator.key, formData, this.clock.now());
    if (row) return toDraft(row);
    // Nothing written: say why (the state read now, after the conditional write refused).
    const now = (await this.processes.byPid(pid)) ?? p;
    if (now.kind !== 'task' || now.assignee !== operator.key) {
      throw new ProblemException({
        status: 403,
        type: PROBLEM_TYPES.forbidden,
        title: 'Task is assigned to someone else',
        detail: 'only the task’s assignee keeps a draft of it',
        extra: { code: 'NOT_ASSIGNEE' },
      });
    }
    throw ProblemException.conflict(`a draft is kept only while the task is ${DRAFT_STATES.join(' or ')}`, {
      code: 'ILLEGAL_STATE',
      state: now.state,
    });
  }

  /** The process row when `operator` may read it. @throws ProblemException 403 for customers, 404 otherwise. */
  private async readable(pid: number, operator: AuthenticatedOperator) {
    const row = await this.processes.byPid(pid, await this.policy.scope(operator));
    if (!row) throw ProblemException.notFound(`process ${pid} does not exist`);
    return row;
  }
}

function noDraft(pid: number): ProblemException {
  return new ProblemException({
    status: 404,
    type: PROBLEM_TYPES.notFound,
    title: 'Not Found',
    detail: `task ${pid} has no draft of yours`,
    extra: { code: 'NO_DRAFT' },
  });
}
