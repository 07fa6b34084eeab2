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

/**
 * BullMQ options of a report to the execution deck: one id per run generation (and node); retried every 2 s for
 * about three hours while the kernel cannot take it (the database down), since a lost report leaves its process
 * waiting.
 */
export function reportOptions(report: StageReport): JobsOptions {
  return {
    jobId: reportJobId(report.runId, report.gen, report.node),
    attempts: 5000,
    backoff: { type: 'fixed', delay: 2000 },
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

/** The end of a hop whose failure was already reported to the execution deck: no retries, no second report. */
export class ReportedFailure extends UnrecoverableError {}

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
 * execution deck and ends the job without retries. A job that fails without passing here (it stalled too often,
 * its report could not be added) is reported by the deck's worker ({@link reportLostFailure}).
 * @throws the handler's error (to retry), or ReportedFailure after reporting the final failure
 */
export async function runHop(job: Job<StageJob>, handlers: DeckHandlers, sink: HopSink): Promise<{ step: number }> {
  const data = job.data;
  const step = data.steps[data.step];
  if (data.v !== 1 || !step) throw new UnrecoverableError(`unknown stage job shape (v${String(data.v)})`);
  const attempt = job.attemptsMade + 1;
  const startedAt = Date.now();
  const hop = (outcome: StageHop['outcome'], error?: string): StageHop => ({
    ...(data.node !== undefined ? { node: data.node } : {}),
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
    if (e instanceof ReportedFailure) throw e;
    const message = e instanceof Error ? e.message : String(e);
    // A handler's UnrecoverableError is a non-retryable failure like DeckError(…, { retryable: false }).
    const retryable =
      !(e instanceof UnrecoverableError) && (!(e instanceof DeckError) || e.options.retryable !== false);
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
    throw new ReportedFailure(`${failure.code}: ${failure.message}`);
  }
}

/**
 * The report of a hop that failed for good without {@link runHop} reporting it — BullMQ failed it after too many
 * stalls (its workers died mid-step), or its final report could not be added — so that its process becomes an
 * incident instead of waiting forever. Null when there is nothing to report (a retry is coming, or runHop reported).
 */
export function lostFailure(job: Job<StageJob>, error: Error): StageReport | null {
  if (error instanceof ReportedFailure || job.finishedOn === undefined) return null;
  const data = job.data;
  const step = data?.steps?.[data.step];
  if (data?.v !== 1 || !step) return null;
  const stalled = /stalled/i.test(error.message);
  return {
    kind: 'failed',
    ...route(data),
    failure: {
      code: stalled ? 'STAGE_STALLED' : 'STAGE_FAILED',
      deck: step.deck,
      step: data.step,
      attempts: Math.max(job.attemptsMade, 1),
      message: error.message.slice(0, 2000),
    },
    outputs: data.outputs,
    hops: data.hops,
  };
}
