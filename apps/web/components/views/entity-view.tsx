'use client';
import { AppLink } from '../app-link';
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage, seg } from '../../lib/api';
import { customerProfile, type ProfileField } from '../../lib/customer-profile';
import { useDesign } from '../../lib/design';
import { ofEntity } from '../../lib/predicates';
import { routes } from '../../lib/routes';
import { rowFromView } from '../../lib/task-row';
import type { ActionAnswer, EntityTasks, EntryPoint, ProcessView, StartProcessBody } from '../../lib/types/process';
import { useEntryPoints } from '../../lib/use-entry-points';
import { useLiveList } from '../../lib/use-live-list';
import { CustomerData } from '../entity/customer-data';
import { EntityGroups } from '../entity/entity-groups';
import { EntryPoints } from '../entity/entry-points';
import { Timeline } from '../entity/timeline';
import { LoadError } from '../load-error';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';
import { CascadeList } from '../task/cascade-list';
import { NewEntityView } from './new-entity-view';

/** `/entity/?type=T&id=I`, or `/entity/?type=T&new=1` for a new entity. */
export function EntityView() {
  const { t } = useTranslation();
  const params = useSearchParams();
  const type = params.get('type');
  const id = params.get('id');
  if (!type)
    return (
      <p className="load-error" role="alert">
        {t('common.missingParam', { name: 'type' })}
      </p>
    );
  if (params.get('new') === '1') return <NewEntityView type={type} />;
  if (!id)
    return (
      <p className="load-error" role="alert">
        {t('common.missingParam', { name: 'id' })}
      </p>
    );
  return <EntityPage key={`${type}:${id}`} type={type} id={id} />;
}

function EntityPage({ type, id }: { type: string; id: string }) {
  const { t } = useTranslation();
  const [label, setLabel] = useState<string | null>(null);
  const [message, setMessage] = useState<NoticeMessage | null>(null);
  const [starting, setStarting] = useState<string | null>(null);
  const [processes, setProcesses] = useState<ProcessView[] | null>(null);
  const { entryPoints } = useEntryPoints(type);
  const design = useDesign();

  const load = useCallback(async () => {
    const r = await api.get<EntityTasks>(`/v1/entities/${seg(type)}/${seg(id)}/tasks`);
    if (r.entity.label) setLabel(r.entity.label);
    const all = [...r.scheduled, ...r.running, ...r.paused, ...r.done];
    setProcesses(all);
    return all.map(rowFromView);
  }, [type, id]);
  const list = useLiveList({ load, accepts: ofEntity(type, id), room: `entity:${type}:${id}`, key: `${type}:${id}` });
  const title = label ?? list.rows.find((r) => r.entity?.label)?.entity?.label ?? id;
  // The customer's data from the forms of the processes the last load brought.
  const profile = useMemo<ProfileField[] | null>(
    () => (processes === null ? null : customerProfile(processes, design)),
    [processes, design],
  );
  const typeLabel = design?.entityTypes.find((e) => e.key === type)?.label ?? t('entity.title');
  // A live change carries no form data: when a process is done (its form submitted) reload, so the data shows it.
  // Once per (pid, version), so a row the REST answer does not bring cannot make it reload forever.
  const { rows, reload } = list;
  const reloadedFor = useRef(new Set<string>());
  useEffect(() => {
    if (!processes) return;
    const known = new Map(processes.map((p) => [p.pid, p.version]));
    const stale = rows
      .filter((r) => r.state === 'TERMINATED' && known.get(r.pid) !== r.version)
      .map((r) => `${r.pid}:${r.version}`)
      .filter((k) => !reloadedFor.current.has(k));
    if (stale.length === 0) return;
    const timer = setTimeout(() => {
      for (const k of stale) reloadedFor.current.add(k);
      reload();
    }, 300);
    return () => clearTimeout(timer);
  }, [rows, processes, reload]);

  const start = async (entry: EntryPoint) => {
    setStarting(entry.service);
    try {
      const body: StartProcessBody = { service: entry.service, entity: { type, id } };
      const answer = await api.post<ActionAnswer>('/v1/processes', body);
      setMessage(
        notice(
          'success',
          <>
            <p>
              <AppLink href={routes.process(answer.pid)} data-testid="started-link" data-pid={answer.pid}>
                {t('entity.started', { label: answer.serviceLabel, pid: answer.pid })}
              </AppLink>
            </p>
            <CascadeList cascade={answer.cascade} />
          </>,
        ),
      );
      list.reload();
    } catch (e) {
      setMessage(notice('error', t('entity.startFailed', { message: errorMessage(e) })));
    } finally {
      setStarting(null);
    }
  };

  return (
    <article className="entity-page" data-testid="entity-page" data-type={type} data-id={id}>
      <PageTitle title={title}>
        <span className="muted" data-testid="entity-type">
          {typeLabel}
        </span>
      </PageTitle>
      <Notice message={message} onClose={() => setMessage(null)} />
      <LoadError error={list.error} onRetry={list.reload} />
      <CustomerData fields={profile} />
      <section className="card" aria-labelledby="start-title">
        <h2 id="start-title" className="card-title">
          {t('entity.start')}
        </h2>
        <EntryPoints entryPoints={entryPoints} busy={starting} onStart={(e) => void start(e)} />
      </section>
      <div className="entity-layout">
        <EntityGroups rows={list.rows} />
        <Timeline rows={list.rows} />
      </div>
    </article>
  );
}
