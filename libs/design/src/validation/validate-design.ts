import { checkFeelExpression } from '../feel/check-expression';
import { BUILTIN_CALENDAR_KEY, DesignDocument } from '../model';
import { automationIssues } from './automation-issues';
import { scheduleIssues } from './schedule-issues';
import { type DesignIssue, formatIssuePath } from './design-issue';

/** Result of {@link validateDesign}. */
export type DesignValidationResult = { ok: true; design: DesignDocument } | { ok: false; issues: DesignIssue[] };

/** Instructions whose sys_call starts or calls another service: their rules must name an operand (§3.5). */
export const SYS_CALLS_NEEDING_OPERAND: ReadonlySet<string> = new Set([
  'start_service',
  'call_sub_service',
  'start_iteration_service',
  'start_parallel_service',
]);

const COLLECTIONS = [
  'services',
  'events',
  'instructions',
  'rules',
  'roles',
  'operators',
  'resourceTypes',
  'resources',
  'entityTypes',
  'workOrders',
  'skills',
  'calendars',
  'slas',
  'decks',
  'eventTriggers',
  'devices',
  'schedules',
] as const;
type Collection = (typeof COLLECTIONS)[number];

const NOUN: Record<Collection, string> = {
  services: 'service',
  events: 'event',
  instructions: 'instruction',
  rules: 'rule',
  roles: 'role',
  operators: 'operator',
  resourceTypes: 'resource type',
  resources: 'resource',
  entityTypes: 'entity type',
  workOrders: 'work order',
  skills: 'skill',
  calendars: 'calendar',
  slas: 'SLA',
  decks: 'deck',
  eventTriggers: 'event trigger',
  devices: 'device',
  schedules: 'schedule',
};

/** The milestones of an SLA, each with its list of actions. */
const SLA_MILESTONES = ['goal', 'deadline', 'passed'] as const;

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Elements of `doc[field]` that are objects, with their index; tolerant of any input shape. */
function elements(doc: Obj, field: string): Array<{ el: Obj; index: number }> {
  const list = doc[field];
  if (!Array.isArray(list)) return [];
  return list.flatMap((el, index) => (isObj(el) ? [{ el, index }] : []));
}

function label(el: Obj): string {
  return typeof el.key === 'string' ? JSON.stringify(el.key) : '(no key)';
}

function semanticIssues(doc: Obj): DesignIssue[] {
  const issues: DesignIssue[] = [];
  const keys = {} as Record<Collection, Set<string>>;

  for (const collection of COLLECTIONS) {
    const seen = new Map<string, number>();
    for (const { el, index } of elements(doc, collection)) {
      if (typeof el.key !== 'string') continue;
      const first = seen.get(el.key);
      if (first === undefined) seen.set(el.key, index);
      else {
        issues.push({
          path: `${collection}[${index}].key`,
          code: 'duplicate_key',
          message: `duplicate ${NOUN[collection]} key ${JSON.stringify(el.key)} (first at ${collection}[${first}])`,
        });
      }
    }
    keys[collection] = new Set(seen.keys());
  }
  for (const { el, index } of elements(doc, 'calendars')) {
    if (el.key === BUILTIN_CALENDAR_KEY) {
      issues.push({
        path: `calendars[${index}].key`,
        code: 'reserved_key',
        message: `calendar key "${BUILTIN_CALENDAR_KEY}" is built in (always open) and cannot be redefined`,
      });
    }
  }
  keys.calendars.add(BUILTIN_CALENDAR_KEY);

  const ref = (path: string, owner: string, value: unknown, target: Collection, nullable: boolean) => {
    if (value === undefined || (nullable && value === null)) return;
    if (typeof value !== 'string') return; // a type error, already reported by the schema
    if (!keys[target].has(value)) {
      issues.push({
        path,
        code: 'unknown_reference',
        message: `${owner} refers to ${NOUN[target]} ${JSON.stringify(value)}, which is not defined in ${target}`,
      });
    }
  };
  const refList = (path: string, owner: string, value: unknown, target: Collection) => {
    if (!Array.isArray(value)) return;
    value.forEach((item, j) => ref(`${path}[${j}]`, owner, item, target, false));
  };
  /** `skills[j].skill` → skills, and each skill at most once in the list. */
  const skillList = (path: string, owner: string, value: unknown) => {
    if (!Array.isArray(value)) return;
    const seen = new Map<string, number>();
    value.forEach((item, j) => {
      if (!isObj(item)) return;
      ref(`${path}[${j}].skill`, owner, item.skill, 'skills', false);
      if (typeof item.skill !== 'string') return;
      const first = seen.get(item.skill);
      if (first === undefined) seen.set(item.skill, j);
      else {
        issues.push({
          path: `${path}[${j}].skill`,
          code: 'duplicate_skill',
          message: `${owner} lists skill ${JSON.stringify(item.skill)} twice (first at ${path}[${first}])`,
        });
      }
    });
  };

  const sysCallOf = new Map<string, unknown>();
  for (const { el } of elements(doc, 'instructions')) {
    if (typeof el.key === 'string' && !sysCallOf.has(el.key)) sysCallOf.set(el.key, el.sysCall);
  }

  const hasEntityTypes = keys.entityTypes.size > 0;
  for (const { el, index } of elements(doc, 'services')) {
    const p = `services[${index}]`;
    const owner = `service ${label(el)}`;
    ref(`${p}.routeTo`, owner, el.routeTo, 'roles', true);
    if (hasEntityTypes) ref(`${p}.entityType`, owner, el.entityType, 'entityTypes', true);
    refList(`${p}.consists`, owner, el.consists, 'services');
    skillList(`${p}.skills`, owner, el.skills);
    ref(`${p}.sla`, owner, el.sla, 'slas', true);
    if (Array.isArray(el.resourceRequirements)) {
      el.resourceRequirements.forEach((req, j) => {
        if (isObj(req))
          ref(`${p}.resourceRequirements[${j}].resourceType`, owner, req.resourceType, 'resourceTypes', false);
      });
    }
  }

  for (const { el, index } of elements(doc, 'rules')) {
    const p = `rules[${index}]`;
    const owner = `rule ${label(el)}`;
    ref(`${p}.program`, owner, el.program, 'services', false);
    ref(`${p}.subject`, owner, el.subject, 'services', false);
    ref(`${p}.event`, owner, el.event, 'events', false);
    ref(`${p}.instruction`, owner, el.instruction, 'instructions', true);
    ref(`${p}.operand`, owner, el.operand, 'services', true);
    if (typeof el.instruction === 'string') {
      const sysCall = sysCallOf.get(el.instruction);
      if (typeof sysCall === 'string' && SYS_CALLS_NEEDING_OPERAND.has(sysCall) && (el.operand ?? null) === null) {
        issues.push({
          path: `${p}.operand`,
          code: 'missing_operand',
          message: `${owner} runs instruction ${JSON.stringify(el.instruction)} (${sysCall}), which needs an operand service`,
        });
      }
    }
  }

  for (const { el, index } of elements(doc, 'roles')) {
    refList(`roles[${index}].services`, `role ${label(el)}`, el.services, 'services');
  }
  for (const { el, index } of elements(doc, 'operators')) {
    const owner = `operator ${label(el)}`;
    refList(`operators[${index}].roles`, owner, el.roles, 'roles');
    ref(`operators[${index}].relatedStaff`, owner, el.relatedStaff, 'operators', true);
    skillList(`operators[${index}].skills`, owner, el.skills);
    ref(`operators[${index}].calendar`, owner, el.calendar, 'calendars', true);
  }
  for (const { el, index } of elements(doc, 'resources')) {
    const owner = `resource ${label(el)}`;
    ref(`resources[${index}].type`, owner, el.type, 'resourceTypes', false);
    ref(`resources[${index}].calendar`, owner, el.calendar, 'calendars', true);
  }
  for (const { el, index } of elements(doc, 'slas')) {
    const p = `slas[${index}]`;
    const owner = `SLA ${label(el)}`;
    ref(`${p}.calendar`, owner, el.calendar, 'calendars', false);
    if (!isObj(el.actions)) continue;
    for (const milestone of SLA_MILESTONES) {
      const actions = el.actions[milestone];
      if (!Array.isArray(actions)) continue;
      actions.forEach((action, k) => {
        if (!isObj(action)) return;
        const at = `${p}.actions.${milestone}[${k}]`;
        if (action.kind === 'reassign' && isObj(action.to)) {
          ref(`${at}.to.role`, owner, action.to.role, 'roles', false);
          ref(`${at}.to.operator`, owner, action.to.operator, 'operators', false);
        } else if (action.kind === 'notify') {
          refList(`${at}.roles`, owner, action.roles, 'roles');
          refList(`${at}.operators`, owner, action.operators, 'operators');
        }
      });
    }
  }

  for (const { el, index } of elements(doc, 'events')) {
    if (typeof el.expression !== 'string' || el.expression.length === 0) continue;
    for (const problem of checkFeelExpression(el.expression)) {
      issues.push({
        path: `events[${index}].expression`,
        code: 'invalid_expression',
        message:
          `event ${label(el)}: expression ${JSON.stringify(el.expression)} is rejected: ${problem.message}` +
          (problem.text ? ` (at ${JSON.stringify(problem.text)})` : ''),
      });
    }
  }
  issues.push(...automationIssues(doc, keys.services));
  issues.push(...scheduleIssues(doc));
  for (const { el, index } of elements(doc, 'eventTriggers')) {
    if (typeof el.start === 'string' && !keys.services.has(el.start))
      issues.push({
        path: `eventTriggers[${index}].start`,
        code: 'unknown_reference',
        message: `event trigger ${label(el)}: start names no service ${JSON.stringify(el.start)}`,
      });
    const entity = isObj(el.entity) ? el.entity : {};
    for (const field of ['id', 'label'] as const) {
      const value = entity[field];
      if (typeof value !== 'string' || !value.startsWith('=')) continue;
      for (const problem of checkFeelExpression(value.slice(1)))
        issues.push({
          path: `eventTriggers[${index}].entity.${field}`,
          code: 'invalid_expression',
          message: `event trigger ${label(el)}: entity ${field} ${JSON.stringify(value)} is rejected: ${problem.message}`,
        });
    }
  }
  return issues;
}

/**
 * Validate a design document completely and report every problem, not only the first:
 * - schema errors from {@link DesignDocument} (zod 4), mapped to paths such as `rules[3].order`;
 * - duplicate keys within each array (`services[5].key`);
 * - referential integrity: rule program/subject/operand → services, rule event → events, rule instruction
 *   → instructions, role services → services, operator roles → roles, operator relatedStaff → operators,
 *   service routeTo → roles, service consists → services, service resourceRequirements → resource types,
 *   resource type → resource types, service entityType → entity types (only when entityTypes is non-empty);
 * - the scheduler's sections: service/operator `skills[j].skill` → skills (`duplicate_skill` for a skill listed
 *   twice), service sla → slas, operator/resource/SLA calendar → calendars or the built-in `24x7` (which a
 *   calendar must not redefine: `reserved_key`), SLA `reassign` `to.role` / `to.operator` and `notify`
 *   roles/operators → roles/operators (e.g. `slas[0].actions.deadline[0].to.role`);
 * - value checks of the model carry their own codes: `invalid_duration`, `invalid_time_zone`, `invalid_range`
 *   (attendance `to` ≤ `from`, leave `to` ≤ `from`, SLA goal after deadline), `missing_milestone`,
 *   `missing_deadline`, `drop_after_needs_additional`, `duplicate_state`;
 * - rules whose instruction's sysCall is start_service / call_sub_service / start_iteration_service /
 *   start_parallel_service must have an operand;
 * - every event expression must pass {@link checkFeelExpression} (issue at `events[i].expression`);
 * - decks and service automations (routes, DAGs): see {@link automationIssues} (`unknown_deck`,
 *   `deck_zero_not_last`, `unknown_handler`, `dag_cycle`, `automation_not_system`, …).
 * - schedules: `start` → a service that is not a program, `entity.type` → entity types ({@link scheduleIssues});
 *   `invalid_cron`, `schedule_shape` (exactly one of cron and every).
 * Referential checks run even when the schema check fails (on whatever elements are readable).
 *
 * @param input anything, e.g. the result of `YAML.parse`.
 * @returns `{ ok: true, design }` (defaults filled in) or `{ ok: false, issues }`. Never throws.
 * @see reference/erpsys-original.md §1.2–§1.3 (the entities), §3.5 (sys_calls).
 */
export function validateDesign(input: unknown): DesignValidationResult {
  const parsed = DesignDocument.safeParse(input);
  const issues: DesignIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        path: formatIssuePath(issue.path),
        // The model's refinements carry a stable code (`invalid_duration`, `invalid_range`, …) in params.
        code: issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : issue.code,
        message: issue.message,
      }));
  if (isObj(input)) issues.push(...semanticIssues(input));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, design: parsed.data };
}
