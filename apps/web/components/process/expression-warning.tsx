'use client';
import { useTranslation } from 'react-i18next';
import { ruleErrorsOf } from '../../lib/rule-errors';
import type { ProcessEvent } from '../../lib/types/process';

/**
 * A warning (`expression-warning`) when the audit trail has `rule.error` rows: each failing rule's key and its
 * error messages (the rule counted as false). Renders nothing otherwise.
 */
export function ExpressionWarning({ events }: { events: ProcessEvent[] | null }) {
  const { t } = useTranslation();
  const failures = ruleErrorsOf(events);
  if (failures.length === 0) return null;
  return (
    <div className="notice notice-warning" data-testid="expression-warning" role="status">
      <div className="notice-body">
        <p>
          <strong>{t('expression.title')}</strong>
        </p>
        <ul className="rule-errors">
          {failures.map((f) => (
            <li key={f.rule} data-testid="expression-warning-item" data-rule={f.rule}>
              <code className="rule-key">{f.rule}</code>
              {f.count > 1 && <span className="muted"> {t('expression.times', { n: f.count })}</span>}:{' '}
              {f.errors.length > 0 ? f.errors.join(' · ') : t('expression.noMessage')}
              {f.expression && (
                <details className="json-details">
                  <summary>{t('expression.expression')}</summary>
                  <pre>{f.expression}</pre>
                </details>
              )}
            </li>
          ))}
        </ul>
        <p className="muted">{t('expression.hint')}</p>
      </div>
    </div>
  );
}
