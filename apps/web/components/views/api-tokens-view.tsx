'use client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, errorMessage, seg } from '../../lib/api';
import type { ApiTokenView, CreateApiTokenBody, CreatedApiToken } from '../../lib/types/auth';
import { useResource } from '../../lib/use-resource';
import { AdminOnly } from '../admin/admin-only';
import { ApiTokenForm } from '../admin/api-token-form';
import { ApiTokenSecret } from '../admin/api-token-secret';
import { ApiTokenTable } from '../admin/api-token-table';
import { LoadError } from '../load-error';
import { ModalDialog } from '../modal-dialog';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';

/** `/admin/api-tokens/` (administrators): integrator tokens — list, create (secret shown once), revoke. */
export function ApiTokensView() {
  const { t } = useTranslation();
  return (
    <AdminOnly title={t('apiTokens.title')}>
      <ApiTokensAdmin />
    </AdminOnly>
  );
}

/** The token without its secret, as the list shows it. */
const listed = ({ token: _secret, ...view }: CreatedApiToken): ApiTokenView => view;

function ApiTokensAdmin() {
  const { t } = useTranslation();
  const list = useResource<ApiTokenView[]>('/v1/api-tokens');
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiTokenView | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<NoticeMessage | null>(null);

  const create = async (body: CreateApiTokenBody): Promise<boolean> => {
    setCreating(true);
    setCreateError(null);
    setMessage(null);
    try {
      const token = await api.post<CreatedApiToken>('/v1/api-tokens', body);
      setCreated(token);
      list.set((all) => [listed(token), ...(all ?? []).filter((x) => x.id !== token.id)]);
      return true;
    } catch (e) {
      const fields = e instanceof ApiProblem ? e.fieldErrors.map((f) => `${f.field}: ${f.message}`).join('; ') : '';
      setCreateError(t('apiTokens.failed', { message: fields || errorMessage(e) }));
      return false;
    } finally {
      setCreating(false);
    }
  };

  const revoke = async (token: ApiTokenView) => {
    setBusy(true);
    try {
      await api.delete(`/v1/api-tokens/${seg(token.id)}`);
      list.set((all) => (all ?? []).filter((x) => x.id !== token.id));
      if (created?.id === token.id) setCreated(null);
      setMessage(notice('success', t('apiTokens.revoked', { name: token.name })));
    } catch (e) {
      setMessage(notice('error', t('staff.failed', { message: errorMessage(e) })));
    } finally {
      setBusy(false);
      setRevoking(null);
    }
  };

  const tokens = list.data ?? [];
  return (
    <article className="api-tokens-page" data-testid="api-tokens-page">
      <PageTitle title={t('apiTokens.title')} />
      <p className="muted">{t('apiTokens.hint')}</p>
      <Notice message={message} onClose={() => setMessage(null)} />
      {created && <ApiTokenSecret token={created} onDismiss={() => setCreated(null)} />}
      <div className="admin-layout">
        <section className="card" aria-labelledby="api-tokens-list-title">
          <h2 id="api-tokens-list-title" className="card-title">
            {t('apiTokens.list')}
          </h2>
          <LoadError error={list.error} onRetry={() => void list.reload()} />
          {list.data === null && !list.error && <p className="muted">{t('app.loading')}</p>}
          {list.data !== null && tokens.length === 0 && <p className="empty">{t('apiTokens.empty')}</p>}
          {tokens.length > 0 && <ApiTokenTable tokens={tokens} onRevoke={setRevoking} />}
        </section>
        <ApiTokenForm busy={creating} error={createError} onCreate={create} />
      </div>
      {revoking && (
        <ModalDialog
          title={t('apiTokens.revokeTitle', { name: revoking.name })}
          confirmLabel={t('apiTokens.revoke')}
          danger
          busy={busy}
          onConfirm={() => void revoke(revoking)}
          onClose={() => setRevoking(null)}
        >
          <p className="warning">{t('apiTokens.revokeWarning')}</p>
        </ModalDialog>
      )}
    </article>
  );
}
