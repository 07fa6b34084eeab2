'use client';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeckCounts, DeckFailure, DeckView } from '../../lib/types/decks';
import { DeckFailures } from './deck-failures';

/** The counts shown per deck, in the order a job moves through them. */
const COUNTS: (keyof DeckCounts)[] = ['waiting', 'prioritized', 'delayed', 'active', 'failed', 'completed'];

type Props = {
  decks: DeckView[];
  /** Key of the deck a pause/resume is running for. */
  busyKey: string | null;
  /** Decks whose failures are shown, with what was loaded (null: loading). */
  open: ReadonlyMap<string, DeckFailure[] | null>;
  onPause(deck: DeckView, paused: boolean): void;
  onToggleFailures(deck: DeckView): void;
};

/** One row per deck: id, label, key and handlers, concurrency, job counts, workers, paused; pause/resume; failures. */
export function DeckTable({ decks, busyKey, open, onPause, onToggleFailures }: Props) {
  const { t } = useTranslation();
  const columns = 5 + COUNTS.length;
  return (
    <div className="table-wrap decks-wrap">
      <table className="table deck-table" data-testid="deck-table">
        <thead>
          <tr>
            <th scope="col">{t('decks.deck')}</th>
            <th scope="col" className="num">
              {t('decks.concurrency')}
            </th>
            {COUNTS.map((c) => (
              <th scope="col" key={c} className="num">
                {t(`decks.counts.${c}`)}
              </th>
            ))}
            <th scope="col" className="num">
              {t('decks.workers')}
            </th>
            <th scope="col">{t('decks.status')}</th>
            <th scope="col">
              <span className="sr-only">{t('decks.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {decks.map((d) => {
            const failures = open.get(d.key);
            const shown = open.has(d.key);
            return (
              <Fragment key={d.key}>
                <tr data-testid="deck-row" data-key={d.key} data-paused={String(d.paused)}>
                  <th scope="row">
                    <span className="deck-id">{d.id}</span> {d.label} <span className="muted">({d.key})</span>
                    <div className="deck-handlers" data-testid="deck-handlers" title={t('decks.handlers')}>
                      {d.handlers.length > 0 ? d.handlers.join(', ') : t('decks.executionHandlers')}
                    </div>
                  </th>
                  <td className="num">{d.concurrency}</td>
                  {COUNTS.map((c) => (
                    <td
                      key={c}
                      className={`num${c === 'failed' && d.counts.failed > 0 ? ' deck-count-failed' : ''}`}
                      data-testid={`deck-count-${c}`}
                    >
                      {d.counts[c]}
                    </td>
                  ))}
                  <td
                    className="num"
                    data-testid="deck-workers"
                    title={d.workerSource === 'local' ? t('decks.workersLocal') : undefined}
                  >
                    {d.workers}
                    {d.workerSource === 'local' && '*'}
                  </td>
                  <td>
                    <span
                      className={`badge ${d.paused ? 'state-suspended' : 'state-running'}`}
                      data-testid="deck-status"
                    >
                      {d.paused ? t('decks.paused') : t('decks.running')}
                    </span>
                  </td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="btn btn-small"
                      data-testid={`deck-${d.paused ? 'resume' : 'pause'}-${d.key}`}
                      disabled={busyKey === d.key}
                      aria-label={t(d.paused ? 'decks.resumeOf' : 'decks.pauseOf', { label: d.label })}
                      onClick={() => onPause(d, !d.paused)}
                    >
                      {d.paused ? t('decks.resume') : t('decks.pause')}
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      data-testid={`deck-failures-${d.key}`}
                      aria-expanded={shown}
                      onClick={() => onToggleFailures(d)}
                    >
                      {t('decks.failures', { count: d.counts.failed })}
                    </button>
                  </td>
                </tr>
                {shown && (
                  <tr className="deck-failures-row" data-testid="deck-failures-row" data-key={d.key}>
                    <td colSpan={columns}>
                      <DeckFailures failures={failures ?? null} label={d.label} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
