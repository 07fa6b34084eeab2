/**
 * The kernel's view of decks and automation (reference/decks.md §2): the design library's `Deck` and
 * `Automation` satisfy these types structurally (the kernel does not import the design library).
 */

/** Retry policy of a deck or a step: attempts in all (1 = no retry), backoff between them (ms). */
export type KernelRetry = {
  attempts: number;
  backoff: { type: 'fixed' | 'exponential'; delayMs: number; jitter: number };
};

/**
 * A deck: a group of queue workers for one kind of operation (the seed's prefixes: 1 operations, 2 hardware,
 * 3 storage, 4 network; 0, execution, belongs to the kernel). `handlers[0]` is its default handler.
 */
export type KernelDeck = {
  key: string;
  id: number;
  label: string;
  handlers: string[];
  /** Jobs one worker runs at once. */
  concurrency: number;
  retry: KernelRetry;
  /** Per attempt, ms; null = none. */
  timeoutMs: number | null;
};

/** A deck named by key or by its id (prefix). */
export type DeckRef = string | number;

/** One route element: a deck id (its default handler) or a step naming deck, handler and overrides. */
export type KernelRouteStep =
  | number
  | {
      deck: DeckRef;
      handler?: string;
      input?: Record<string, unknown>;
      retry?: KernelRetry;
      timeoutMs?: number;
      /** A device step (`device.command`): the device whose queue (`hw-<device>`) runs it, the command, its params. */
      device?: string;
      command?: string;
      params?: Record<string, unknown>;
    };

/** A DAG node (run by a later step of the decks issue). */
export type KernelDagNode = {
  key: string;
  deck?: DeckRef;
  handler?: string;
  route?: KernelRouteStep[];
  after: string[];
  input?: Record<string, unknown>;
  retry?: KernelRetry;
  timeoutMs?: number;
};

/**
 * A system service's automation: a route (or a DAG), the run's input (a string value starting with `=` is a FEEL
 * expression over the process's context, anything else a literal), where the result goes (`resultVar`, default
 * `<service>_result`) and whether it is also written into the program instance's frame (`publish: program`).
 */
export type KernelAutomation = {
  route?: KernelRouteStep[];
  dag?: { nodes: KernelDagNode[]; output?: string };
  input: Record<string, unknown>;
  resultVar: string | null;
  publish: 'program' | 'none';
};

/** The reserved execution deck (prefix 0): its queue collects results for the kernel. */
export const EXECUTION_DECK = 'execution';

/** One compiled route step: the deck's key, the handler, its literal config and its limits. */
export type StageStep = {
  deck: string;
  handler: string;
  /** The queue that runs the step when it is not its deck's (`hw-<device>` for a device step). */
  queue?: string;
  /** The step's literal `input` from the design (handlers read it as their config), or null. */
  config: Record<string, unknown> | null;
  retry: KernelRetry;
  /** Per attempt, ms; null = none. */
  timeoutMs: number | null;
};

/** One attempt of one step, as the workers journal it and the result carries it to the kernel. */
export type StageHop = {
  /** The DAG node the step belongs to (absent for a route). */
  node?: string;
  step: number;
  deck: string;
  handler: string;
  /** 1-based. */
  attempt: number;
  /** Which worker ran it (host:pid). */
  worker: string;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms. */
  endedAt: number;
  outcome: 'completed' | 'failed';
  /** The failure's message (failed attempts). */
  error?: string;
};

/** Why a stage failed, as the failure carries it to the kernel. */
export type StageFailure = {
  /** `STAGE_FAILED`, `STAGE_TIMEOUT`, `PAYLOAD_TOO_LARGE`, `UNKNOWN_HANDLER`, … */
  code: string;
  deck: string;
  step: number;
  attempts: number;
  message: string;
};

/** A DAG node's state in a run: waiting for its dependencies, dispatched, done (with its output) or failed. */
export type DagNodeState = {
  state: 'pending' | 'running' | 'done' | 'failed';
  /** Raised each time the node is dispatched again (retry): reports of an older generation are stale. */
  gen: number;
  output: unknown;
  /** Outputs of the node's own route steps (a node that is a route), for a retry from its failed step. */
  outputs: unknown[];
  /** The node's failed step (0 for a single-step node). */
  step: number;
};

/**
 * One run of a system service's automation, kept in its context frame (`frame.stage`): the run id (`p<pid>r<n>`),
 * its generation (raised by each retry, so reports of an older attempt are stale), the step it was (re)dispatched
 * from, the evaluated input, each finished step's output, the hop journal and how it ended.
 */
export type StageRun = {
  runId: string;
  /** 1-based run number of the process. */
  n: number;
  gen: number;
  status: 'running' | 'succeeded' | 'failed';
  /** The step the current generation was dispatched from (after a failure: the failed step). */
  step: number;
  /** Number of steps of the route. */
  steps: number;
  input: unknown;
  /** Outputs of the finished steps, in step order. */
  outputs: unknown[];
  output: unknown;
  hops: StageHop[];
  failure: StageFailure | null;
  /** A DAG run: each node's state, by node key (absent for a route). */
  dag?: Record<string, DagNodeState>;
  /** Epoch ms. */
  startedAt: number;
  /** Epoch ms, or null while running. */
  endedAt: number | null;
};

/**
 * A job for a deck: everything a worker needs to run step `step` of a run and chain the next (the route's steps, the
 * input, the previous step's output and all outputs so far). Version `v` lets workers refuse jobs they do not know.
 */
export type StageJob = {
  v: 1;
  runId: string;
  pid: number;
  /** The DAG node this job belongs to (its route's steps are `steps`), absent for a route. */
  node?: string;
  gen: number;
  step: number;
  steps: StageStep[];
  input: unknown;
  /** Output of step − 1 (the run's input for step 0). */
  prev: unknown;
  outputs: unknown[];
  /** Hops journaled so far in this generation. */
  hops: StageHop[];
  /** Kernel priority + urgency (0–1100, higher first). */
  priority: number;
};

/** A result or failure report that reaches the execution deck (deck 0). */
export type StageReport =
  | {
      kind: 'completed';
      pid: number;
      runId: string;
      /** The DAG node that finished (absent for a route). */
      node?: string;
      gen: number;
      output: unknown;
      outputs: unknown[];
      hops: StageHop[];
    }
  | {
      kind: 'failed';
      pid: number;
      runId: string;
      node?: string;
      gen: number;
      failure: StageFailure;
      outputs: unknown[];
      hops: StageHop[];
    };
