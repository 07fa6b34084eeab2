import type { Clock } from '../ports/ports';

/** A clock for tests: starts at `start` (epoch ms) and moves only when told; refuses to go backwards. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now(): number {
    return this.current;
  }
  /** Moves forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('ManualClock cannot go back in time');
    this.current += ms;
  }
}
