/** Injection token of {@link DecksOptions}. */
export const DECKS_OPTIONS = Symbol('DECKS_OPTIONS');

/** How this process takes part in the decks: `inlineWorkers` runs the design's deck workers here too. */
export type DecksOptions = { inlineWorkers: boolean };

/** Options from the environment: `DECK_WORKERS=off` leaves deck work to `npm run worker` processes. */
export function decksOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DecksOptions {
  return { inlineWorkers: env['DECK_WORKERS'] !== 'off' };
}
