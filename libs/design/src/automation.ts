import { z } from 'zod';
import { Key } from './key';

/**
 * The design model of automated stages (reference decks.md §2.1, §4): decks (queue-worker groups named by the
 * seed's prefixes), routes (ordered deck steps) and DAGs of nodes, which a `system` service's `automation` runs.
 * Deck 0 (`execution`) belongs to the kernel: it collects results and ends every route implicitly.
 *
 * Input values (`automation.input`, a step's or node's `input`, `dag.output`): a string starting with `=` is a
 * FEEL expression (the text after the `=`), anything else a literal — see {@link feelInputExpression}. Only the
 * top-level values of an input map are read this way; nested objects and arrays are literals as a whole.
 */

/** The reserved deck of the kernel: id 0, key `execution`. It runs no handlers and may only end a route. */
export const EXECUTION_DECK = { id: 0, key: 'execution' } as const;

/** Longest timeout or backoff delay a design may give, ms (one day). */
export const MAX_AUTOMATION_MS = 86_400_000;

/** A refinement failure with a stable issue code (`validateDesign` reports `params.code`). */
function customIssue(code: string, message: string) {
  return { message, params: { code } };
}

/** Handler names: dotted lower-case, e.g. `ops.crc32`, `device.command` (at least two segments). */
export const HandlerName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be a dotted lower-case handler name such as "ops.crc32"');
export type HandlerName = z.infer<typeof HandlerName>;

/** A per-attempt timeout, ms: 1 ms – one day. */
const TimeoutMs = z.number().int().min(1).max(MAX_AUTOMATION_MS);

/**
 * How often a failing handler is tried and how long to wait in between (BullMQ `attempts` / `backoff`):
 * `attempts` 1–100 (1 = no retry); `backoff.type` `fixed` (every wait `delayMs`) or `exponential`
 * (`delayMs · 2^(n−1)` before try n+1); `delayMs` 0 ms – one day; `jitter` 0–1, the fraction of each wait that is
 * randomised. Omitted members take the defaults: one attempt, fixed, 1000 ms, no jitter.
 */
export const RetryPolicy = z
  .object({
    attempts: z.number().int().min(1).max(100).default(1),
    backoff: z
      .object({
        type: z.enum(['fixed', 'exponential']).default('fixed'),
        delayMs: z.number().int().min(0).max(MAX_AUTOMATION_MS).default(1000),
        jitter: z.number().min(0).max(1).default(0),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/**
 * A deck: a group of queue workers for one kind of operation (the seed's 1 Operations, 2 Hardware, 3 Storage,
 * 4 Network). At run time one queue `deck-<key>` whose workers run `handlers`; `id` is the seed's prefix, by
 * which routes may name it (1–99; 0 is the kernel's execution deck, and the key `execution` is reserved).
 */
export const Deck = z
  .object({
    key: Key,
    /** The seed prefix, 1–99 (0 is reserved for execution); unique among the design's decks. */
    id: z.number().int().min(1).max(99),
    label: z.string().min(1),
    /** Handlers this deck's workers run, at least one; the first is the deck's default handler. */
    handlers: z.array(HandlerName).min(1),
    /** Jobs one worker runs at once, 1–1024; default 4. */
    concurrency: z.number().int().min(1).max(1024).default(4),
    /** Retry policy of the deck's jobs (a step may override it); default one attempt. */
    retry: RetryPolicy.prefault({}),
    /** Per-attempt timeout, ms (1 ms – one day), or null for none. */
    timeoutMs: TimeoutMs.nullable().default(null),
    /**
     * Which services may use the deck (decks.md §4, e.g. the network deck), or null for every service. A service
     * not listed gets the issue `deck_not_allowed`.
     */
    allow: z
      .object({ services: z.array(Key) })
      .strict()
      .nullable()
      .default(null),
  })
  .strict();
export type Deck = z.infer<typeof Deck>;

/** A deck named by its key (`ops`, `execution`) or by its id, the seed prefix (`1`; `0` is execution). */
export const DeckRef = z.union([Key, z.number().int().min(0).max(99)]);
export type DeckRef = z.infer<typeof DeckRef>;

/** Named inputs of a route, step or node: `=…` strings are FEEL expressions, anything else literals. */
export const AutomationInput = z.record(z.string(), z.unknown());
export type AutomationInput = z.infer<typeof AutomationInput>;

/**
 * One step of a route: a deck id (`3`: the deck's default handler), or a step naming its deck (key or id), a
 * handler of that deck (default: the deck's first), its input, and a retry policy and per-attempt timeout (ms)
 * that override the deck's. `0` (or `{deck: execution}`) may only be the last step; it is implicit anyway.
 * A device step (handler `device.command` only) names the `device` (a key of the design's devices), one of its
 * `command`s and literal `params`; it runs on the device's queue `hw-<device>` (reference/decks.md §3.4).
 */
export const RouteStep = z.union([
  z.number().int().min(0).max(99),
  z
    .object({
      deck: DeckRef,
      handler: HandlerName.optional(),
      input: AutomationInput.optional(),
      retry: RetryPolicy.optional(),
      timeoutMs: TimeoutMs.optional(),
      device: Key.optional(),
      command: z.string().min(1).optional(),
      params: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);
export type RouteStep = z.infer<typeof RouteStep>;

/** A route: the ordered deck steps of one stage, e.g. `[3, 1, 2, 0]`; at least one step. */
export const Route = z.array(RouteStep).min(1);

/**
 * One node of a DAG: either one deck handler (`deck`, optional `handler`) or a route of its own (`route`) —
 * exactly one of the two (issue code `dag_node_target`; a `handler` needs a `deck`). It runs once every node in
 * `after` is done, with their outputs; `input`, `retry` and `timeoutMs` (ms) as on a route step.
 */
export const DagNode = z
  .object({
    key: Key,
    deck: DeckRef.optional(),
    handler: HandlerName.optional(),
    route: Route.optional(),
    /** Keys of the nodes this one waits for; [] = a source node, run when the stage starts. */
    after: z.array(Key).default([]),
    input: AutomationInput.optional(),
    retry: RetryPolicy.optional(),
    timeoutMs: TimeoutMs.optional(),
  })
  .strict()
  .superRefine((node, ctx) => {
    const hasDeck = node.deck !== undefined;
    const hasRoute = node.route !== undefined;
    if (hasDeck && hasRoute) {
      ctx.addIssue({
        code: 'custom',
        path: ['route'],
        ...customIssue('dag_node_target', 'a node runs either a deck handler (deck) or a route, not both'),
      });
    } else if (!hasDeck && !hasRoute) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        ...customIssue('dag_node_target', 'a node needs a deck (with an optional handler) or a route'),
      });
    } else if (hasRoute && node.handler !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['handler'],
        ...customIssue('dag_node_target', 'a handler belongs to a deck node; a route names handlers in its steps'),
      });
    }
  });
export type DagNode = z.infer<typeof DagNode>;

/** A DAG: its nodes (at least one) and the stage's output (`=nodes.E`; default: the sink nodes' outputs). */
export const Dag = z
  .object({
    nodes: z.array(DagNode).min(1),
    output: z.string().optional(),
  })
  .strict();
export type Dag = z.infer<typeof Dag>;

/**
 * What runs a `system` service by itself (issue `automation_not_system` on any other kind): a `route` or a
 * `dag` — exactly one (issue code `automation_shape`). `input`: the stage's named inputs; `resultVar`: the
 * context variable the result is written to (null: none); `publish`: `program` (the default) publishes the result
 * to the service's program, `none` does not.
 */
export const Automation = z
  .object({
    route: Route.optional(),
    dag: Dag.optional(),
    input: AutomationInput.default({}),
    resultVar: Key.nullable().default(null),
    publish: z.enum(['program', 'none']).default('program'),
  })
  .strict()
  .superRefine((automation, ctx) => {
    const hasRoute = automation.route !== undefined;
    const hasDag = automation.dag !== undefined;
    if (hasRoute && hasDag) {
      ctx.addIssue({
        code: 'custom',
        path: ['dag'],
        ...customIssue('automation_shape', 'an automation is either a route or a dag, not both'),
      });
    } else if (!hasRoute && !hasDag) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        ...customIssue('automation_shape', 'an automation needs a route or a dag'),
      });
    }
  });
export type Automation = z.infer<typeof Automation>;

/**
 * The FEEL expression of an input value, or null for a literal.
 *
 * @param value an input value, e.g. `"=form.file"` → `"form.file"`; `"abc"`, `3`, `{…}` → null.
 * @returns the text after the leading `=` (possibly empty, which the validator reports), or null.
 */
export function feelInputExpression(value: unknown): string | null {
  return typeof value === 'string' && value.startsWith('=') ? value.slice(1) : null;
}
