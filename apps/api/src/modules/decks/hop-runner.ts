import { hostname } from 'node:os';
import { UnrecoverableError, type Job, type JobsOptions } from 'bullmq';
import {
  bullPriority,
  hopJobId,
  reportJobId,
  type StageFailure,
  type StageHop,
  type StageJob,
  type StageReport,
} from '@opkernel/kernel';
import { DeckError, type DeckHandlers } from './deck-handlers';

/** The queue of a deck: `deck-<key>`. */
export const deckQueueName = (deck: string): string => `deck-${deck}`;
/** The execution deck's queue (deck 0): results and failures of runs, consumed by the API (the Guide). */
export const EXECUTION_QUEUE = 'deck-execution';
/** Largest step output carried between hops, bytes of JSON (reference/decks.md §2.4). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** How long finished jobs are kept, so that a re-added id is still recognised as a duplicate (s). */
export const KEEP_COMPLETED_S = 3600;
/** How long failed jobs are kept for admins to look at (s). */
export const KEEP_FAILED_S = 7 * 86_400;

/** This worker's name in the hop journal. */
export const WORKER_NAME = `${hostname()}:${process.pid}`;

/** BullMQ options of a hop: its deterministic id, priority, attempts and backoff. */
export function hopOptions(job: StageJob): JobsOptions {
  const step = job.steps[job.step]!;
  return {
    jobId: hopJobId(job.runId, job.step, job.gen, job.node),
    priority: bullPriority(job.priority),
    attempts: step.retry.attempts,
    backoff: { type: step.retry.backoff.type, delay: step.retry.backoff.delayMs, jitter: step.retry.backoff.jitter },
    removeOnComplete: { age: KEEP_COMPLETED_S },
    removeOnFail: { age: KEEP_FAILED_S },
  };
}

/** BullMQ options of a report to the execution deck: one id per run generation; retried if the kernel is busy. */
export function reportOptions(report: StageReport): JobsOptions {
  return {
    jobId: reportJobId(report.runId, report.gen, report.node),
    attempts: 10,
    backoff: { type: 'exponential', delay: 200 },
    removeOnComplete: { age: KEEP_COMPLETED_S },
    removeOnFail: { age: KEEP_FAILED_S },
  };
}

/** Which run (and DAG node) and generation a report is about. */
const route = (job: StageJob) => ({
  pid: job.pid,
  runId: job.runId,
  gen: job.gen,
  ...(job.node !== undefined ? { node: job.node } : {}),
});

/** Where a hop hands its work on: the next step's deck, or the execution deck. */
export type HopSink = {
  next(job: StageJob): Promise<void>;
  report(report: StageReport): Promise<void>;
};

/** Runs `work` with an abort signal that fires after `ms` (null: never) with a retryable STAGE_TIMEOUT. */
async function withTimeout<T>(ms: number | null, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  if (ms === null) return work(ac.signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new DeckError('STAGE_TIMEOUT', `attempt timed out after ${ms} ms`);
      ac.abort(e);
      reject(e);
    }, ms);
  });
  try {
    return await Promise.race([work(ac.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one attempt of one route step (the worker side of reference/decks.md §2.4): the step's handler under its
 * per-attempt timeout; on success it adds the next step (or the result, to the execution deck) BEFORE the job is
 * acknowledged, under deterministic ids — a worker killed in between re-runs the hop after the stall and re-adds
 * the same id, which the queue ignores. A failure with attempts left is journaled on the job and rethrown (BullMQ
 * retries it with the step's backoff); the last attempt, or a non-retryable error, reports the failure to the
 * execution deck and ends the job without retries.
 * @throws the handler's error (to retry), or UnrecoverableError after reporting the final failure
 */
export async function runHop(job: Job<StageJob>, handlers: DeckHandlers, sink: HopSink): Promise<{ step: number }> {
  const data = job.data;
  const step = data.steps[data.step];
  if (data.v !== 1 || !step) throw new UnrecoverableError(`unknown stage job shape (v${String(data.v)})`);
  const attempt = job.attemptsMade + 1;
  const startedAt = Date.now();
  const hop = (outcome: StageHop['outcome'], error?: string): StageHop => ({
    step: data.step,
    deck: step.deck,
    handler: step.handler,
    attempt,
    worker: WORKER_NAME,
    startedAt,
    endedAt: Date.now(),
    outcome,
    ...(error !== undefined ? { error } : {}),
  });
  try {
    const handler = handlers.get(step.handler);
    if (!handler)
      throw new DeckError('UNKNOWN_HANDLER', `no handler "${step.handler}" in this worker`, { retryable: false });
    const output =
      (await withTimeout(step.timeoutMs, (signal) =>
        handler({
          input: data.input,
          prev: data.prev,
          outputs: data.outputs,
          config: step.config ?? {},
          attempt,
          idempotencyKey: job.id ?? hopJobId(data.runId, data.step, data.gen, data.node),
          signal,
          heartbeat: async (details) => job.updateProgress((details ?? {}) as object),
          lastHeartbeat: job.progress,
        }),
      )) ?? null;
    if (Buffer.byteLength(JSON.stringify(output)) > MAX_PAYLOAD_BYTES)
      throw new DeckError('PAYLOAD_TOO_LARGE', `output over ${MAX_PAYLOAD_BYTES} bytes`, { retryable: false });
    const hops = [...data.hops, hop('completed')];
    const outputs = [...data.outputs, output];
    if (data.step + 1 < data.steps.length)
      await sink.next({ ...data, step: data.step + 1, prev: output, outputs, hops });
    else await sink.report({ kind: 'completed', ...route(data), output, outputs, hops });
    return { step: data.step };
  } catch (e) {
    if (e instanceof UnrecoverableError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const retryable = !(e instanceof DeckError) || e.options.retryable !== false;
    const hops = [...data.hops, hop('failed', message)];
    if (retryable && attempt < (job.opts.attempts ?? 1)) {
      await job.updateData({ ...data, hops });
      throw e;
    }
    const failure: StageFailure = {
      code: e instanceof DeckError ? e.code : 'STAGE_FAILED',
      deck: step.deck,
      step: data.step,
      attempts: attempt,
      message: message.slice(0, 2000),
    };
    await sink.report({
      kind: 'failed',
      ...route(data),
      failure,
      outputs: data.outputs,
      hops,
    });
    throw new UnrecoverableError(`${failure.code}: ${failure.message}`);
  }
}
