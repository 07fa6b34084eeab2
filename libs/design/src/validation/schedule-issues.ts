import type { DesignIssue } from './design-issue';

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Elements of `list` that are objects, with their index; tolerant of any input shape. */
function objects(list: unknown): Array<{ el: Obj; index: number }> {
  if (!Array.isArray(list)) return [];
  return list.flatMap((el, index) => (isObj(el) ? [{ el, index }] : []));
}

function label(el: Obj): string {
  return typeof el.key === 'string' ? JSON.stringify(el.key) : '(no key)';
}

/**
 * The references of the design's schedules, read from the raw document: `start` must name a service that is not a
 * program (a program has no run of its own to start), and `entity.type` an entity type when the design has any.
 * Both are `unknown_reference` issues at `schedules[i].start` / `schedules[i].entity.type`.
 */
export function scheduleIssues(doc: Obj): DesignIssue[] {
  const kinds = new Map<string, unknown>();
  for (const { el } of objects(doc.services)) if (typeof el.key === 'string') kinds.set(el.key, el.kind);
  const entityTypes = new Set(objects(doc.entityTypes).map(({ el }) => el.key));
  const issues: DesignIssue[] = [];
  for (const { el, index } of objects(doc.schedules)) {
    if (typeof el.start === 'string' && (!kinds.has(el.start) || kinds.get(el.start) === 'program'))
      issues.push({
        path: `schedules[${index}].start`,
        code: 'unknown_reference',
        message: kinds.has(el.start)
          ? `schedule ${label(el)}: start names program ${JSON.stringify(el.start)}; a schedule starts a service of it`
          : `schedule ${label(el)}: start names no service ${JSON.stringify(el.start)}`,
      });
    const type = isObj(el.entity) ? el.entity.type : undefined;
    if (typeof type === 'string' && entityTypes.size > 0 && !entityTypes.has(type))
      issues.push({
        path: `schedules[${index}].entity.type`,
        code: 'unknown_reference',
        message: `schedule ${label(el)}: entity type ${JSON.stringify(type)} is not defined in entityTypes`,
      });
  }
  return issues;
}
