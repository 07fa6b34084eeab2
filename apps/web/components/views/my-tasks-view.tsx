'use client';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../lib/api';
import { isMine } from '../../lib/predicates';
import { rowFromView } from '../../lib/task-row';
import type { ProcessView } from '../../lib/types/process';
import { useLiveList } from '../../lib/use-live-list';
import { useViewer } from '../../lib/viewer';
import { PageTitle } from '../page-title';
import { TaskBoard } from '../tasks/task-board';

/** My open tasks, live. */
export function MyTasksView() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const load = useCallback(async () => (await api.get<ProcessView[]>('/v1/tasks/mine')).map(rowFromView), []);
  const list = useLiveList({ load, accepts: isMine(viewer), key: viewer.key });
  return (
    <>
      <PageTitle title={t('mine.title')}>
        {!list.loading && <span className="muted">{t('mine.count', { count: list.rows.length })}</span>}
      </PageTitle>
      <TaskBoard testid="list-mine" list={list} />
    </>
  );
}
