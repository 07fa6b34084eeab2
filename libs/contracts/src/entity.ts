import { z } from 'zod';

/**
 * `GET /entities?q=`: one business entity found by a substring of its label or of a value in the form data of
 * one of its processes (a phone number, a name typed into a form).
 */
export const EntitySearchHitSchema = z.object({
  type: z.string(),
  id: z.string(),
  label: z.string(),
  /**
   * Where `q` matched: `field` null for the label, else the form field's key, with the `service` whose form holds
   * it and its `value` (as text). The label match wins when both match.
   */
  match: z.object({
    field: z.string().nullable(),
    service: z.string().nullable(),
    value: z.string(),
  }),
});
export type EntitySearchHit = z.infer<typeof EntitySearchHitSchema>;

/** `GET /entities?q=`: the hits, labels matching first, then by label. */
export const EntitySearchResultSchema = z.object({ items: z.array(EntitySearchHitSchema) });
export type EntitySearchResult = z.infer<typeof EntitySearchResultSchema>;
