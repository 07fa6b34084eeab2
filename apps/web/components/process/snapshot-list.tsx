'use client';
import { useTranslation } from 'react-i18next';
import { formatDateTime, prettyJson } from '../../lib/format';
import type { ProcessSnapshot } from '../../lib/types/process';

/** Context snapshots: version, hash prefix, expandable JSON. */
export function SnapshotList({ snapshots }: { snapshots: ProcessSnapshot[] | null }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="snapshots-title">
      <h2 id="snapshots-title" className="card-title">
        {t('process.snapshots')}
      </h2>
      <ol className="snapshots" data-testid="snapshots">
        {(snapshots ?? []).map((s) => (
          <li key={s.version} className="snapshot-item" data-testid="snapshot-item" data-version={s.version}>
            <div className="snapshot-head">
              <span className="snapshot-version">v{s.version}</span>
              {s.hash !== null ? (
                <code title={s.hash}>
                  {t('process.hash')} {s.hash.slice(0, 12)}
                </code>
              ) : (
                <span className="muted">{t('process.redacted')}</span>
              )}
              <time dateTime={s.createdAt} className="muted">
                {formatDateTime(s.createdAt)}
              </time>
            </div>
            <details className="json-details">
              <summary>{t('process.showContent')}</summary>
              <pre>{prettyJson(s.content)}</pre>
            </details>
          </li>
        ))}
      </ol>
      {snapshots !== null && snapshots.length === 0 && <p className="empty">{t('process.noSnapshots')}</p>}
      {snapshots === null && <p className="muted">{t('app.loading')}</p>}
    </section>
  );
}
