'use client';
import { useEffect, useRef, useState } from 'react';
import { useTaskChanges } from './live';
import type { TaskAction } from './types/process';

/** Whether the task left the reader while open: `to` is the new assignee's name ('' = its pool), null while not. */
export type TransferredAway = {
  to: string | null;
  /** The reader's own action now running (null when done): their transfer or unclaim is not "taken away". */
  acting(action: TaskAction | null): void;
  /** The reader gave the task up themselves (their transfer or unclaim succeeded). */
  released(): void;
};

/**
 * Notices when the task the reader had is taken from them while the page is open — transferred by someone else,
 * or sent back to its pool (an SLA) — from the reloaded process or the live change itself (which still arrives
 * when the reader may no longer read the task). The reader's own transfer or unclaim does not count.
 */
export function useTransferredAway(
  pid: number,
  p: { assignee: string | null; assigneeName?: string | null } | null,
  me: string,
): TransferredAway {
  const [to, setTo] = useState<string | null>(null);
  const had = useRef(false);
  const own = useRef<TaskAction | null>(null);
  const seen = (assignee: string | null, name: string | null | undefined) => {
    if (assignee === me) {
      had.current = true;
      setTo(null);
    } else if (had.current && own.current !== 'transfer' && own.current !== 'unclaim') {
      setTo(assignee === null ? '' : (name ?? assignee));
    } else had.current = false;
  };
  const assignee = p?.assignee;
  useEffect(() => {
    if (p) seen(p.assignee, p.assigneeName);
    // Judged once per assignee (`seen` reads refs only).
  }, [assignee]);
  useTaskChanges((c) => {
    if (c.pid === pid && c.assignee !== me && had.current) seen(c.assignee, c.assigneeName);
  });
  return {
    to,
    acting: (action) => (own.current = action),
    released: () => {
      had.current = false;
    },
  };
}
