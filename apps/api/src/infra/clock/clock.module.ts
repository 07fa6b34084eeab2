import { Global, Module } from '@nestjs/common';
import { ManualClock, type Clock } from '@opkernel/kernel';

/** Injection token of the API's {@link Clock} (what every command's time comes from). */
export const CLOCK = Symbol('CLOCK');

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * True when `OPKERNEL_CLOCK=manual`: the API runs on a {@link ManualClock} that only `POST /api/v1/test/clock`
 * moves (for tests of timers and SLAs). Refused with `NODE_ENV=production`.
 * @throws Error for `OPKERNEL_CLOCK=manual` in production, or any other value than `manual` / `system` / unset
 */
export function manualClockRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const mode = env.OPKERNEL_CLOCK ?? '';
  if (mode === '' || mode === 'system') return false;
  if (mode !== 'manual') throw new Error(`OPKERNEL_CLOCK must be "manual" or "system", not ${JSON.stringify(mode)}`);
  if (env.NODE_ENV === 'production')
    throw new Error('OPKERNEL_CLOCK=manual is for tests: refused with NODE_ENV=production');
  return true;
}

/** Provides {@link CLOCK}: the system clock, or a {@link ManualClock} starting now under `OPKERNEL_CLOCK=manual`. */
@Global()
@Module({
  providers: [
    { provide: CLOCK, useFactory: (): Clock => (manualClockRequested() ? new ManualClock(Date.now()) : systemClock) },
  ],
  exports: [CLOCK],
})
export class ClockModule {}
