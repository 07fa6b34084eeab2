/**
 * Deterministic ids of a run's jobs (reference/decks.md §2.6): a redelivered hop re-adds the same id, which the
 * queue ignores while the job exists, so a crash between "add the next hop" and "ack this one" produces no
 * second hop. Ids never contain `:` and are never all digits (BullMQ's rules for custom job ids).
 */

/** Run id of a process's n-th automation run: `p<pid>r<n>`. */
export const runIdOf = (pid: number, n: number): string => `p${pid}r${n}`;

/** Job id of step `step` of generation `gen`: `<runId>-s<step>-g<gen>` (`<runId>-n<node>-s<step>-g<gen>` in a DAG). */
export const hopJobId = (runId: string, step: number, gen: number, node?: string): string =>
  node === undefined ? `${runId}-s${step}-g${gen}` : `${runId}-n${node}-s${step}-g${gen}`;

/** Job id of a generation's report to the execution deck: `done-<runId>-g<gen>` (`done-<runId>-n<node>-g<gen>`). */
export const reportJobId = (runId: string, gen: number, node?: string): string =>
  node === undefined ? `done-${runId}-g${gen}` : `done-${runId}-n${node}-g${gen}`;

/** Largest BullMQ priority (2^21 − 1). */
export const BULL_PRIORITY_LIMIT = 2 ** 21 - 1;

/**
 * BullMQ priority of a kernel priority (0–1000 plus urgency up to 100; higher runs sooner): `1101 − p`, so lower
 * BullMQ numbers run first and 0 (BullMQ's "no priority", which runs before every prioritised job) is never used.
 */
export function bullPriority(priority: number): number {
  const p = Math.max(0, Math.min(1100, Math.round(priority)));
  return 1101 - p;
}

/** The wait reason of a process waiting on its run: `deck:<deck>#<runId>-g<gen>`. */
export const stageWaitReason = (deck: string, runId: string, gen: number): string => `deck:${deck}#${runId}-g${gen}`;

/** True when a wait reason is a wait on decks. */
export const isStageWait = (reason: string | null): boolean => (reason ?? '').startsWith('deck:');
