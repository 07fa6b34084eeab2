import type { LiveTaskChange } from './types/live';
import type { EntityRef, ProcessState, ProcessView } from './types/process';

/** What a task list shows of a process: everything comes from REST or from a live `task.changed`. */
export type TaskRow = {
  pid: number;
  version: number;
  service: string;
  serviceLabel: string;
  state: ProcessState;
  assignee: string | null;
  candidateRoles: string[];
  entity: EntityRef | null;
  kind: string;
  priority: number;
  scheduledAt: string | null;
  deadline: string | null;
};

/** A row from a REST process view. */
export function rowFromView(p: ProcessView): TaskRow {
  return {
    pid: p.pid,
    version: p.version,
    service: p.service,
    serviceLabel: p.serviceLabel,
    state: p.state,
    assignee: p.assignee,
    candidateRoles: p.candidateRoles,
    entity: p.entity,
    kind: p.kind,
    priority: p.priority,
    scheduledAt: p.scheduledAt,
    deadline: p.deadline,
  };
}

/** A row from a live change; keeps the entity label already shown when the change carries none. */
export function rowFromChange(c: LiveTaskChange, previous?: TaskRow): TaskRow {
  const entity = c.entity
    ? { type: c.entity.type, id: c.entity.id, label: c.entity.label ?? previous?.entity?.label ?? null }
    : null;
  return {
    pid: c.pid,
    version: c.version,
    service: c.service,
    serviceLabel: c.serviceLabel,
    state: c.state as ProcessState,
    assignee: c.assignee,
    candidateRoles: c.candidateRoles,
    entity,
    kind: c.kind,
    priority: c.priority,
    scheduledAt: c.scheduledAt,
    deadline: c.deadline,
  };
}
