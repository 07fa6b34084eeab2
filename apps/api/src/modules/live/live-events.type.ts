import { SlaViewSchema, type LiveSlaMilestone, type LiveTaskChange } from '@opkernel/contracts';
import { z } from 'zod';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import type { ReadScope } from '../processes/process-read.policy';

/** socket.io namespace of the live channel. */
export const LIVE_NAMESPACE = '/live';

/** The `task.changed` payload: the wire contract shared with the web app (`@opkernel/contracts`). */
export type { LiveSlaMilestone, LiveTaskChange };

export const LiveTaskChangeSchema = z.object({
  pid: z.number().int(),
  version: z.number().int(),
  service: z.string(),
  serviceLabel: z.string(),
  state: z.string(),
  fromState: z.string().nullable(),
  assignee: z.string().nullable(),
  // Defaults: ready-made messages written before these fields existed still parse.
  assigneeName: z.string().nullable().default(null),
  candidateRoles: z.array(z.string()),
  entity: z.object({ type: z.string(), id: z.string(), label: z.string().nullable() }).nullable(),
  kind: z.string(),
  priority: z.number().int(),
  scheduledAt: z.string().nullable(),
  deadline: z.string().nullable(),
  urgency: z.number().int().default(0),
  waitReason: z.string().nullable().default(null),
  waitUntil: z.string().nullable().default(null),
  sla: SlaViewSchema.nullable().default(null),
  at: z.number(),
}) satisfies z.ZodType<LiveTaskChange, unknown>;

/** What the read policy needs of a changed process beyond the change itself (never sent to clients). */
export const ChangeAudience = z.object({ designVersion: z.number().int(), creator: z.string().nullable() });

/**
 * Payload of an outbox row with topic `task.changed` (written by the changeset writer): the rooms, the change as
 * clients get it, and the audience facts the per-recipient read check uses.
 */
export const TaskChangedMessage = z.object({
  rooms: z.array(z.string().min(1)),
  change: LiveTaskChangeSchema,
  /** Absent in rows written before it existed: then only assignee, pool and program grants apply. */
  audience: ChangeAudience.default({ designVersion: 0, creator: null }),
});
export type TaskChangedMessage = z.infer<typeof TaskChangedMessage>;

/**
 * An `sla.milestone` message on its way to sockets: the rooms, the milestone as clients get it, and the read
 * check's facts (never sent).
 */
export type SlaMilestoneMessage = {
  rooms: string[];
  milestone: LiveSlaMilestone;
  facts: {
    pid: number;
    kind: string;
    service: string;
    assignee: string | null;
    candidateRoles: string[];
    creator: string | null;
    designVersion: number;
    entity: { type: string; id: string } | null;
  };
};

/** Answer to `subscribe` / `unsubscribe`. */
export type LiveAck = { ok: boolean; error?: string };

/** Events the server sends. */
export type ServerToClientEvents = {
  'task.changed': (change: LiveTaskChange) => void;
  'sla.milestone': (milestone: LiveSlaMilestone) => void;
  exception: (problem: { status: number; title: string; detail?: string }) => void;
};

/** Events clients send (with an acknowledgement callback). */
export type ClientToServerEvents = {
  subscribe: (request: { room: string }, ack: (answer: LiveAck) => void) => void;
  unsubscribe: (request: { room: string }, ack: (answer: LiveAck) => void) => void;
};

/** What the gateway keeps on each socket. */
export type LiveSocketData = {
  operator: AuthenticatedOperator;
  /** Token version of the access token the socket connected with (0 for API tokens). */
  tokenVersion: number;
  /** Expiry of that access token, epoch ms; null for an API token (checked on every subscribe instead). */
  expiresAt: number | null;
  /** The integrator API token, when the socket authenticated with one. */
  apiToken?: string;
  /** The read scope of the operator (null: a customer, who reads no process), resolved on connect and reload. */
  scope: ReadScope | null;
};

/** Server → client event names with their payload type. */
export type LiveEventName = keyof ServerToClientEvents;
export type LiveEventPayload<E extends LiveEventName> = Parameters<ServerToClientEvents[E]>[0];
