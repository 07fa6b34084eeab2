import type { SlaView } from './process';

/**
 * socket.io `/live` → client event `task.changed`: one process as it is after a committed change — everything a
 * task list shows, so clients can insert, move or remove the row without reading it back. Delivery is at least
 * once: dedupe by `(pid, version)`.
 */
export type LiveTaskChange = {
  pid: number;
  version: number;
  service: string;
  /** The service's label in the process's design version (e.g. 新预约). */
  serviceLabel: string;
  state: string;
  /** State before the change; null when the change created the process. */
  fromState: string | null;
  assignee: string | null;
  /** The assignee's display name (operator label), null when unassigned. */
  assigneeName: string | null;
  candidateRoles: string[];
  entity: { type: string; id: string; label: string | null } | null;
  /** `task` | `program` | `system`. */
  kind: string;
  priority: number;
  /** ISO-8601 or null. */
  scheduledAt: string | null;
  /** ISO-8601 or null. */
  deadline: string | null;
  /** SLA urgency, 0–100 (added to priority in the scheduler's ordering). */
  urgency: number;
  /** Why it waits (e.g. `resource:room busy`), or null. */
  waitReason: string | null;
  /** When a resource wait is retried: ISO-8601 or null. */
  waitUntil: string | null;
  /** Its SLA clock after the change, null when its service has none (same shape as the process view's `sla`). */
  sla: SlaView | null;
  /** Epoch ms of the change. */
  at: number;
};

/**
 * socket.io `/live` → client event `sla.milestone`: an SLA milestone of a process fell due (goal, deadline, or a
 * repeated passed deadline) — sent after the commit that audited it to the monitor, and to the people the SLA's
 * `notify` actions name (the holder, operators, role holders), each only if they may read the process. `actions` are what the SLA did: `raise_urgency`, `reassign` (the
 * task went back to its pool or to another operator), `relax_skills` (its additional skills dropped), `notify`
 * (this message is the notification; without it only the monitor gets the message).
 */
export type LiveSlaMilestone = {
  pid: number;
  service: string;
  serviceLabel: string;
  sla: string;
  milestone: 'goal' | 'deadline' | 'passed';
  /** 1-based repeat of a passed deadline (0 for goal and deadline). */
  repeat: number;
  /** When the milestone fell due: ISO-8601. */
  dueAt: string;
  urgencyBefore: number;
  urgencyAfter: number;
  /** Who had it when the milestone fell due (null: in the pool), and their name. */
  holder: string | null;
  holderName: string | null;
  /** Who has it after the milestone's actions (a `reassign` may have moved it), and their name. */
  assignee: string | null;
  assigneeName: string | null;
  actions: string[];
  /** Epoch ms the milestone fired (its timer ran; `dueAt` is when it fell due). Delivered at least once. */
  at: number;
};
