import { Injectable } from '@nestjs/common';
import type { EventAnswer, EventView, PostEventBody } from '@opkernel/contracts';
import { triggersFor, type EntityRef, type InboundEvent, type KernelEventTrigger } from '@opkernel/kernel';
import { FeelEvaluator } from '../../infra/expressions/feel-evaluator.service';
import { ProblemException } from '../../infra/problem/problem.exception';
import { actorOf, type AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { DesignRegistry } from '../designs/design-registry.service';
import type { PgProcessStore } from '../processes/persistence/pg-process-store';
import { ProcessCommands } from '../processes/process-commands.service';
import { InboundEventsRepository, type EventRow } from './inbound-events.repository';

const view = (r: EventRow): EventView => ({
  source: r.source,
  eventId: r.event_id,
  type: r.type,
  correlationKey: r.correlation_key,
  payload: r.payload,
  receivedAt: r.received_at.toISOString(),
  receivedBy: r.received_by,
  started: r.started,
});

/**
 * The event ring (reference/decks.md §3.3): `POST /events` stores each `(source, eventId)` once and starts the
 * services whose event triggers match (type, and source or `*`), each trigger once — in the start's own transaction
 * a row in `event_starts` claims it, so a redelivered event (or a retry after a crash between two starts) starts
 * only what has not been started. The started process has the event in its frame (`event.type`, `event.payload`,
 * …) and serves the trigger's entity (`id`/`label` may be FEEL over `event`; created when missing). Events that
 * start nothing are kept and listed as unmatched.
 */
@Injectable()
export class EventsService {
  constructor(
    private readonly events: InboundEventsRepository,
    private readonly commands: ProcessCommands,
    private readonly designs: DesignRegistry,
    private readonly evaluator: FeelEvaluator,
  ) {}

  /** @throws ProblemException 409 (no design yet), 422 (a trigger's entity expression fails, naming the trigger) */
  async ingest(body: PostEventBody, operator: AuthenticatedOperator): Promise<EventAnswer> {
    const current = await this.designs.current();
    if (!current) throw ProblemException.conflict('no design has been imported yet');
    const fresh = await this.events.receive(body, operator.key);
    // A redelivery is judged by the event as first received (its type and payload), not by the new body.
    const stored = fresh ? null : await this.events.one(body.source, body.eventId);
    const event: InboundEvent = {
      source: body.source,
      eventId: body.eventId,
      type: stored?.type ?? body.type,
      correlationKey: stored ? stored.correlation_key : (body.correlationKey ?? null),
      payload: stored ? stored.payload : body.payload,
      receivedAt: stored ? stored.received_at.getTime() : Date.now(),
    };
    const failed: { trigger: string; message: string }[] = [];
    for (const trigger of triggersFor(current.index, event)) {
      // One trigger that cannot start (its entity expression gives nothing) does not stop the others.
      await this.startTriggered(trigger, event, current.version.version, operator).catch((e: unknown) => {
        if (!(e instanceof ProblemException) || e.status !== 422) throw e;
        failed.push({ trigger: trigger.key, message: e.message });
      });
    }
    const row = (await this.events.one(event.source, event.eventId))!;
    return {
      source: event.source,
      eventId: event.eventId,
      duplicate: !fresh,
      started: row.started,
      unmatched: row.started.length === 0 && failed.length === 0,
      failed,
    };
  }

  /** Starts one trigger's service for an event, once (its `event_starts` row is claimed in the same transaction). */
  private async startTriggered(
    trigger: KernelEventTrigger,
    event: InboundEvent,
    designVersion: number,
    operator: AuthenticatedOperator,
  ): Promise<void> {
    await this.commands.execute(async (kernel, tx, store) => {
      if (!(await this.events.claimStart(tx, event.source, event.eventId, trigger.key))) return null;
      const cs = await kernel.startProcess({
        service: trigger.start,
        designVersion,
        entity: await this.entityOf(store, trigger, event),
        priority: trigger.priority,
        vars: { event },
        trigger: { key: trigger.key, source: event.source, eventId: event.eventId },
        actor: actorOf(operator),
      });
      await this.events.started(tx, event.source, event.eventId, trigger.key, cs.result.pid);
      return cs;
    });
  }

  /** The entity a trigger names for an event (created when missing), or null. */
  private async entityOf(
    store: PgProcessStore,
    trigger: KernelEventTrigger,
    event: InboundEvent,
  ): Promise<EntityRef | null> {
    if (!trigger.entity) return null;
    const value = async (text: string, field: string): Promise<string> => {
      if (!text.startsWith('=')) return text;
      const r = await this.evaluator.evaluate(text.slice(1), { event });
      if (r.error || r.value === null || r.value === undefined)
        throw ProblemException.unprocessable(`event trigger "${trigger.key}": entity ${field} gave no value`, [
          { field: 'payload', message: `entity ${field} of trigger ${trigger.key}: ${r.error ?? 'null'}` },
        ]);
      return String(r.value);
    };
    const ref = { type: trigger.entity.type, id: await value(trigger.entity.id, 'id') };
    if (!(await store.entity(ref))) {
      const label = trigger.entity.label ? await value(trigger.entity.label, 'label') : ref.id;
      await store.createEntity({ ...ref, label, attributes: {} });
    }
    return ref;
  }

  /** Received events, newest first. */
  async list(limit: number, unmatched: boolean): Promise<EventView[]> {
    return (await this.events.list(limit, unmatched)).map(view);
  }
}
