'use client';
import { useTranslation } from 'react-i18next';
import { actionWord, actorWord } from '../../lib/audit-words';
import { formatDateTime, prettyJson } from '../../lib/format';
import type { ProcessEvent } from '../../lib/types/process';
import { StateChange } from '../state-change';

const hasContent = (v: unknown) =>
  v !== null && v !== undefined && !(typeof v === 'object' && Object.keys(v).length === 0);

/** The process's audit rows, oldest first. */
export function AuditTrail({ events }: { events: ProcessEvent[] | null }) {
  const { t } = useTranslation();
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title" className="card-title">
        {t('process.audit')}
      </h2>
      <ol className="audit-trail" data-testid="audit-trail">
        {(events ?? []).map((e) => (
          <li key={e.id} className="audit-item" data-testid="audit-item" data-action={e.action}>
            <time dateTime={e.at}>{formatDateTime(e.at)}</time>
            <span className="action-name">{actionWord(t, e.action)}</span>
            <StateChange from={e.fromState} to={e.toState} />
            <span className="muted" data-testid="audit-actor">
              {t('timeline.by', { actor: actorWord(t, e) })}
            </span>
            {(hasContent(e.details) || hasContent(e.cause)) && (
              <details className="json-details">
                <summary>{t('process.details')}</summary>
                <pre>{prettyJson({ cause: e.cause, details: e.details })}</pre>
              </details>
            )}
          </li>
        ))}
      </ol>
      {events !== null && events.length === 0 && <p className="empty">{t('process.noAudit')}</p>}
      {events === null && <p className="muted">{t('app.loading')}</p>}
    </section>
  );
}
