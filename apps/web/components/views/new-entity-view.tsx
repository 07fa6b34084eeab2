'use client';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../lib/api';
import { routes } from '../../lib/routes';
import type { ActionAnswer, EntryPoint, StartProcessBody } from '../../lib/types/process';
import { useEntryPoints } from '../../lib/use-entry-points';
import { EntryPoints } from '../entity/entry-points';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';

/** `/entity/?type=T&new=1`: name a new entity and start its first journey, then open its page. */
export function NewEntityView({ type }: { type: string }) {
  const { t } = useTranslation();
  const router = useRouter();
  const { entryPoints } = useEntryPoints(type);
  const [label, setLabel] = useState('');
  const [missing, setMissing] = useState(false);
  const [starting, setStarting] = useState<string | null>(null);
  const [message, setMessage] = useState<NoticeMessage | null>(null);

  const start = async (entry: EntryPoint) => {
    const name = label.trim();
    if (!name) {
      setMissing(true);
      document.getElementById('entity-label-input')?.focus();
      return;
    }
    setStarting(entry.service);
    try {
      const body: StartProcessBody = { service: entry.service, entity: { type, label: name } };
      const answer = await api.post<ActionAnswer>('/v1/processes', body);
      if (answer.entity) router.push(routes.entity(answer.entity));
      else router.push(routes.process(answer.pid));
    } catch (e) {
      setMessage(notice('error', t('entity.startFailed', { message: errorMessage(e) })));
      setStarting(null);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const first = entryPoints?.[0];
    if (first) void start(first);
  };

  return (
    <article className="entity-new-page" data-testid="entity-new-page" data-type={type}>
      <PageTitle title={t('entity.newTitle')} />
      <Notice message={message} onClose={() => setMessage(null)} />
      <form className="card" onSubmit={submit} noValidate>
        <p className="muted">{t('entity.newHint')}</p>
        <div className="field">
          <label htmlFor="entity-label-input">{t('entity.label')}</label>
          <input
            id="entity-label-input"
            data-testid="entity-label-input"
            value={label}
            maxLength={200}
            autoFocus
            required
            aria-invalid={missing}
            aria-describedby={missing ? 'entity-label-error' : undefined}
            onChange={(e) => {
              setLabel(e.target.value);
              setMissing(false);
            }}
          />
          {missing && (
            <p id="entity-label-error" className="field-error">
              {t('entity.labelRequired')}
            </p>
          )}
        </div>
        <h2 className="card-title">{t('entity.start')}</h2>
        <EntryPoints entryPoints={entryPoints} busy={starting} onStart={(e) => void start(e)} />
      </form>
    </article>
  );
}
