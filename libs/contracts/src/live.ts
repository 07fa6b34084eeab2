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
  candidateRoles: string[];
  entity: { type: string; id: string; label: string | null } | null;
  /** `task` | `program` | `system`. */
  kind: string;
  priority: number;
  /** ISO-8601 or null. */
  scheduledAt: string | null;
  /** ISO-8601 or null. */
  deadline: string | null;
  /** Epoch ms of the change. */
  at: number;
};
