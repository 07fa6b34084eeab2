import { Injectable } from '@nestjs/common';
import type { CommandAnswer } from '@opkernel/contracts';
import { isStageWait } from '@opkernel/kernel';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { ProcessQueries } from './process-queries.service';

/** Longest `Prefer: wait` honoured, seconds. */
export const MAX_WAIT_S = 60;
/** How soon a waiting request looks again, ms: first after {@link POLL_MIN_MS}, backing off to {@link POLL_MAX_MS}. */
const POLL_MIN_MS = 50;
const POLL_MAX_MS = 500;

/**
 * The `wait` preference of a `Prefer` header (RFC 7240 §4.3), in seconds capped at {@link MAX_WAIT_S}, or null.
 * `Prefer: respond-async, wait=10` → 10.
 */
export function preferredWait(header: string | undefined): number | null {
  const m = /(?:^|[,;\s])wait\s*=\s*"?(\d+)"?/i.exec(header ?? '');
  if (!m) return null;
  const seconds = Number(m[1]);
  return seconds > 0 ? Math.min(seconds, MAX_WAIT_S) : null;
}

/**
 * The blocking mode of the result ring (reference/decks.md §1.3, `Prefer: wait=N`): a command's answer, held until
 * none of the processes it names (the result and its cascade) waits on decks any more — the runs it started have
 * finished or failed — or `seconds` pass. Re-read through the read policy (a process that became unreadable keeps
 * its first view). Works across replicas: it looks at the database, not at this process's deliveries.
 */
@Injectable()
export class RunWait {
  constructor(private readonly queries: ProcessQueries) {}

  /** @returns the fresher answer and whether every run settled in time */
  async settle(
    answer: CommandAnswer,
    operator: AuthenticatedOperator,
    seconds: number,
  ): Promise<{ answer: CommandAnswer; settled: boolean }> {
    const deadline = Date.now() + seconds * 1000;
    const running = (state: string, reason: string | null | undefined) =>
      state === 'WAITING' && isStageWait(reason ?? null);
    let current = answer;
    let pause = POLL_MIN_MS;
    for (;;) {
      const root = await this.queries.one(answer.pid, operator);
      const items = await Promise.all(
        answer.cascade.map(async (c) => {
          const v = await this.queries.one(c.pid, operator);
          return v
            ? { ...c, state: v.state, assignee: v.assignee, candidateRoles: v.candidateRoles, view: v }
            : { ...c, view: null };
        }),
      );
      current = {
        ...(root ?? answer),
        cascade: items.map(({ view: _view, ...c }) => c),
      } as CommandAnswer;
      const busy =
        (root !== null && running(root.state, root.waitReason)) ||
        items.some((i) => i.view !== null && running(i.view.state, i.view.waitReason));
      if (!busy) return { answer: current, settled: true };
      if (Date.now() >= deadline) return { answer: current, settled: false };
      await new Promise((r) => setTimeout(r, Math.min(pause, deadline - Date.now())));
      pause = Math.min(POLL_MAX_MS, Math.round(pause * 1.5));
    }
  }
}
