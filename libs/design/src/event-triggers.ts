import { z } from 'zod';
import { Key } from './key';

/**
 * Where an event comes from: an exact source name (`lab-1`, an integration's name), `{ device }` for a device
 * (reference/decks.md §3.3), or `*` for any source.
 */
export const EventSource = z.union([z.string().min(1).max(200), z.object({ device: Key }).strict()]);
export type EventSource = z.infer<typeof EventSource>;

/**
 * An event trigger: an inbound event of `type` from `source` starts service `start` (reference/decks.md §3.3),
 * with the event in the new process's frame (`event.type`, `event.payload`, `event.source`, …). `entity` names the
 * business entity the process serves; its `id` (and `label`) may be FEEL over `event` (`=event.payload.sample`).
 */
export const EventTrigger = z
  .object({
    key: Key,
    label: z.string().min(1).optional(),
    source: EventSource.default('*'),
    type: z.string().min(1).max(200),
    start: Key,
    entity: z
      .object({ type: Key, id: z.string().min(1), label: z.string().min(1).optional() })
      .strict()
      .nullable()
      .default(null),
    /** 0–1000; default: the service's default priority. */
    priority: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
export type EventTrigger = z.infer<typeof EventTrigger>;

/** The source name a trigger listens to (`device:<key>` for a device, `*` for any). */
export const triggerSource = (s: EventSource): string => (typeof s === 'string' ? s : `device:${s.device}`);
