'use client';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreatedApiToken } from '../../lib/types/auth';

/** The secret of a token just created, shown once, with a copy button (`api-token-secret`, `api-token-copy`). */
export function ApiTokenSecret({ token, onDismiss }: { token: CreatedApiToken; onDismiss(): void }) {
  const { t } = useTranslation();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.token);
      setCopied('yes');
    } catch {
      field.current?.select();
      setCopied('failed');
    }
  };
  return (
    <section className="card secret-card" aria-labelledby="api-token-secret-title" data-testid="api-token-created">
      <h2 id="api-token-secret-title" className="card-title">
        {t('apiTokens.secretTitle', { name: token.name })}
      </h2>
      <p className="warning" role="alert">
        {t('apiTokens.secretWarning')}
      </p>
      <div className="secret-row">
        <label htmlFor="api-token-secret" className="sr-only">
          {t('apiTokens.secretLabel')}
        </label>
        <input
          ref={field}
          id="api-token-secret"
          data-testid="api-token-secret"
          className="secret"
          readOnly
          spellCheck={false}
          value={token.token}
          onFocus={(e) => e.target.select()}
        />
        <button type="button" className="btn" data-testid="api-token-copy" onClick={() => void copy()}>
          {t('apiTokens.copy')}
        </button>
      </div>
      <p className="muted" role="status" data-testid="api-token-copy-status">
        {copied === 'yes' ? t('apiTokens.copied') : copied === 'failed' ? t('apiTokens.copyFailed') : ''}
      </p>
      <button type="button" className="btn btn-ghost" data-testid="api-token-dismiss" onClick={onDismiss}>
        {t('apiTokens.dismiss')}
      </button>
    </section>
  );
}
