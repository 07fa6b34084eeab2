'use client';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { loadTaskPages } from '../../lib/load-pages';
import { isMine } from '../../lib/predicates';
import { useLiveList } from '../../lib/use-live-list';
import { useViewer } from '../../lib/viewer';
import { PageTitle } from '../page-title';
import { NextTaskBar } from '../tasks/next-task-bar';
import { TaskBoard } from '../tasks/task-board';

/** My open tasks, live (the first 1000, then "load more"), with Next task and my presence for staff. */
export function MyTasksView() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const load = useCallback(() => loadTaskPages('/v1/tasks/mine'), []);
  const list = useLiveList({ load, accepts: isMine(viewer), key: viewer.key });
  return (
    <>
      <PageTitle title={t('mine.title')}>
        {!list.loading && (
          <span className="muted">
            {t(list.hasMore ? 'mine.countMore' : 'mine.count', { count: list.rows.length })}
          </span>
        )}
      </PageTitle>
      <NextTaskBar mineCount={list.rows.length} />
      <TaskBoard testid="list-mine" list={list} />
    </>
  );
}
