import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProcessReadPolicy, type ReadScope } from '../processes/process-read.policy';

/** A completed step of an entity, with its assignee's display name. */
export type EarlierStepRow = {
  pid: string;
  service: string;
  design_version: number;
  assignee: string | null;
  assignee_name: string | null;
  ended_at: Date | null;
  form_data: Record<string, unknown> | null;
};

/** A step started by another one (its `previous_pid`), status only. */
export type FollowerRow = {
  pid: string;
  service: string;
  design_version: number;
  state: string;
  terminated_reason: string | null;
  assignee_name: string | null;
  ended_at: Date | null;
};

/** How many earlier steps the task page is given at most (the newest). */
export const EARLIER_STEPS_LIMIT = 50;

/**
 * SQL of what the task page shows beside a task's form: the same entity's completed steps (filtered by the read
 * policy's SQL form), the steps a step started, and the staff a form's operator field may name.
 */
@Injectable()
export class TaskContextRepository {
  constructor(
    private readonly db: DataSource,
    private readonly policy: ProcessReadPolicy,
  ) {}

  /**
   * The completed tasks (terminated `completed`, with a form) of entity `type`/`id` that `scope` may read, except
   * `exceptPid`, newest first, at most {@link EARLIER_STEPS_LIMIT}.
   */
  earlierSteps(type: string, id: string, exceptPid: number, scope: ReadScope): Promise<EarlierStepRow[]> {
    const params: unknown[] = [type, id, exceptPid];
    const visible = this.policy.where(scope, params);
    return this.db.query<EarlierStepRow[]>(
      `SELECT p.pid, p.service, p.design_version, p.assignee, COALESCE(o.label, p.assignee) AS assignee_name,
              p.ended_at, p.form_data
         FROM processes p LEFT JOIN operators o ON o.key = p.assignee
        WHERE p.entity_type = $1 AND p.entity_id = $2 AND p.pid <> $3 AND p.kind = 'task'
          AND p.state = 'TERMINATED' AND p.terminated_reason = 'completed' AND p.form_data IS NOT NULL
          AND ${visible}
        ORDER BY p.ended_at DESC NULLS LAST, p.pid DESC
        LIMIT ${EARLIER_STEPS_LIMIT}`,
      params,
    );
  }

  /** The processes step `pid` started (their `previous_pid`), oldest first (call after the read policy). */
  followers(pid: number): Promise<FollowerRow[]> {
    return this.db.query<FollowerRow[]>(
      `SELECT p.pid, p.service, p.design_version, p.state, p.terminated_reason,
              COALESCE(o.label, p.assignee) AS assignee_name, p.ended_at
         FROM processes p LEFT JOIN operators o ON o.key = p.assignee
        WHERE p.previous_pid = $1
        ORDER BY p.pid
        LIMIT 20`,
      [pid],
    );
  }

  /** Every staff operator (key, display name, roles), by name. */
  staff(): Promise<{ key: string; label: string; roles: string[] }[]> {
    return this.db.query(`SELECT key, label, roles FROM operators WHERE staff ORDER BY label, key`);
  }
}
