import { EXECUTION_DECK, feelInputExpression } from '../automation';
import { checkFeelExpression } from '../feel/check-expression';
import { type DesignIssue, formatIssuePath } from './design-issue';

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

/** `path` + one member name, in the notation of {@link formatIssuePath} (`a.b`, `a["x-y"]`). */
function member(path: string, name: string): string {
  const tail = formatIssuePath([name]);
  return tail.startsWith('[') ? `${path}${tail}` : `${path}.${tail}`;
}

/** A deck of the design as far as the checks need it. */
type DeckInfo = { key: string; id: unknown; handlers: readonly unknown[]; allow: readonly unknown[] | null };

/** What a deck reference names: the execution deck, a design deck, or nothing. */
type Resolved = { kind: 'execution' } | { kind: 'deck'; deck: DeckInfo } | { kind: 'unknown' };

/** The design's decks by key and by id (the first of duplicates), read from the raw document. */
class DeckIndex {
  private readonly byKey = new Map<string, DeckInfo>();
  private readonly byId = new Map<number, DeckInfo>();

  constructor(doc: Obj) {
    for (const { el } of objects(doc.decks)) {
      if (typeof el.key !== 'string') continue;
      const allow = isObj(el.allow) && Array.isArray(el.allow.services) ? el.allow.services : null;
      const info: DeckInfo = {
        key: el.key,
        id: el.id,
        handlers: Array.isArray(el.handlers) ? el.handlers : [],
        allow,
      };
      if (!this.byKey.has(el.key)) this.byKey.set(el.key, info);
      if (typeof el.id === 'number' && !this.byId.has(el.id)) this.byId.set(el.id, info);
    }
  }

  /** A reference by key or id (0–99); `undefined` and malformed values resolve to null (the schema says why). */
  resolve(ref: unknown): Resolved | null {
    if (ref === EXECUTION_DECK.key || ref === EXECUTION_DECK.id) return { kind: 'execution' };
    let deck: DeckInfo | undefined;
    if (typeof ref === 'string') deck = this.byKey.get(ref);
    else if (Number.isInteger(ref) && (ref as number) >= 0 && (ref as number) <= 99)
      deck = this.byId.get(ref as number);
    else return null;
    return deck ? { kind: 'deck', deck } : { kind: 'unknown' };
  }
}

/** The handler that runs device steps (`hw-<device>` queues, the hardware-adapter service). */
export const DEVICE_COMMAND_HANDLER = 'device.command';

/** The design's devices by key (the first of duplicates) with their command names, read from the raw document. */
function deviceCommands(doc: Obj): Map<string, Set<unknown>> {
  const out = new Map<string, Set<unknown>>();
  for (const { el } of objects(doc.devices)) {
    if (typeof el.key !== 'string' || out.has(el.key)) continue;
    out.set(el.key, new Set(objects(el.commands).map(({ el: c }) => c.name)));
  }
  return out;
}

/** Issues of the `decks` collection itself: ids used twice, the reserved key, `allow.services` references. */
function deckIssues(doc: Obj, serviceKeys: ReadonlySet<string>): DesignIssue[] {
  const issues: DesignIssue[] = [];
  const firstById = new Map<number, number>();
  for (const { el, index } of objects(doc.decks)) {
    const p = `decks[${index}]`;
    if (el.key === EXECUTION_DECK.key) {
      issues.push({
        path: `${p}.key`,
        code: 'reserved_key',
        message: `deck key "${EXECUTION_DECK.key}" is the kernel's execution deck (0) and cannot be defined`,
      });
    }
    if (typeof el.id === 'number') {
      const first = firstById.get(el.id);
      if (first === undefined) firstById.set(el.id, index);
      else {
        issues.push({
          path: `${p}.id`,
          code: 'duplicate_deck_id',
          message: `deck ${label(el)} has id ${el.id}, already used by decks[${first}]`,
        });
      }
    }
    const services = isObj(el.allow) ? el.allow.services : undefined;
    if (!Array.isArray(services)) continue;
    services.forEach((service, j) => {
      if (typeof service === 'string' && !serviceKeys.has(service)) {
        issues.push({
          path: `${p}.allow.services[${j}]`,
          code: 'unknown_reference',
          message: `deck ${label(el)} refers to service ${JSON.stringify(service)}, which is not defined in services`,
        });
      }
    });
  }
  return issues;
}

/** Checks of one service's automation; `issues` collects what they find. */
class AutomationChecker {
  constructor(
    private readonly decks: DeckIndex,
    private readonly devices: ReadonlyMap<string, ReadonlySet<unknown>>,
    private readonly serviceKey: unknown,
    private readonly owner: string,
    private readonly issues: DesignIssue[],
  ) {}

  /** `automation` at `path` (e.g. `services[3].automation`), of a service of `kind`. */
  check(path: string, automation: Obj, kind: unknown): void {
    if (kind !== 'system') {
      this.issue(
        path,
        'automation_not_system',
        `only a system service runs an automation (this one is ${JSON.stringify(kind)})`,
      );
    }
    this.inputs(`${path}.input`, automation.input);
    if (Array.isArray(automation.route)) this.route(`${path}.route`, automation.route);
    if (isObj(automation.dag)) this.dag(`${path}.dag`, automation.dag);
  }

  private issue(path: string, code: string, message: string): void {
    this.issues.push({ path, code, message: `${this.owner}: ${message}` });
  }

  /** FEEL check of each `=…` value of an input map. */
  private inputs(path: string, input: unknown): void {
    if (!isObj(input)) return;
    for (const [name, value] of Object.entries(input)) this.feel(member(path, name), value);
  }

  /** FEEL check of one value, when it is an expression (`=…`). */
  private feel(path: string, value: unknown): void {
    const expression = feelInputExpression(value);
    if (expression === null) return;
    for (const problem of checkFeelExpression(expression)) {
      this.issue(
        path,
        'invalid_expression',
        `expression ${JSON.stringify(expression)} is rejected: ${problem.message}` +
          (problem.text ? ` (at ${JSON.stringify(problem.text)})` : ''),
      );
    }
  }

  /**
   * The deck a step or node names (`ref` at `refPath`) and its handler (at `handlerPath`). `last`: whether the
   * execution deck is allowed here (the last step of a route).
   */
  private target(refPath: string, ref: unknown, handlerPath: string, handler: unknown, last: boolean): void {
    const resolved = this.decks.resolve(ref);
    if (resolved === null) return;
    if (resolved.kind === 'unknown') {
      this.issue(refPath, 'unknown_deck', `deck ${JSON.stringify(ref)} is not defined in decks (by key or id)`);
      return;
    }
    if (resolved.kind === 'execution') {
      if (!last) {
        this.issue(
          refPath,
          'deck_zero_not_last',
          'the execution deck (0) may only be the last step of a route (where it is implicit anyway)',
        );
      }
      if (handler !== undefined) {
        this.issue(handlerPath, 'unknown_handler', 'the execution deck (0) runs no handlers');
      }
      return;
    }
    const { deck } = resolved;
    if (typeof handler === 'string' && !deck.handlers.includes(handler)) {
      this.issue(
        handlerPath,
        'unknown_handler',
        `handler ${JSON.stringify(handler)} is not one of deck ${JSON.stringify(deck.key)}'s handlers`,
      );
    }
    if (deck.allow !== null && !deck.allow.includes(this.serviceKey)) {
      this.issue(refPath, 'deck_not_allowed', `deck ${JSON.stringify(deck.key)} does not allow this service`);
    }
  }

  /** A route at `path`: each step's deck and handler, `0` only last, inputs. */
  private route(path: string, steps: readonly unknown[]): void {
    steps.forEach((step, j) => {
      const last = j === steps.length - 1;
      const at = `${path}[${j}]`;
      if (typeof step === 'number') this.target(at, step, at, undefined, last);
      else if (isObj(step)) {
        this.target(`${at}.deck`, step.deck, `${at}.handler`, step.handler, last);
        this.inputs(`${at}.input`, step.input);
        this.deviceStep(at, step);
      }
    });
    const decks = steps.filter((step) => this.decks.resolve(isObj(step) ? step.deck : step)?.kind !== 'execution');
    if (steps.length > 0 && decks.length === 0) {
      this.issue(path, 'empty_route', 'the route names no deck besides execution (0)');
    }
  }

  /**
   * A device step at `path`: `device` names a device (`unknown_device`), `command` one of its commands
   * (`unknown_command`), both only with handler `device.command` (`device_step_handler`), which needs them.
   */
  private deviceStep(path: string, step: Obj): void {
    const { device, command } = step;
    const isDeviceHandler = step.handler === DEVICE_COMMAND_HANDLER;
    if (device === undefined && command === undefined) {
      if (isDeviceHandler)
        this.issue(
          `${path}.device`,
          'missing_device',
          `handler "${DEVICE_COMMAND_HANDLER}" needs a device and command`,
        );
      return;
    }
    if (!isDeviceHandler) {
      this.issue(
        `${path}.handler`,
        'device_step_handler',
        `a step naming a device or command runs handler "${DEVICE_COMMAND_HANDLER}"`,
      );
    }
    if (typeof device !== 'string') {
      this.issue(`${path}.device`, 'missing_device', 'a device step names its device');
      return;
    }
    const commands = this.devices.get(device);
    if (!commands) {
      this.issue(`${path}.device`, 'unknown_device', `device ${JSON.stringify(device)} is not defined in devices`);
      return;
    }
    if (typeof command !== 'string' || !commands.has(command)) {
      this.issue(
        `${path}.command`,
        'unknown_command',
        `command ${JSON.stringify(command ?? null)} is not one of device ${JSON.stringify(device)}'s commands`,
      );
    }
  }

  /** A DAG at `path`: node keys, each node's target and inputs, `after` references, cycles, the output. */
  private dag(path: string, dag: Obj): void {
    const nodes = objects(dag.nodes);
    const indexOf = new Map<string, number>();
    for (const { el, index } of nodes) {
      if (typeof el.key !== 'string') continue;
      const first = indexOf.get(el.key);
      if (first === undefined) indexOf.set(el.key, index);
      else {
        this.issue(
          `${path}.nodes[${index}].key`,
          'duplicate_key',
          `duplicate node key ${JSON.stringify(el.key)} (first at ${path}.nodes[${first}])`,
        );
      }
    }
    for (const { el, index } of nodes) {
      const np = `${path}.nodes[${index}]`;
      if (el.deck !== undefined) this.target(`${np}.deck`, el.deck, `${np}.handler`, el.handler, false);
      if (Array.isArray(el.route)) this.route(`${np}.route`, el.route);
      this.inputs(`${np}.input`, el.input);
      if (!Array.isArray(el.after)) continue;
      el.after.forEach((dep, m) => {
        if (typeof dep !== 'string') return;
        if (dep === el.key) {
          this.issue(`${np}.after[${m}]`, 'dag_self_dependency', `node ${label(el)} cannot run after itself`);
        } else if (!indexOf.has(dep)) {
          this.issue(
            `${np}.after[${m}]`,
            'unknown_node',
            `node ${label(el)} runs after ${JSON.stringify(dep)}, which is not a node of the dag`,
          );
        }
      });
    }
    this.cycles(path, nodes, indexOf);
    this.feel(`${path}.output`, dag.output);
  }

  /**
   * Kahn's algorithm over the nodes (the first of duplicate keys; unknown and self dependencies left out, they
   * have their own issues). Each cycle left over is reported once (`dag_cycle`), at the `after` entry of its
   * first node (in document order) that closes it; nodes that only follow a cycle are not reported.
   */
  private cycles(path: string, nodes: Array<{ el: Obj; index: number }>, indexOf: ReadonlyMap<string, number>): void {
    const byIndex = new Map(nodes.map(({ el, index }) => [index, el]));
    /** For each node (by index): its dependencies, as `[dependency index, position in after]`, each once. */
    const deps = new Map<number, Array<[number, number]>>();
    for (const [key, index] of indexOf) {
      const after = byIndex.get(index)?.after;
      const list: Array<[number, number]> = [];
      if (Array.isArray(after)) {
        after.forEach((dep, m) => {
          const from = typeof dep === 'string' && dep !== key ? indexOf.get(dep) : undefined;
          if (from !== undefined && !list.some(([f]) => f === from)) list.push([from, m]);
        });
      }
      deps.set(index, list);
    }

    let remaining = new Set(deps.keys());
    for (;;) {
      remaining = kahnLeftover(remaining, deps);
      if (remaining.size === 0) return;
      // Every node left has a dependency left: walk dependencies back from the first until one repeats.
      const walk: number[] = [];
      let at = Math.min(...remaining);
      while (!walk.includes(at)) {
        walk.push(at);
        at = deps.get(at)!.find(([from]) => remaining.has(from))![0];
      }
      // walk[k…] is the cycle in reverse execution order; `at` = walk[k] closes it.
      const cycle = walk.slice(walk.indexOf(at)).reverse();
      const reported = Math.min(...cycle);
      const start = cycle.indexOf(reported);
      const ordered = [...cycle.slice(start), ...cycle.slice(0, start)]; // reported → … → its dependency
      const closing = ordered[ordered.length - 1];
      const position = deps.get(reported)!.find(([from]) => from === closing)![1];
      const names = [...ordered, reported].map((i) => String(byIndex.get(i)!.key));
      this.issue(
        `${path}.nodes[${reported}].after[${position}]`,
        'dag_cycle',
        `the dag has a cycle: ${names.join(' → ')}`,
      );
      for (const i of cycle) remaining.delete(i);
    }
  }
}

/**
 * Kahn's algorithm on the nodes `among`: repeatedly removes nodes whose dependencies (in `among`) are all removed.
 * @returns the nodes left: those on a cycle and those that depend on one.
 */
function kahnLeftover(among: ReadonlySet<number>, deps: ReadonlyMap<number, Array<[number, number]>>): Set<number> {
  const indegree = new Map<number, number>();
  const dependents = new Map<number, number[]>();
  for (const node of among) {
    const inside = (deps.get(node) ?? []).filter(([from]) => among.has(from));
    indegree.set(node, inside.length);
    for (const [from] of inside) {
      const list = dependents.get(from);
      if (list) list.push(node);
      else dependents.set(from, [node]);
    }
  }
  const ready = [...among].filter((node) => indegree.get(node) === 0);
  const left = new Set(among);
  while (ready.length > 0) {
    const node = ready.pop()!;
    left.delete(node);
    for (const next of dependents.get(node) ?? []) {
      const degree = indegree.get(next)! - 1;
      indegree.set(next, degree);
      if (degree === 0) ready.push(next);
    }
  }
  return left;
}

/**
 * Semantic issues of decks and automations in a raw design document (any shape; schema errors are reported by
 * the schema):
 * - decks: `duplicate_deck_id` (at `decks[i].id`), the reserved key `execution` (`reserved_key`), `allow.services`
 *   naming no service (`unknown_reference`);
 * - a service's automation: `automation_not_system` when its kind is not `system`; deck references by key or id
 *   that name no deck (`unknown_deck`); the execution deck (`0` / `execution`) anywhere but the last step of a
 *   route (`deck_zero_not_last`); a route of only the execution deck (`empty_route`); a handler not among the
 *   deck's (`unknown_handler`); a deck whose `allow` leaves the service out (`deck_not_allowed`);
 * - device steps: a `device` naming no device (`unknown_device`), a `command` not among its commands
 *   (`unknown_command`), device or command without handler `device.command` (`device_step_handler`), that
 *   handler without a device (`missing_device`);
 * - DAGs: duplicate node keys (`duplicate_key`), `after` naming no node (`unknown_node`) or the node itself
 *   (`dag_self_dependency`), each cycle once (`dag_cycle`, e.g. "A → B → A");
 * - every `=…` input value (automation, step and node `input`, `dag.output`) must pass
 *   {@link checkFeelExpression} (`invalid_expression`).
 * Paths are those of the offending value, e.g. `services[3].automation.dag.nodes[4].after[1]`.
 *
 * @param doc the raw document (e.g. parsed YAML).
 * @param serviceKeys the keys of the document's services.
 * @returns the issues found, in document order per check; never throws.
 */
export function automationIssues(doc: Obj, serviceKeys: ReadonlySet<string>): DesignIssue[] {
  const issues = deckIssues(doc, serviceKeys);
  const decks = new DeckIndex(doc);
  const devices = deviceCommands(doc);
  for (const { el, index } of objects(doc.services)) {
    if (!isObj(el.automation)) continue;
    new AutomationChecker(decks, devices, el.key, `service ${label(el)}`, issues).check(
      `services[${index}].automation`,
      el.automation,
      el.kind,
    );
  }
  return issues;
}
