import { z } from 'zod';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';

/** socket.io namespace of the live channel. */
export const LIVE_NAMESPACE = '/live';

/**
 * A task (process) changed; sent after the change committed, at least once. Clients dedupe by
 * `(pid, version)` and ignore versions older than the one they hold. Times are epoch ms.
 */
export type LiveTaskChange = {
  pid: number;
  version: number;
  service: string;
  /** The service's label in the process's design version (e.g. 新预约). */
  serviceLabel: string;
  state: string;
  fromState: string | null;
  assignee: string | null;
  candidateRoles: string[];
  entity: { type: string; id: string; label: string | null } | null;
  kind: string;
  priority: number;
  /** ISO-8601 or null. */
  scheduledAt: string | null;
  /** ISO-8601 or null. */
  deadline: string | null;
  at: number;
};

export const LiveTaskChangeSchema = z.object({
  pid: z.number().int(),
  version: z.number().int(),
  service: z.string(),
  serviceLabel: z.string(),
  state: z.string(),
  fromState: z.string().nullable(),
  assignee: z.string().nullable(),
  candidateRoles: z.array(z.string()),
  entity: z.object({ type: z.string(), id: z.string(), label: z.string().nullable() }).nullable(),
  kind: z.string(),
  priority: z.number().int(),
  scheduledAt: z.string().nullable(),
  deadline: z.string().nullable(),
  at: z.number(),
}) satisfies z.ZodType<LiveTaskChange>;

/** Payload of an outbox row with topic `task.changed` (written by the process services). */
export const TaskChangedMessage = z.object({ rooms: z.array(z.string().min(1)), change: LiveTaskChangeSchema });
export type TaskChangedMessage = z.infer<typeof TaskChangedMessage>;

/** Answer to `subscribe` / `unsubscribe`. */
export type LiveAck = { ok: boolean; error?: string };

/** Events the server sends. */
export type ServerToClientEvents = {
  'task.changed': (change: LiveTaskChange) => void;
  exception: (problem: { status: number; title: string; detail?: string }) => void;
};

/** Events clients send (with an acknowledgement callback). */
export type ClientToServerEvents = {
  subscribe: (request: { room: string }, ack: (answer: LiveAck) => void) => void;
  unsubscribe: (request: { room: string }, ack: (answer: LiveAck) => void) => void;
};

/** What the gateway keeps on each socket. */
export type LiveSocketData = { operator: AuthenticatedOperator };

/** Server → client event names with their payload type. */
export type LiveEventName = keyof ServerToClientEvents;
export type LiveEventPayload<E extends LiveEventName> = Parameters<ServerToClientEvents[E]>[0];
