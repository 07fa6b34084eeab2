/**
 * Pieces of the native designs the automation suites import (decks, workers, decks admin, devices, events): the
 * nurses amy and bob, the `start` instruction, state events and a start rule, and the queue backends to run on.
 */

/** The `start_service` instruction, keyed `start`. */
export const START_INSTRUCTION = { key: 'start', label: 'start', sysCall: 'start_service', parameters: [] };

/** An event on entering a state, e.g. `stateEvent('on_new', 'NEW')`. */
export const stateEvent = (key: string, state: string) => ({
  key,
  label: key,
  expression: `process_state = "${state}"`,
});

/** A rule of `program`: when `subject` meets `event`, start `operand` (the label is the key). */
export const startRule = (
  key: string,
  program: string,
  order: number,
  subject: string,
  event: string,
  operand: string,
) => ({
  key,
  label: key,
  program,
  order,
  subject,
  event,
  instruction: 'start',
  operand,
});

/** The nurses amy and bob (passwords set by `setupNurses`). */
export const NURSES = [
  { key: 'amy', label: 'Amy', username: 'amy', roles: ['nurse'], staff: true },
  { key: 'bob', label: 'Bob', username: 'bob', roles: ['nurse'], staff: true },
];

/** The queue backends to run a suite on: PostgreSQL always, Redis when `REDIS_URL` is set. */
export const QUEUE_BACKENDS: { name: string; redisUrl: string | null }[] = [
  { name: 'PostgreSQL', redisUrl: null },
  ...(process.env.REDIS_URL ? [{ name: 'Redis', redisUrl: process.env.REDIS_URL }] : []),
];
