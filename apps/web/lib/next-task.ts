'use client';
import { apiRequest, ApiProblem } from './api';
import type { NextTaskAnswer, NextTaskBody } from './types/scheduler';

/**
 * Get next (`POST /api/v1/tasks/next`) for the My tasks page, and the hand-off of its answer to the task page it
 * opens (so that page can say which task you got, and why, without asking again).
 */

/** Why get-next handed out nothing (a 409), in the words the UI uses. */
export type NextTaskRefusal =
  | { kind: 'away'; presence: string }
  | { kind: 'offShift' }
  | { kind: 'capacityFull'; load: number | null; capacity: number | null };

/** A random `Idempotency-Key` (crypto.getRandomValues also works outside secure contexts, unlike randomUUID). */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `next-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The key of a request whose answer never arrived: the retry sends it again, so it cannot hand out a second task. */
let unansweredKey: string | null = null;

/**
 * Asks for my next task (assigned to me, not started, unless `body` says otherwise).
 * @returns the task and why, or null when nothing fits now (204)
 * @throws ApiProblem for a refusal (409 NOT_AVAILABLE / CAPACITY_FULL, see {@link refusalOf}) or any other failure
 */
export async function requestNextTask(body: NextTaskBody = { start: false }): Promise<NextTaskAnswer | null> {
  const key = unansweredKey ?? newIdempotencyKey();
  unansweredKey = key;
  try {
    const answer = await apiRequest<NextTaskAnswer | undefined>('/v1/tasks/next', {
      method: 'POST',
      body,
      headers: { 'Idempotency-Key': key },
    });
    unansweredKey = null;
    return answer ?? null;
  } catch (e) {
    // The server answered (even with a problem): the next click is a new request. A network failure keeps the key.
    if (e instanceof ApiProblem) unansweredKey = null;
    throw e;
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The refusal a get-next problem stands for (409 NOT_AVAILABLE / CAPACITY_FULL), or null for other problems. */
export function refusalOf(e: unknown): NextTaskRefusal | null {
  if (!(e instanceof ApiProblem) || e.status !== 409) return null;
  const { code } = e.problem;
  const details = (e.problem['details'] ?? {}) as Record<string, unknown>;
  if (code === 'NOT_AVAILABLE')
    return details['reason'] === 'off_shift'
      ? { kind: 'offShift' }
      : { kind: 'away', presence: typeof details['presence'] === 'string' ? details['presence'] : 'away' };
  if (code === 'CAPACITY_FULL')
    return { kind: 'capacityFull', load: num(details['load']), capacity: num(details['capacity']) };
  return null;
}

/** The last get-next answer, until the task page of its pid took it. */
let handoff: NextTaskAnswer | null = null;

/** Keeps `answer` for the task page about to open. */
export function handOff(answer: NextTaskAnswer): void {
  handoff = answer;
}

/** The handed-off answer for task `pid`, or null (reading does not consume it: see {@link dropHandOff}). */
export function peekHandOff(pid: number): NextTaskAnswer | null {
  return handoff?.process.pid === pid ? handoff : null;
}

/** Forgets the hand-off of task `pid` (once its page has shown it). */
export function dropHandOff(pid: number): void {
  if (handoff?.process.pid === pid) handoff = null;
}
