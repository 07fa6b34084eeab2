import type { DesignIndex } from '../design/kernel-design';

/** An event trigger as the kernel reads it (the design library's `EventTrigger` satisfies it). */
export type KernelEventTrigger = {
  key: string;
  /** An exact source, `{ device }`, or `*` (any). */
  source: string | { device: string };
  type: string;
  start: string;
  /** The entity the started process serves; `id`/`label` may be `=` FEEL over `event`. */
  entity: { type: string; id: string; label?: string } | null;
  priority?: number;
};

/**
 * An inbound event (the event ring, reference/decks.md §3.3), as the started process's frame holds it in `event`
 * (so rules read `event.type`, `event.payload`): deduplicated by `(source, eventId)`.
 */
export type InboundEvent = {
  source: string;
  eventId: string;
  type: string;
  correlationKey: string | null;
  payload: unknown;
  /** Epoch ms. */
  receivedAt: number;
};

/** The source name of a trigger: `device:<key>` for a device, else as written. */
export const triggerSourceName = (s: KernelEventTrigger['source']): string =>
  typeof s === 'string' ? s : `device:${s.device}`;

/** The triggers an event matches, in design order: same type, and the trigger's source is `*` or the event's. */
export function triggersFor(index: DesignIndex, event: Pick<InboundEvent, 'source' | 'type'>): KernelEventTrigger[] {
  return index.eventTriggers.filter((t) => {
    const source = triggerSourceName(t.source);
    return t.type === event.type && (source === '*' || source === event.source);
  });
}
