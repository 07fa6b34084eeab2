/** Injection token of {@link DecksOptions}. */
export const DECKS_OPTIONS = Symbol('DECKS_OPTIONS');

/**
 * How a worker holds its jobs: a job's lock lasts `lockDurationMs` (renewed while it runs); every
 * `stalledIntervalMs` workers look for jobs whose lock lapsed (their worker died) and run them again (BullMQ's
 * stalled-job check; defaults 30 s both).
 */
export type WorkerTuning = { lockDurationMs: number; stalledIntervalMs: number };

/** BullMQ's defaults. */
export const DEFAULT_TUNING: WorkerTuning = { lockDurationMs: 30_000, stalledIntervalMs: 30_000 };

/** How this process takes part in the decks: `inlineWorkers` runs the design's deck workers here too. */
export type DecksOptions = { inlineWorkers: boolean; tuning: WorkerTuning };

/** A positive integer from the environment, else `fallback`. */
function ms(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Options from the environment: `DECK_WORKERS=off` leaves deck work to `npm run worker` processes;
 * `DECK_LOCK_MS` / `DECK_STALLED_MS` tune how fast a dead worker's jobs are taken over.
 */
export function decksOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DecksOptions {
  return {
    inlineWorkers: env['DECK_WORKERS'] !== 'off',
    tuning: {
      lockDurationMs: ms(env['DECK_LOCK_MS'], DEFAULT_TUNING.lockDurationMs),
      stalledIntervalMs: ms(env['DECK_STALLED_MS'], DEFAULT_TUNING.stalledIntervalMs),
    },
  };
}
