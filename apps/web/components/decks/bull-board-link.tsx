'use client';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { routes } from '../../lib/routes';
import type { BoardSession } from '../../lib/types/decks';

/** How long before a board session ends this page opens the next one (ms). */
const RENEW_AHEAD_MS = 60_000;

/**
 * The link to Bull Board. A page load of `/admin/queues` carries no bearer token, so this asks the API for a board
 * session (an HttpOnly cookie on that path only) when it mounts, and again before it ends; the link is a plain
 * new-tab link, enabled once the session is there (`data-ready`).
 */
export function BullBoardLink() {
  const { t } = useTranslation();
  const [session, setSession] = useState<BoardSession | null>(null);
  const open = useCallback(
    () =>
      api.post<BoardSession>('/v1/decks/board-session').then(
        (s) => setSession(s),
        () => setSession(null),
      ),
    [],
  );
  useEffect(() => {
    void open();
  }, [open]);
  useEffect(() => {
    if (!session) return;
    const timer = window.setTimeout(() => void open(), Math.max(5_000, session.expiresIn * 1000 - RENEW_AHEAD_MS));
    return () => window.clearTimeout(timer);
  }, [session, open]);
  return (
    <a
      className="btn"
      href={session?.url ?? routes.bullBoard}
      target="_blank"
      rel="noopener"
      data-testid="bull-board-link"
      data-ready={String(session !== null)}
      aria-disabled={session === null}
      title={t('decks.boardHint')}
    >
      {t('decks.board')}
    </a>
  );
}
