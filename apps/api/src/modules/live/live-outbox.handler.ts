import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SlaView } from '@opkernel/contracts';
import type { DesignIndex, ProcessChange, SlaNotice } from '@opkernel/kernel';
import { OutboxRelay, type OutboxMessage } from '../../infra/outbox/outbox-relay.service';
import { DesignRegistry } from '../designs/design-registry.service';
import { OperatorNames } from '../processes/persistence/operator-names';
import { ProcessReadRepository } from '../processes/persistence/process-read.repository';
import { slaDefOf, toSlaView } from '../processes/sla-view';
import { TaskChangedMessage } from './live-events.type';
import { LiveGateway } from './live.gateway';
import { MONITOR_ROOM, operatorRoom, processRoom, roleRoom, roomsForProcessChange } from './rooms';
import { SLA_MILESTONE_TOPIC } from '../processes/persistence/changeset-writer';

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
    private readonly names: OperatorNames,
    private readonly reads: ProcessReadRepository,
  ) {}

  /** Subscribes to `process.changed` (batched) and `task.changed`. */
  onModuleInit(): void {
    this.relay.subscribe(PROCESS_CHANGED_TOPIC, (messages) => this.deliverChanges(messages));
    this.relay.register(TASK_CHANGED_TOPIC, (payload) => this.gateway.deliver(TaskChangedMessage.parse(payload)));
    this.relay.register(SLA_MILESTONE_TOPIC, (payload) =>
      this.deliverMilestone((payload as { notice: SlaNotice }).notice),
    );
  }

  /**
   * An SLA milestone → `sla.milestone` to the monitor, the process's own room and the operators and role holders
   * its `notify` actions named (each recipient filtered by the read policy in the gateway).
   */
  private async deliverMilestone(n: SlaNotice): Promise<void> {
    const index = await this.designs.get(n.designVersion).catch(() => null);
    const names = await this.names.of([n.holder, n.assignee]);
    const name = (key: string | null) => (key === null ? null : (names.get(key) ?? key));
    await this.gateway.deliverMilestone({
      rooms: [processRoom(n.pid), MONITOR_ROOM, ...n.to.operators.map(operatorRoom), ...n.to.roles.map(roleRoom)],
      milestone: {
        pid: n.pid,
        service: n.service,
        serviceLabel: index?.services.get(n.service)?.label ?? n.service,
        sla: n.sla,
        milestone: n.milestone,
        repeat: n.repeat,
        dueAt: new Date(n.dueAt).toISOString(),
        urgencyBefore: n.urgencyBefore,
        urgencyAfter: n.urgencyAfter,
        holder: n.holder,
        holderName: name(n.holder),
        assignee: n.assignee,
        assigneeName: name(n.assignee),
        actions: n.actions,
        at: n.at,
      },
      facts: {
        pid: n.pid,
        kind: n.kind,
        service: n.service,
        assignee: n.assignee,
        candidateRoles: n.candidateRoles,
        creator: n.creator,
        designVersion: n.designVersion,
        entity: n.entity,
      },
    });
  }

  private async deliverChanges(messages: OutboxMessage[]): Promise<void> {
    const changes = messages.map((m) => (m.payload as { change: ProcessChange }).change);
    const labels = await this.entityLabels(changes);
    const names = await this.names.of(changes.map((c) => c.assignee));
    const indexes = new Map<number, DesignIndex | null>();
    for (const c of changes)
      if (!indexes.has(c.designVersion))
        indexes.set(c.designVersion, await this.designs.get(c.designVersion).catch(() => null));
    const slas = await this.slaViews(changes, indexes);
    for (const c of changes) {
      const index = indexes.get(c.designVersion) ?? null;
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
          assigneeName: c.assignee === null ? null : (names.get(c.assignee) ?? c.assignee),
          candidateRoles: c.candidateRoles,
          entity: c.entity ? { ...c.entity, label: labels.get(`${c.entity.type}\u0000${c.entity.id}`) ?? null } : null,
          kind: c.kind,
          priority: c.priority,
          scheduledAt: iso(c.scheduledAt),
          deadline: iso(c.deadline),
          urgency: c.urgency ?? 0,
          waitReason: c.waitReason ?? null,
          waitUntil: iso(c.waitUntil ?? null),
          sla: slas.get(c.pid) ?? null,
          at: c.at,
        },
        audience: { designVersion: c.designVersion, creator: c.creator },
      });
    }
  }

  /**
   * The SLA clocks (as views) of the changes whose service has an SLA in its design, by pid: one read for the
   * batch, none when no such service changed (most designs have no SLAs).
   */
  private async slaViews(
    changes: ProcessChange[],
    indexes: Map<number, DesignIndex | null>,
  ): Promise<Map<number, SlaView>> {
    const defs = new Map<number, ReturnType<typeof slaDefOf>>();
    for (const c of changes) {
      const index = indexes.get(c.designVersion);
      const def = index ? slaDefOf(index, c.service) : undefined;
      if (def) defs.set(c.pid, def);
    }
    const views = new Map<number, SlaView>();
    if (defs.size === 0) return views;
    for (const [pid, clock] of await this.reads.slaClocks([...defs.keys()]))
      views.set(pid, toSlaView(clock, defs.get(pid)));
    return views;
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
