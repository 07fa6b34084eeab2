import { canonicalJson, type DesignDocument } from '@opkernel/design';

/** The keyed collections of a design document that an import can add to, change or remove from. */
export const DESIGN_COLLECTIONS = [
  'services',
  'events',
  'instructions',
  'rules',
  'roles',
  'operators',
  'entityTypes',
  'workOrders',
  'resourceTypes',
  'resources',
  'skills',
  'calendars',
  'slas',
  'decks',
  'eventTriggers',
  'devices',
  'schedules',
] as const;
export type DesignCollection = (typeof DESIGN_COLLECTIONS)[number];

/** What an import does to one collection: keys added, changed (content differs) and removed. */
export type CollectionDiff = { added: string[]; changed: string[]; removed: string[] };

/** What an import does to the current design, per collection (collections it leaves alone are omitted). */
export type DesignDiff = Partial<Record<DesignCollection, CollectionDiff>>;

/**
 * Compares two design documents collection by collection, matching elements by `key` (RFC 8785 canonical JSON
 * decides "changed"). `before` null = an empty design.
 * @returns only the collections with a difference, keys sorted.
 */
export function diffDesigns(before: DesignDocument | null, after: DesignDocument): DesignDiff {
  const out: DesignDiff = {};
  for (const name of DESIGN_COLLECTIONS) {
    const index = (doc: DesignDocument | null) =>
      new Map(((doc?.[name] ?? []) as { key: string }[]).map((e) => [e.key, canonicalJson(e)]));
    const was = index(before);
    const now = index(after);
    const added = [...now.keys()].filter((k) => !was.has(k)).sort();
    const removed = [...was.keys()].filter((k) => !now.has(k)).sort();
    const changed = [...now.keys()].filter((k) => was.has(k) && was.get(k) !== now.get(k)).sort();
    if (added.length || changed.length || removed.length) out[name] = { added, changed, removed };
  }
  return out;
}
