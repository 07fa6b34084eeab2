import { DESIGN_SCHEMA_VERSION, DesignDocument, SchedulerSettings } from '../model';

/** Options of {@link mergeDesigns}. */
export type MergeDesignsOptions = {
  /** When true, the result's rules are exactly `incoming.rules` (a whole rule set replaces the old one). */
  replaceRules?: boolean;
};

/**
 * Deep-copy `current` and upsert the elements of `incoming` by key: an existing key is replaced in place,
 * a new key is appended. Duplicate keys in `incoming`: the last one wins, at the first one's position.
 */
function upsert<T extends { key: string }>(current: readonly T[] | undefined, incoming: readonly T[] | undefined): T[] {
  // `undefined`: a document stored before the collection existed (design_versions keeps documents as written).
  const out = (current ?? []).map((el) => structuredClone(el));
  const position = new Map<string, number>();
  out.forEach((el, i) => {
    if (!position.has(el.key)) position.set(el.key, i);
  });
  for (const el of incoming ?? []) {
    const copy = structuredClone(el);
    const at = position.get(el.key);
    if (at === undefined) {
      position.set(el.key, out.length);
      out.push(copy);
    } else out[at] = copy;
  }
  return out;
}

/**
 * Merge an incoming design into the current one. Every array (services, events, instructions, rules,
 * roles, operators, resourceTypes, resources, entityTypes, workOrders, skills, calendars, slas, decks, eventTriggers, devices, schedules) is upserted by
 * `key`: an element of `incoming` replaces the current element with the same key as a whole (incoming wins),
 * elements with new keys are appended after the current ones in incoming order, and keys only in `current` are
 * kept. The `name` and the `scheduler` settings are incoming's (a parsed document always has settings: omitted
 * ones are the defaults). With `replaceRules`, the rules are incoming's only. A `current` stored before the
 * scheduler's sections or the decks existed (arrays absent) merges as if they were empty. A service's
 * `automation` is part of the service and is replaced with it.
 *
 * The result is a fresh deep copy and deterministic: merging the same incoming twice gives a document
 * with the same {@link designHash} as merging it once. It is not validated: a merge can leave dangling
 * references (e.g. a kept rule naming a service that incoming renamed); run `validateDesign` on it.
 *
 * @param current the design in force, or null for none.
 * @param incoming the design being imported.
 * @param options `{ replaceRules?: boolean }`.
 * @returns the merged design.
 */
export function mergeDesigns(
  current: DesignDocument | null,
  incoming: DesignDocument,
  options: MergeDesignsOptions = {},
): DesignDocument {
  const base: DesignDocument = current ?? {
    schemaVersion: DESIGN_SCHEMA_VERSION,
    name: incoming.name,
    services: [],
    events: [],
    instructions: [],
    rules: [],
    roles: [],
    operators: [],
    resourceTypes: [],
    resources: [],
    entityTypes: [],
    workOrders: [],
    skills: [],
    calendars: [],
    slas: [],
    decks: [],
    eventTriggers: [],
    devices: [],
    schedules: [],
    scheduler: SchedulerSettings.parse({}),
  };
  return {
    schemaVersion: DESIGN_SCHEMA_VERSION,
    name: incoming.name,
    services: upsert(base.services, incoming.services),
    events: upsert(base.events, incoming.events),
    instructions: upsert(base.instructions, incoming.instructions),
    rules: options.replaceRules ? upsert([], incoming.rules) : upsert(base.rules, incoming.rules),
    roles: upsert(base.roles, incoming.roles),
    operators: upsert(base.operators, incoming.operators),
    resourceTypes: upsert(base.resourceTypes, incoming.resourceTypes),
    resources: upsert(base.resources, incoming.resources),
    entityTypes: upsert(base.entityTypes, incoming.entityTypes),
    workOrders: upsert(base.workOrders, incoming.workOrders),
    skills: upsert(base.skills, incoming.skills),
    calendars: upsert(base.calendars, incoming.calendars),
    slas: upsert(base.slas, incoming.slas),
    decks: upsert(base.decks, incoming.decks),
    eventTriggers: upsert(base.eventTriggers, incoming.eventTriggers),
    devices: upsert(base.devices, incoming.devices),
    schedules: upsert(base.schedules, incoming.schedules),
    scheduler: structuredClone(incoming.scheduler ?? SchedulerSettings.parse({})),
  };
}
