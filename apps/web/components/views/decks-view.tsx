'use client';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage, seg } from '../../lib/api';
import type { DeckFailure, DeckView } from '../../lib/types/decks';
import { usePolling } from '../../lib/use-polling';
import { useResource } from '../../lib/use-resource';
import { AdminOnly } from '../admin/admin-only';
import { BullBoardLink } from '../decks/bull-board-link';
import { DeckTable } from '../decks/deck-table';
import { LoadError } from '../load-error';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';

/** How often the decks (and the open failure lists) are read again (ms). */
export const DECKS_REFRESH_MS = 3_000;
/** Failed jobs shown per deck. */
const FAILURES_SHOWN = 20;

/** `/admin/decks/` (admins): the decks' queues — counts, workers, paused; pause/resume; failures; Bull Board. */
export function DecksView() {
  const { t } = useTranslation();
  return (
    <AdminOnly title={t('decks.title')}>
      <Decks />
    </AdminOnly>
  );
}

function Decks() {
  const { t } = useTranslation();
  const decks = useResource<DeckView[]>('/v1/decks');
  const [open, setOpen] = useState<ReadonlyMap<string, DeckFailure[] | null>>(new Map());
  const [busyKey, setBusyKey] = useState<string | null>(null);
  const [message, setMessage] = useState<NoticeMessage | null>(null);

  const loadFailures = useCallback(async (key: string) => {
    const list = await api.get<DeckFailure[]>(`/v1/decks/${seg(key)}/failures?limit=${FAILURES_SHOWN}`);
    setOpen((m) => (m.has(key) ? new Map(m).set(key, list) : m));
  }, []);

  usePolling(() => Promise.all([decks.reload(), ...[...open.keys()].map(loadFailures)]), DECKS_REFRESH_MS);

  const toggleFailures = (d: DeckView) => {
    if (open.has(d.key)) {
      setOpen((m) => {
        const next = new Map(m);
        next.delete(d.key);
        return next;
      });
      return;
    }
    setOpen((m) => new Map(m).set(d.key, null));
    void loadFailures(d.key).catch((e: unknown) => setMessage(notice('error', errorMessage(e))));
  };

  const setPaused = (d: DeckView, paused: boolean) => {
    setBusyKey(d.key);
    api
      .post<DeckView>(`/v1/decks/${seg(d.key)}/${paused ? 'pause' : 'resume'}`)
      .then(
        (updated) => {
          decks.set((list) => list?.map((x) => (x.key === updated.key ? updated : x)) ?? null);
          setMessage(notice('success', t(paused ? 'decks.pausedDone' : 'decks.resumedDone', { label: d.label })));
        },
        (e: unknown) =>
          setMessage(notice('error', t('decks.actionFailed', { label: d.label, message: errorMessage(e) }))),
      )
      .finally(() => setBusyKey(null));
  };

  return (
    <article data-testid="decks-page">
      <PageTitle title={t('decks.title')}>
        <BullBoardLink />
      </PageTitle>
      <p className="muted">{t('decks.hint')}</p>
      <Notice message={message} onClose={() => setMessage(null)} />
      <LoadError error={decks.error} onRetry={() => void decks.reload()} />
      <section className="card">
        {decks.data && decks.data.length === 0 && (
          <p className="empty" data-testid="decks-empty">
            {t('decks.empty')}
          </p>
        )}
        {decks.data && decks.data.length > 0 && (
          <DeckTable
            decks={decks.data}
            busyKey={busyKey}
            open={open}
            onPause={setPaused}
            onToggleFailures={toggleFailures}
          />
        )}
      </section>
    </article>
  );
}
