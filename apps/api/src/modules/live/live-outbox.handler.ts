import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ProcessChange } from '@opkernel/kernel';
import { OutboxRelay, type OutboxMessage } from '../../infra/outbox/outbox-relay.service';
import { DesignRegistry } from '../designs/design-registry.service';
import { TaskChangedMessage } from './live-events.type';
import { LiveGateway } from './live.gateway';
import { roomsForProcessChange } from './rooms';

/** Outbox topic of a ready-made live message; payload {@link TaskChangedMessage} `{ rooms, change, audience }`. */
export const TASK_CHANGED_TOPIC = 'task.changed';
/** Outbox topic the kernel's changesets publish: payload `{ change }`, the kernel's `ProcessChange`. */
export const PROCESS_CHANGED_TOPIC = 'process.changed';

/** How long an entity's label is reused for live messages, ms. */
export const ENTITY_LABEL_CACHE_MS = 30_000;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Feeds the live channel from the outbox: every `process.changed` message (written with a command's rows) becomes
 * a {@link TaskChangedMessage} — its rooms, the change as clients get it with the service label (from the design
 * registry) and the entity label (one query per batch), and the audience facts the per-recipient read check
 * uses — delivered through {@link LiveGateway}. Ready-made `task.changed` messages are delivered as they are.
 */
@Injectable()
export class LiveOutboxHandler implements OnModuleInit {
  private readonly labelCache = new Map<string, { label: string | null; until: number }>();

  constructor(
    private readonly relay: OutboxRelay,
    private readonly gateway: LiveGateway,
    private readonly designs: DesignRegistry,
    private readonly db: DataSource,
  ) {}

  /** Subscribes to `process.changed` (batched) and `task.changed`. */
  onModuleInit(): void {
    this.relay.subscribe(PROCESS_CHANGED_TOPIC, (messages) => this.deliverChanges(messages));
    this.relay.register(TASK_CHANGED_TOPIC, (payload) => this.gateway.deliver(TaskChangedMessage.parse(payload)));
  }

  private async deliverChanges(messages: OutboxMessage[]): Promise<void> {
    const changes = messages.map((m) => (m.payload as { change: ProcessChange }).change);
    const labels = await this.entityLabels(changes);
    for (const c of changes) {
      const index = await this.designs.get(c.designVersion).catch(() => null);
      await this.gateway.deliver({
        rooms: roomsForProcessChange(c),
        change: {
          pid: c.pid,
          version: c.version,
          service: c.service,
          serviceLabel: index?.services.get(c.service)?.label ?? c.service,
          state: c.state,
          fromState: c.fromState,
          assignee: c.assignee,
          candidateRoles: c.candidateRoles,
          entity: c.entity ? { ...c.entity, label: labels.get(`${c.entity.type}\u0000${c.entity.id}`) ?? null } : null,
          kind: c.kind,
          priority: c.priority,
          scheduledAt: iso(c.scheduledAt),
          deadline: iso(c.deadline),
          at: c.at,
        },
        audience: { designVersion: c.designVersion, creator: c.creator },
      });
    }
  }

  /**
   * Labels of the changes' entities, by `type\0id`: those not seen in the last {@link ENTITY_LABEL_CACHE_MS} ms in
   * one query (labels change only when a design import renames an operator).
   */
  private async entityLabels(changes: ProcessChange[], now = Date.now()): Promise<Map<string, string | null>> {
    const labels = new Map<string, string | null>();
    const missing = new Map<string, { type: string; id: string }>();
    for (const c of changes) {
      if (!c.entity) continue;
      const key = `${c.entity.type}\u0000${c.entity.id}`;
      const hit = this.labelCache.get(key);
      if (hit && hit.until > now) labels.set(key, hit.label);
      else missing.set(key, c.entity);
    }
    if (missing.size === 0) return labels;
    const refs = [...missing.values()];
    const rows = await this.db.query<{ type: string; id: string; label: string }[]>(
      'SELECT type, id, label FROM entities WHERE (type, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))',
      [refs.map((r) => r.type), refs.map((r) => r.id)],
    );
    const found = new Map(rows.map((r) => [`${r.type}\u0000${r.id}`, r.label]));
    if (this.labelCache.size > 10_000) this.labelCache.clear();
    for (const key of missing.keys()) {
      const label = found.get(key) ?? null;
      labels.set(key, label);
      this.labelCache.set(key, { label, until: now + ENTITY_LABEL_CACHE_MS });
    }
    return labels;
  }
}
