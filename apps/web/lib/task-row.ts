import type { LiveTaskChange } from './types/live';
import type { EntityRef, ProcessState, ProcessView, SlaView } from './types/process';

/** What a task list shows of a process: everything comes from REST or from a live `task.changed`. */
export type TaskRow = {
  pid: number;
  version: number;
  service: string;
  serviceLabel: string;
  state: ProcessState;
  assignee: string | null;
  /** The assignee's display name (null when unassigned). */
  assigneeName: string | null;
  candidateRoles: string[];
  entity: EntityRef | null;
  kind: string;
  priority: number;
  /** SLA urgency 0–100, added to priority by the scheduler. */
  urgency: number;
  scheduledAt: string | null;
  deadline: string | null;
  /** Why it waits (`resource:room busy`), or null. */
  waitReason: string | null;
  /** When a resource wait is retried (ISO-8601), or null. */
  waitUntil: string | null;
  /** Its SLA clock, null when its service has none. */
  sla: SlaView | null;
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
    assigneeName: p.assigneeName ?? null,
    candidateRoles: p.candidateRoles,
    entity: p.entity,
    kind: p.kind,
    priority: p.priority,
    urgency: p.urgency ?? 0,
    scheduledAt: p.scheduledAt,
    deadline: p.deadline,
    waitReason: p.waitReason ?? null,
    waitUntil: p.waitUntil ?? null,
    sla: p.sla ?? null,
  };
}

/**
 * A row from a live change; keeps the entity label already shown when the change carries none (and the
 * assignee's name when the change names the same assignee without one).
 */
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
    assigneeName:
      c.assigneeName ?? (c.assignee !== null && previous?.assignee === c.assignee ? previous.assigneeName : null),
    candidateRoles: c.candidateRoles,
    entity,
    kind: c.kind,
    priority: c.priority,
    urgency: c.urgency ?? 0,
    scheduledAt: c.scheduledAt,
    deadline: c.deadline,
    waitReason: c.waitReason ?? null,
    waitUntil: c.waitUntil ?? null,
    sla: c.sla ?? null,
  };
}
