'use client';
import { AppLink } from '../app-link';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, errorMessage, seg } from '../../lib/api';
import { inPool } from '../../lib/predicates';
import { routes } from '../../lib/routes';
import { loadTaskPages } from '../../lib/load-pages';
import type { TaskRow } from '../../lib/task-row';
import { useLiveList } from '../../lib/use-live-list';
import { useViewer } from '../../lib/viewer';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';
import { TaskBoard } from '../tasks/task-board';

/** Unassigned tasks my roles allow, with Claim. */
export function PoolView() {
  const { t } = useTranslation();
  const viewer = useViewer();
  const [message, setMessage] = useState<NoticeMessage | null>(null);
  const [claiming, setClaiming] = useState<Set<number>>(() => new Set());
  const load = useCallback(() => loadTaskPages('/v1/tasks/pool'), []);
  const list = useLiveList({ load, accepts: inPool(viewer), key: viewer.key });
  const { remove } = list;

  const claim = async (row: TaskRow) => {
    setClaiming((s) => new Set(s).add(row.pid));
    try {
      await api.post(`/v1/processes/${seg(row.pid)}/claim`);
      remove(row.pid);
      setMessage(
        notice(
          'success',
          <AppLink href={routes.task(row.pid)}>{t('pool.claimed', { label: row.serviceLabel, pid: row.pid })}</AppLink>,
        ),
      );
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 409) {
        remove(row.pid);
        setMessage(notice('error', t('pool.lost')));
      } else {
        setMessage(notice('error', t('pool.failed', { message: errorMessage(e) })));
      }
    } finally {
      setClaiming((s) => {
        const next = new Set(s);
        next.delete(row.pid);
        return next;
      });
    }
  };

  return (
    <>
      <PageTitle title={t('pool.title')}>
        <span className="muted">{t('pool.hint')}</span>
      </PageTitle>
      <Notice message={message} onClose={() => setMessage(null)} />
      <TaskBoard
        testid="list-pool"
        list={list}
        action={(row) => (
          <button
            type="button"
            className="btn btn-primary"
            data-testid={`claim-${row.pid}`}
            disabled={claiming.has(row.pid)}
            onClick={() => void claim(row)}
          >
            {t('pool.claim')}
          </button>
        )}
      />
    </>
  );
}
