import { KernelError } from '../errors/kernel-error';
import {
  EXECUTION_DECK,
  type DeckRef,
  type KernelAutomation,
  type KernelDeck,
  type KernelRetry,
  type StageStep,
} from './automation';

/** Retry policy of a deck that names none: one attempt. */
export const NO_RETRY: KernelRetry = { attempts: 1, backoff: { type: 'fixed', delayMs: 1000, jitter: 0 } };

/** The deck a reference names (by key, or by id when a number), or undefined; 0 and `execution` name deck 0. */
function deckOf(decks: ReadonlyMap<string, KernelDeck>, ref: DeckRef): KernelDeck | 'execution' | undefined {
  if (ref === 0 || ref === EXECUTION_DECK) return EXECUTION_DECK;
  if (typeof ref === 'string') return decks.get(ref);
  for (const d of decks.values()) if (d.id === ref) return d;
  return undefined;
}

/**
 * Compiles a route (`[3, 1, 2, 0]`, or steps naming deck, handler and overrides) into its steps: each deck by key
 * or id, the step's handler (default: the deck's first), retry and per-attempt timeout (the step's, else the
 * deck's). The trailing `0` (execution) is implicit and dropped; a `0` anywhere else is an error.
 * Design import validates routes already; this guards a design that changed shape since.
 * @throws KernelError INVALID_ROUTE (unknown deck, handler not on the deck, `0` not last, empty route, a DAG)
 */
export function compileRoute(decks: ReadonlyMap<string, KernelDeck>, automation: KernelAutomation): StageStep[] {
  const route = automation.route;
  if (!route || route.length === 0)
    throw new KernelError('INVALID_ROUTE', automation.dag ? 'DAG automation is not run yet' : 'the route is empty');
  const steps: StageStep[] = [];
  route.forEach((el, i) => {
    const ref = typeof el === 'number' ? el : el.deck;
    const deck = deckOf(decks, ref);
    if (deck === undefined) throw new KernelError('INVALID_ROUTE', `route step ${i} names no deck (${String(ref)})`);
    if (deck === EXECUTION_DECK) {
      if (i !== route.length - 1) throw new KernelError('INVALID_ROUTE', `deck 0 (execution) may only end a route`);
      return;
    }
    const handler = (typeof el === 'number' ? undefined : el.handler) ?? deck.handlers[0];
    if (!handler || !deck.handlers.includes(handler))
      throw new KernelError('INVALID_ROUTE', `route step ${i}: deck "${deck.key}" has no handler "${handler}"`);
    steps.push({
      deck: deck.key,
      handler,
      config: typeof el === 'number' ? null : (el.input ?? null),
      retry: (typeof el === 'number' ? undefined : el.retry) ?? deck.retry ?? NO_RETRY,
      timeoutMs: (typeof el === 'number' ? undefined : el.timeoutMs) ?? deck.timeoutMs ?? null,
    });
  });
  if (steps.length === 0) throw new KernelError('INVALID_ROUTE', 'the route has no deck step');
  return steps;
}
