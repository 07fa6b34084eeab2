import { KernelError } from '../errors/kernel-error';
import {
  EXECUTION_DECK,
  type DeckRef,
  type KernelAutomation,
  type KernelDeck,
  type KernelRetry,
  type KernelRouteStep,
  type StageStep,
} from './automation';

/** The queue of a device's commands: `hw-<device>` (per-device FIFO, paused while the device is offline). */
export const deviceQueueName = (device: string): string => `hw-${device}`;

/** Retry policy of a deck that names none: one attempt. */
export const NO_RETRY: KernelRetry = { attempts: 1, backoff: { type: 'fixed', delayMs: 1000, jitter: 0 } };

/** The deck a reference names (by key, or by id when a number), or undefined; 0 and `execution` name deck 0. */
function deckOf(decks: ReadonlyMap<string, KernelDeck>, ref: DeckRef): KernelDeck | 'execution' | undefined {
  if (ref === 0 || ref === EXECUTION_DECK) return EXECUTION_DECK;
  if (typeof ref === 'string') return decks.get(ref);
  for (const d of decks.values()) if (d.id === ref) return d;
  return undefined;
}

/** Compiles route elements (`where` names them in errors). */
function compileSteps(decks: ReadonlyMap<string, KernelDeck>, route: KernelRouteStep[], where: string): StageStep[] {
  const steps: StageStep[] = [];
  route.forEach((el, i) => {
    const ref = typeof el === 'number' ? el : el.deck;
    const deck = deckOf(decks, ref);
    if (deck === undefined) throw new KernelError('INVALID_ROUTE', `${where} step ${i} names no deck (${String(ref)})`);
    if (deck === EXECUTION_DECK) {
      if (i !== route.length - 1) throw new KernelError('INVALID_ROUTE', `deck 0 (execution) may only end a route`);
      return;
    }
    const handler = (typeof el === 'number' ? undefined : el.handler) ?? deck.handlers[0];
    if (!handler || !deck.handlers.includes(handler))
      throw new KernelError('INVALID_ROUTE', `${where} step ${i}: deck "${deck.key}" has no handler "${handler}"`);
    const device = typeof el === 'number' ? undefined : el.device;
    steps.push({
      deck: deck.key,
      handler,
      ...(device !== undefined ? { queue: deviceQueueName(device) } : {}),
      config:
        typeof el === 'number'
          ? null
          : device !== undefined
            ? { ...(el.input ?? {}), device, command: el.command ?? null, params: el.params ?? {} }
            : (el.input ?? null),
      retry: (typeof el === 'number' ? undefined : el.retry) ?? deck.retry ?? NO_RETRY,
      timeoutMs: (typeof el === 'number' ? undefined : el.timeoutMs) ?? deck.timeoutMs ?? null,
    });
  });
  if (steps.length === 0) throw new KernelError('INVALID_ROUTE', `${where} has no deck step`);
  return steps;
}

/**
 * Compiles a route (`[3, 1, 2, 0]`, or steps naming deck, handler and overrides) into its steps: each deck by key
 * or id, the step's handler (default: the deck's first), retry and per-attempt timeout (the step's, else the
 * deck's). The trailing `0` (execution) is implicit and dropped; a `0` anywhere else is an error.
 * Design import validates routes already; this guards a design that changed shape since.
 * @throws KernelError INVALID_ROUTE (unknown deck, handler not on the deck, `0` not last, empty route, no route)
 */
export function compileRoute(decks: ReadonlyMap<string, KernelDeck>, automation: KernelAutomation): StageStep[] {
  if (!automation.route || automation.route.length === 0)
    throw new KernelError(
      'INVALID_ROUTE',
      automation.dag ? 'the automation is a DAG, not a route' : 'the route is empty',
    );
  return compileSteps(decks, automation.route, 'route');
}

/** A compiled DAG node: its steps (one deck step, or its route's) and the nodes it runs after. */
export type DagPlanNode = { key: string; steps: StageStep[]; after: string[] };

/** A compiled DAG: nodes in a topological order, their dependants, the sinks, and the output expression. */
export type DagPlan = {
  nodes: DagPlanNode[];
  byKey: Map<string, DagPlanNode>;
  /** Nodes that run after each node. */
  dependants: Map<string, string[]>;
  /** Nodes nothing runs after. */
  sinks: string[];
  /** `dag.output` (`=` FEEL over `nodes` and `input`), or undefined for the default. */
  output?: string;
};

/**
 * Compiles a DAG (reference/decks.md §2.7): each node a deck step (`deck`, `handler`, …) or a route, with `after`
 * dependencies; nodes are ordered by Kahn's algorithm (Kahn 1962, "Topological sorting of large networks").
 * @throws KernelError INVALID_ROUTE (no DAG, a node's deck/handler/route is invalid, an unknown or duplicate node,
 *   a cycle — naming a node on it)
 */
export function compileDag(decks: ReadonlyMap<string, KernelDeck>, automation: KernelAutomation): DagPlan {
  const dag = automation.dag;
  if (!dag || dag.nodes.length === 0) throw new KernelError('INVALID_ROUTE', 'the automation has no DAG nodes');
  const byKey = new Map<string, DagPlanNode>();
  for (const n of dag.nodes) {
    if (byKey.has(n.key)) throw new KernelError('INVALID_ROUTE', `DAG node "${n.key}" is defined twice`);
    const route: KernelRouteStep[] = n.route ?? [
      { deck: n.deck!, handler: n.handler, input: n.input, retry: n.retry, timeoutMs: n.timeoutMs },
    ];
    byKey.set(n.key, { key: n.key, steps: compileSteps(decks, route, `node ${n.key}`), after: [...new Set(n.after)] });
  }
  const dependants = new Map<string, string[]>([...byKey.keys()].map((k) => [k, []]));
  const remaining = new Map<string, number>();
  for (const n of byKey.values()) {
    remaining.set(n.key, n.after.length);
    for (const a of n.after) {
      if (!byKey.has(a)) throw new KernelError('INVALID_ROUTE', `DAG node "${n.key}" runs after unknown node "${a}"`);
      dependants.get(a)!.push(n.key);
    }
  }
  const order: DagPlanNode[] = [];
  const ready = [...byKey.values()].filter((n) => n.after.length === 0).map((n) => n.key);
  while (ready.length > 0) {
    const key = ready.shift()!;
    order.push(byKey.get(key)!);
    for (const d of dependants.get(key)!) {
      remaining.set(d, remaining.get(d)! - 1);
      if (remaining.get(d) === 0) ready.push(d);
    }
  }
  if (order.length !== byKey.size) {
    const stuck = [...remaining].find(([, r]) => r > 0)![0];
    throw new KernelError('INVALID_ROUTE', `the DAG has a cycle through node "${stuck}"`);
  }
  const sinks = order.filter((n) => dependants.get(n.key)!.length === 0).map((n) => n.key);
  return { nodes: order, byKey, dependants, sinks, output: dag.output };
}
