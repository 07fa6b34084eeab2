'use client';
import { useTranslation } from 'react-i18next';
import { ApiProblem, errorMessage } from '../lib/api';

/** A failed load, with a retry button. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  const text =
    error instanceof ApiProblem && error.status === 404
      ? t('common.notFound')
      : t('common.loadFailed', { message: errorMessage(error) });
  return (
    <div className="load-error" role="alert">
      <span>{text}</span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('common.refresh')}
        </button>
      )}
    </div>
  );
}
