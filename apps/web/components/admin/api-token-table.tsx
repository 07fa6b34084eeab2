'use client';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import type { ApiTokenView } from '../../lib/types/auth';

/** The API tokens (`api-token-row` with `data-id`): name, scopes, created, last used, revoke. */
export function ApiTokenTable({ tokens, onRevoke }: { tokens: ApiTokenView[]; onRevoke(token: ApiTokenView): void }) {
  const { t } = useTranslation();
  return (
    <div className="table-wrap">
      <table className="table" data-testid="api-token-table">
        <thead>
          <tr>
            <th scope="col">{t('apiTokens.name')}</th>
            <th scope="col">{t('apiTokens.scopes')}</th>
            <th scope="col">{t('apiTokens.created')}</th>
            <th scope="col">{t('apiTokens.lastUsed')}</th>
            <th scope="col">
              <span className="sr-only">{t('staff.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id} data-testid="api-token-row" data-id={token.id}>
              <th scope="row" data-testid="api-token-row-name">
                {token.name}
              </th>
              <td data-testid="api-token-row-scopes">
                {token.scopes.map((s) => (
                  <code key={s} className="scope">
                    {s}
                  </code>
                ))}
              </td>
              <td>
                <time dateTime={token.createdAt}>{formatDateTime(token.createdAt)}</time>
                {token.createdBy && <span className="muted"> · {token.createdBy}</span>}
              </td>
              <td data-testid="api-token-row-last-used">
                {token.lastUsedAt ? (
                  <time dateTime={token.lastUsedAt}>{formatDateTime(token.lastUsedAt)}</time>
                ) : (
                  <span className="muted">{t('apiTokens.never')}</span>
                )}
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  className="btn btn-small btn-danger-outline"
                  data-testid={`api-token-revoke-${token.id}`}
                  aria-label={t('apiTokens.revokeOf', { name: token.name })}
                  onClick={() => onRevoke(token)}
                >
                  {t('apiTokens.revoke')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
