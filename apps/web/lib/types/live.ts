/** Socket.io `task.changed` payload (apps/api live-events.type.ts). */
export type LiveTaskChange = {
  pid: number;
  version: number;
  service: string;
  serviceLabel: string;
  state: string;
  fromState: string | null;
  assignee: string | null;
  candidateRoles: string[];
  entity: { type: string; id: string; label: string | null } | null;
  kind: string;
  priority: number;
  scheduledAt: string | null;
  deadline: string | null;
  /** Epoch ms. */
  at: number;
};

/** Connection state of the live channel. */
export type LiveState = 'idle' | 'connecting' | 'connected' | 'disconnected';
