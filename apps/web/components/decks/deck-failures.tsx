'use client';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import { routes } from '../../lib/routes';
import type { DeckFailure } from '../../lib/types/decks';
import { AppLink } from '../app-link';

/** A deck's failed jobs, newest first: when, the process (linked), step and handler, reason, attempts, job id. */
export function DeckFailures({ failures, label }: { failures: DeckFailure[] | null; label: string }) {
  const { t } = useTranslation();
  if (!failures) return <p className="muted">…</p>;
  if (failures.length === 0)
    return (
      <p className="empty" data-testid="deck-no-failures">
        {t('decks.noFailures')}
      </p>
    );
  return (
    <table className="table deck-failures" data-testid="deck-failures" aria-label={t('decks.failuresOf', { label })}>
      <thead>
        <tr>
          <th scope="col">{t('decks.failedAt')}</th>
          <th scope="col">{t('decks.process')}</th>
          <th scope="col">{t('decks.step')}</th>
          <th scope="col">{t('decks.reason')}</th>
          <th scope="col">{t('decks.attempts')}</th>
          <th scope="col">{t('decks.job')}</th>
        </tr>
      </thead>
      <tbody>
        {failures.map((f) => (
          <tr key={f.jobId} data-testid="deck-failure" data-pid={f.pid ?? ''}>
            <td className="nowrap">{formatDateTime(f.finishedOn)}</td>
            <td>
              {f.pid !== null ? (
                <AppLink href={routes.process(f.pid)} data-testid="deck-failure-pid">
                  #{f.pid}
                </AppLink>
              ) : (
                t('common.none')
              )}
            </td>
            <td className="nowrap">
              {f.step ?? t('common.none')}
              {f.handler && <span className="muted"> · {f.handler}</span>}
            </td>
            <td className="deck-failure-reason" data-testid="deck-failure-reason">
              {f.failedReason}
            </td>
            <td>{f.attemptsMade}</td>
            <td className="muted deck-job-id">{f.jobId}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
