import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExpressionEvaluator, ExpressionResult } from '@opkernel/kernel';
import { findRepoRoot } from '../config/repo-root.util';
import { PROBLEM_TYPES, ProblemException } from '../problem/problem.exception';

/**
 * Entry file of an expression process and the loader it needs: the compiled `feel-child.js` beside this file,
 * with no loader, when the API runs from its build (dist/api, `npm start`); else the TypeScript `feel-child.ts`
 * under the repository's SWC loader, scripts/register.cjs (Vitest, `npm run journey`, the benchmarks).
 */
export function feelChildEntry(): { file: string; loader: string | null } {
  const compiled = path.join(__dirname, 'feel-child.js');
  if (path.extname(__filename) === '.js' && existsSync(compiled)) return { file: compiled, loader: null };
  return {
    file: path.join(__dirname, 'feel-child.ts'),
    loader: path.join(findRepoRoot(__dirname), 'scripts', 'register.cjs'),
  };
}

const FEEL_CHILD = feelChildEntry();
/** Entry point of an expression process (see {@link feelChildEntry}). */
export const FEEL_CHILD_FILE = FEEL_CHILD.file;
/** The TypeScript loader the expression processes run under; null when they run compiled JavaScript. */
export const TS_LOADER: string | null = FEEL_CHILD.loader;

/** Settings of a {@link FeelProcessPool}. */
export type FeelBudget = {
  /**
   * CPU time one evaluation may use (ms), counted from the moment a process takes it (wall-clock time where
   * a process's CPU time cannot be read, i.e. without Linux `/proc`).
   */
  timeLimitMs: number;
  /** Heap limit of each expression process (V8 old generation, MB). */
  memoryLimitMb: number;
  /** Expression processes (1–2 on a 2-core machine). */
  workers: number;
  /** Longest an evaluation waits for a free process before the evaluator reports itself overloaded (ms). */
  queueTimeoutMs: number;
};

/** Defaults of {@link FeelBudget} (environment: `FEEL_TIME_LIMIT_MS`, `FEEL_MEMORY_LIMIT_MB`, `FEEL_WORKERS`). */
export const DEFAULT_FEEL_BUDGET: FeelBudget = {
  timeLimitMs: 50,
  memoryLimitMb: 64,
  workers: 2,
  queueTimeoutMs: 2000,
};

/**
 * Wall-clock bound of one evaluation however little CPU it got (a starved machine): this many time limits,
 * plus {@link WALL_SLACK_MS}.
 */
const WALL_FACTOR = 10;
const WALL_SLACK_MS = 1000;
/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ: 100 on every Linux build that matters). */
const CLOCK_TICKS = 100;

/** CPU time (user + system, ms) a process has used, from `/proc/<pid>/stat`; null where that cannot be read. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces and parentheses): state is field 3,
    // utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS : null;
  } catch {
    return null;
  }
}

/** Consecutive processes that may die before reporting ready until the pool gives up starting more. */
const MAX_BOOT_FAILURES = 3;
/** Characters of a process's standard error kept to explain its death. */
const STDERR_TAIL = 4096;

/**
 * Rejected when the pool cannot evaluate at all — closed, overloaded, or its processes fail to start. Not the
 * expression's fault, so it fails the whole command (503 problem, nothing written) instead of counting the
 * rule as false.
 */
export class ExpressionEvaluatorUnavailableError extends ProblemException {
  constructor(reason: string) {
    super({
      status: 503,
      type: PROBLEM_TYPES.unavailable,
      title: 'Service Unavailable',
      detail: `rule expressions cannot be evaluated right now: ${reason}`,
      headers: { 'Retry-After': '1' },
    });
  }
}

type Job = {
  id: number;
  expressions: readonly string[];
  context: Record<string, unknown>;
  /** Results so far, in order: the process answers one expression after the other. */
  results: ExpressionResult[];
  resolve: (results: ExpressionResult[]) => void;
  reject: (error: Error) => void;
  /** The queue-wait timer, then the time-budget timer of the expression being evaluated. */
  timer: NodeJS.Timeout | null;
  /** When the expression being evaluated started (performance.now()) and its process's CPU time then (ms). */
  startedAt: number;
  startCpu: number;
};

type Worker = {
  proc: ChildProcess;
  /** Loaded, warmed up and not being killed. */
  ready: boolean;
  /** Reported ready once (a process that dies before that failed to start). */
  started: boolean;
  job: Job | null;
  stderr: string;
  /** CPU time the process reported with its last message (ms); it is idle between evaluations. */
  cpu: number;
};

type ChildMessage =
  | { ready: true; cpu: number }
  | { id: number; index: number; cpu: number; result: { matched: boolean; value: unknown; error: string | null } };

const failed = (error: string, exhausted?: 'time' | 'memory'): ExpressionResult => ({
  matched: false,
  value: null,
  error,
  ...(exhausted ? { exhausted } : {}),
});

/**
 * The API's {@link ExpressionEvaluator}: every FEEL evaluation runs in a separate Node.js process (a small
 * pool, one job per process at a time), so it can neither block the API's event loop nor exhaust its heap.
 *
 * - Time: a timer starts when a process begins an expression; once the process has used the limit in CPU
 *   time (read from `/proc`, so a machine busy with other work does not make a quick expression fail; bounded
 *   in wall-clock time too), the process is killed (SIGKILL stops it even inside native code) and replaced.
 *   Result: `expression exceeded its time budget of 50 ms`.
 * - Memory: each process runs with `--max-old-space-size`; V8 aborts a process that needs more. Result:
 *   `expression exceeded its memory budget of 64 MB`.
 * - Waiting is not charged: a job is sent only to a process that has loaded and warmed up the interpreter and
 *   is idle, so a budget measures the expression itself. A job that waits longer than `queueTimeoutMs` rejects
 *   with {@link ExpressionEvaluatorUnavailableError}.
 * - {@link evaluateAll} sends the expressions of one state change with their context in one message; the
 *   process answers each as soon as it is evaluated, each with its own budget. When one of them ends the
 *   process, it alone fails; the ones after it go to the next free process.
 *
 * Why processes and not worker threads (`resourceLimits`): a worker's heap limit is best-effort — Node gives a
 * worker 16 MB of grace past its limit and aborts the whole process when an allocation needs more (large
 * strings and arrays; nodejs/node#47224). A 100-character expression that passes the import checker
 * (`string length(upper case((for i in 1..27 return if i = 1 then "ab" else partial[-1] + partial[-1])[27]))`)
 * aborted the API that way with a 64 MB worker limit and a 50 ms budget. A process limit takes down only the
 * expression's process.
 *
 * Cost: the context structured-cloned over the IPC channel (`serialization: 'advanced'`) once per job, one
 * small message back per expression, a process hand-off; each process caches each expression's syntax check
 * (feelin has no reusable compiled form). See `npm run bench:feel`.
 */
export class FeelProcessPool implements ExpressionEvaluator {
  private readonly workers = new Set<Worker>();
  private readonly queue: Job[] = [];
  private nextId = 0;
  private bootFailures = 0;
  private closed = false;
  private startFailure: Error | null = null;
  private markStarted!: () => void;
  private markFailed!: (error: Error) => void;
  /** Resolves once every initial process is ready; rejects when processes keep dying before they are. */
  readonly started: Promise<void>;

  constructor(
    readonly budget: FeelBudget = DEFAULT_FEEL_BUDGET,
    private readonly onEvent: (message: string) => void = () => undefined,
  ) {
    this.started = new Promise<void>((resolve, reject) => {
      this.markStarted = resolve;
      this.markFailed = reject;
    });
    this.started.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
    for (let i = 0; i < budget.workers; i++) this.spawn();
  }

  /** Processes able to take a job now or once their current one ends (for tests and monitoring). */
  get readyWorkers(): number {
    return [...this.workers].filter((w) => w.ready).length;
  }

  /**
   * Evaluates `expression` against `context` in an expression process, within the budget. Never rejects for
   * anything the expression does: errors and spent budgets are results with `error` (and `matched: false`).
   * @param context plain JSON-like values (structured-cloned to the process)
   * @throws ExpressionEvaluatorUnavailableError when the pool is closed, overloaded or cannot start processes
   */
  async evaluate(expression: string, context: Record<string, unknown>): Promise<ExpressionResult> {
    return (await this.evaluateAll([expression], context))[0]!;
  }

  /**
   * Evaluates `expressions` against one `context` (sent once), each within its own budget; results in order.
   * @throws ExpressionEvaluatorUnavailableError as {@link evaluate}
   */
  evaluateAll(expressions: readonly string[], context: Record<string, unknown>): Promise<ExpressionResult[]> {
    if (expressions.length === 0) return Promise.resolve([]);
    return this.enqueue(expressions, context, false);
  }

  /** Kills every process and rejects waiting and running jobs. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const unavailable = () => new ExpressionEvaluatorUnavailableError('the server is shutting down');
    for (const job of this.queue.splice(0)) {
      clearTimeout(job.timer!);
      job.reject(unavailable());
    }
    const closes: Promise<unknown>[] = [];
    for (const worker of this.workers) {
      if (worker.job) {
        clearTimeout(worker.job.timer!);
        worker.job.reject(unavailable());
        worker.job = null;
      }
      if (worker.proc.exitCode === null && worker.proc.signalCode === null) {
        closes.push(new Promise((resolve) => worker.proc.once('close', resolve)));
        worker.proc.kill('SIGKILL');
      }
    }
    this.markFailed(unavailable());
    await Promise.all(closes);
  }

  private enqueue(
    expressions: readonly string[],
    context: Record<string, unknown>,
    first: boolean,
  ): Promise<ExpressionResult[]> {
    if (this.closed) return Promise.reject(new ExpressionEvaluatorUnavailableError('the server is shutting down'));
    if (this.startFailure) {
      return Promise.reject(new ExpressionEvaluatorUnavailableError('the expression processes cannot start'));
    }
    return new Promise<ExpressionResult[]>((resolve, reject) => {
      const job: Job = {
        id: ++this.nextId,
        expressions,
        context,
        results: [],
        resolve,
        reject,
        timer: null,
        startedAt: 0,
        startCpu: 0,
      };
      job.timer = setTimeout(() => {
        const i = this.queue.indexOf(job);
        if (i >= 0) this.queue.splice(i, 1);
        reject(
          new ExpressionEvaluatorUnavailableError(
            `no expression process became free within ${this.budget.queueTimeoutMs} ms`,
          ),
        );
      }, this.budget.queueTimeoutMs);
      if (first) this.queue.unshift(job);
      else this.queue.push(job);
      this.pump();
    });
  }

  private spawn(): void {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // the memory limit and the loader are ours alone, not the parent's
    const proc = fork(FEEL_CHILD_FILE, [], {
      execArgv: [`--max-old-space-size=${this.budget.memoryLimitMb}`, ...(TS_LOADER ? ['-r', TS_LOADER] : [])],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env,
    });
    const worker: Worker = { proc, ready: false, started: false, job: null, stderr: '', cpu: 0 };
    this.workers.add(worker);
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      worker.stderr = (worker.stderr + chunk).slice(-STDERR_TAIL);
    });
    proc.on('message', (message: ChildMessage) => this.onMessage(worker, message));
    proc.on('error', (error) => this.onEvent(`FEEL expression process error: ${error.message}`));
    // 'close', not 'exit': by then every message and all of stderr (V8's out-of-memory report) have been read.
    proc.on('close', (code, signal) => this.onClose(worker, code, signal));
  }

  private onMessage(worker: Worker, message: ChildMessage): void {
    worker.cpu = message.cpu;
    if ('ready' in message) {
      worker.ready = true;
      worker.started = true;
      this.bootFailures = 0;
      if (this.readyWorkers >= this.budget.workers) this.markStarted();
      this.pump();
      return;
    }
    const job = worker.job;
    // An answer that came after its time was up, or out of order: ignore it.
    if (!job || job.id !== message.id || message.index !== job.results.length) return;
    clearTimeout(job.timer!);
    const { matched, value, error } = message.result;
    job.results.push({ matched, value, error });
    if (job.results.length < job.expressions.length) {
      this.startClock(worker, job, message.cpu);
      return;
    }
    worker.job = null;
    job.resolve(job.results);
    this.pump();
  }

  /** Starts the time budget of the job's next expression (its process's CPU time is `cpu` now). */
  private startClock(worker: Worker, job: Job, cpu: number): void {
    job.startedAt = performance.now();
    job.startCpu = cpu;
    const index = job.results.length;
    job.timer = setTimeout(() => this.checkTime(worker, job, index), this.budget.timeLimitMs);
  }

  private onClose(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    this.workers.delete(worker);
    const job = worker.job;
    worker.job = null;
    if (job) {
      clearTimeout(job.timer!);
      const expression = job.expressions[job.results.length]!;
      if (this.closed) {
        job.reject(new ExpressionEvaluatorUnavailableError('the server is shutting down'));
      } else if (/heap out of memory|Allocation failed/i.test(worker.stderr)) {
        this.onEvent(`FEEL expression exceeded its memory budget (${this.budget.memoryLimitMb} MB): ${expression}`);
        job.results.push(failed(`expression exceeded its memory budget of ${this.budget.memoryLimitMb} MB`, 'memory'));
        this.finishRest(job);
      } else {
        this.onEvent(`FEEL expression process died (${signal ?? code}) evaluating: ${expression}`);
        job.results.push(failed(`expression evaluation failed: its process exited (${signal ?? `code ${code}`})`));
        this.finishRest(job);
      }
    }
    if (this.closed) return;
    if (!worker.started) {
      this.bootFailures += 1;
      this.onEvent(`FEEL expression process failed to start (${signal ?? code}): ${worker.stderr.slice(-500)}`);
      if (this.bootFailures >= MAX_BOOT_FAILURES) {
        this.startFailure = new Error(`expression processes keep failing to start: ${worker.stderr.slice(-500)}`);
        for (const waiting of this.queue.splice(0)) {
          clearTimeout(waiting.timer!);
          waiting.reject(new ExpressionEvaluatorUnavailableError('the expression processes cannot start'));
        }
        this.markFailed(this.startFailure);
        return;
      }
    }
    this.spawn();
  }

  /** After the process of `job` died: resolves it, first evaluating the expressions it had not reached. */
  private finishRest(job: Job): void {
    const done = job.results.length;
    if (done === job.expressions.length) {
      job.resolve(job.results);
      return;
    }
    this.enqueue(job.expressions.slice(done), job.context, true).then(
      (rest) => job.resolve([...job.results, ...rest]),
      (error: Error) => job.reject(error),
    );
  }

  /** Sends waiting jobs to idle, ready processes and starts the first expression's time budget. */
  private pump(): void {
    for (const worker of this.workers) {
      if (this.queue.length === 0) return;
      if (!worker.ready || worker.job) continue;
      const job = this.queue.shift()!;
      clearTimeout(job.timer!);
      worker.job = job;
      this.startClock(worker, job, worker.cpu);
      try {
        worker.proc.send({ id: job.id, expressions: job.expressions, context: job.context });
      } catch (error) {
        // The context cannot be cloned (not plain data) or the channel is gone: this job fails.
        clearTimeout(job.timer!);
        worker.job = null;
        const reason = `expression evaluation failed: ${(error as Error).message}`;
        job.resolve(job.expressions.map(() => failed(reason)));
      }
    }
  }

  /**
   * At the time limit of expression `index` of `job`: ends it when its process has used the limit in CPU time
   * (or when that cannot be read, or at the wall-clock bound); otherwise — the process was starved of CPU by a
   * busy machine — checks again when the rest of the budget could have been used. Before ending it, lets
   * pending messages in: the expression may have just answered.
   */
  private checkTime(worker: Worker, job: Job, index: number): void {
    if (worker.job !== job || job.results.length !== index) return;
    const cpu = worker.proc.pid === undefined ? null : processCpuMs(worker.proc.pid);
    const used = cpu === null ? Number.POSITIVE_INFINITY : cpu - job.startCpu;
    const wall = performance.now() - job.startedAt;
    const limit = this.budget.timeLimitMs;
    if (used < limit && wall < WALL_FACTOR * limit + WALL_SLACK_MS) {
      job.timer = setTimeout(() => this.checkTime(worker, job, index), Math.max(5, limit - used));
      return;
    }
    job.timer = null;
    setImmediate(() => {
      if (worker.job === job && job.results.length === index) this.timeUp(worker, job);
    });
  }

  private timeUp(worker: Worker, job: Job): void {
    worker.job = null;
    worker.ready = false; // killed below; replaced when it has closed
    worker.proc.kill('SIGKILL');
    const expression = job.expressions[job.results.length]!;
    this.onEvent(`FEEL expression exceeded its time budget (${this.budget.timeLimitMs} ms): ${expression}`);
    job.results.push(failed(`expression exceeded its time budget of ${this.budget.timeLimitMs} ms`, 'time'));
    this.finishRest(job);
  }
}
