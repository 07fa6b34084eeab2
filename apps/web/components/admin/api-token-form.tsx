'use client';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { API_TOKEN_SCOPES, scopeLabelKey } from '../../lib/api-token-scopes';
import type { ApiTokenScope, CreateApiTokenBody } from '../../lib/types/auth';

type Props = {
  busy: boolean;
  /** A problem of the last attempt, shown under the form. */
  error: string | null;
  /** @returns true when the token was created (the form is then cleared) */
  onCreate(body: CreateApiTokenBody): Promise<boolean>;
};

/** Name and scopes of a new API token (`api-token-name`, `api-token-scope-<scope>`, `api-token-create`). */
export function ApiTokenForm({ busy, error, onCreate }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<ApiTokenScope>>(new Set());
  const [missing, setMissing] = useState<{ name?: boolean; scopes?: boolean }>({});

  const toggle = (scope: ApiTokenScope, on: boolean) => {
    setScopes((s) => {
      const next = new Set(s);
      if (on) next.add(scope);
      else next.delete(scope);
      return next;
    });
    setMissing((m) => ({ ...m, scopes: false }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const problems = { name: !name.trim(), scopes: scopes.size === 0 };
    setMissing(problems);
    if (problems.name || problems.scopes) return;
    const created = await onCreate({ name: name.trim(), scopes: API_TOKEN_SCOPES.filter((s) => scopes.has(s)) });
    if (created) {
      setName('');
      setScopes(new Set());
    }
  };

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        {t('apiTokens.newToken')}
      </h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>{t('apiTokens.name')}</label>
        <input
          id={`${id}-name`}
          data-testid="api-token-name"
          maxLength={100}
          placeholder={t('apiTokens.namePlaceholder')}
          value={name}
          aria-invalid={missing.name ? true : undefined}
          onChange={(e) => {
            setName(e.target.value);
            setMissing((m) => ({ ...m, name: false }));
          }}
        />
        {missing.name && <p className="field-error">{t('apiTokens.nameRequired')}</p>}
      </div>
      <fieldset className="checkbox-list">
        <legend>{t('apiTokens.scopes')}</legend>
        {API_TOKEN_SCOPES.map((scope) => (
          <label key={scope} className="checkbox">
            <input
              type="checkbox"
              data-testid={`api-token-scope-${scope}`}
              checked={scopes.has(scope)}
              onChange={(e) => toggle(scope, e.target.checked)}
            />
            <span>
              <code>{scope}</code> <span className="muted">{t(scopeLabelKey(scope))}</span>
            </span>
          </label>
        ))}
        {missing.scopes && <p className="field-error">{t('apiTokens.scopesRequired')}</p>}
      </fieldset>
      {error && (
        <p className="form-error" data-testid="api-token-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-primary" data-testid="api-token-create" disabled={busy}>
        {busy ? t('apiTokens.creating') : t('apiTokens.create')}
      </button>
    </form>
  );
}
