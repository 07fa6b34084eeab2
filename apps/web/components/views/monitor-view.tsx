'use client';
import { useDeferredValue, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadAllProcesses } from '../../lib/load-all-processes';
import { everything } from '../../lib/predicates';
import type { TaskRow } from '../../lib/task-row';
import { useLiveList } from '../../lib/use-live-list';
import { useMe } from '../../lib/viewer';
import { LoadError } from '../load-error';
import { LanesCard } from '../monitor/lanes-card';
import { LiveStream } from '../monitor/live-stream';
import { ProcessTable } from '../monitor/process-table';
import { ResourcesCard } from '../monitor/resources-card';
import { ServiceCounts } from '../monitor/service-counts';
import { SlaBreaches } from '../monitor/sla-breaches';
import { StateCounts } from '../monitor/state-counts';
import { Notice, notice, type NoticeMessage } from '../notice';
import { PageTitle } from '../page-title';
import { UrgencyDialog } from '../sched/urgency-dialog';

const matches = (r: TaskRow, q: string) =>
  !q ||
  r.serviceLabel.toLowerCase().includes(q) ||
  r.service.toLowerCase().includes(q) ||
  (r.entity?.label ?? '').toLowerCase().includes(q) ||
  (r.assignee ?? '').toLowerCase().includes(q) ||
  (r.assigneeName ?? '').toLowerCase().includes(q) ||
  r.state.toLowerCase() === q ||
  String(r.pid) === q.replace(/^#/, '');

/**
 * `/monitor/` (admins): counts by state, the scheduler's queues, SLA breaches, rooms and machines, the
 * searchable process table (urgency changed from there), counts by service, live stream.
 */
export function MonitorView() {
  const { t } = useTranslation();
  const me = useMe();
  if (!me.operator.admin) {
    return (
      <>
        <PageTitle title={t('monitor.title')} />
        <p className="load-error" role="alert" data-testid="monitor-forbidden">
          {t('monitor.notAllowed')}
        </p>
      </>
    );
  }
  return <Monitor />;
}

function Monitor() {
  const { t } = useTranslation();
  const id = useId();
  const [search, setSearch] = useState('');
  const query = useDeferredValue(search.trim().toLowerCase());
  const list = useLiveList({ load: loadAllProcesses, accepts: everything, key: 'monitor' });
  const filtered = useMemo(() => list.rows.filter((r) => matches(r, query)), [list.rows, query]);
  const [urgencyOf, setUrgencyOf] = useState<TaskRow | null>(null);
  const [message, setMessage] = useState<NoticeMessage | null>(null);
  return (
    <article className="monitor-page" data-testid="monitor-page">
      <PageTitle title={t('monitor.title')} />
      <LoadError error={list.error} onRetry={list.reload} />
      <Notice message={message} onClose={() => setMessage(null)} />
      <StateCounts rows={list.rows} />
      <div className="monitor-sched">
        <LanesCard />
        <SlaBreaches rows={list.rows} />
      </div>
      <ResourcesCard />
      <div className="field monitor-search">
        <label htmlFor={`${id}-q`}>{t('monitor.search')}</label>
        <input
          id={`${id}-q`}
          type="search"
          data-testid="monitor-search"
          placeholder={t('monitor.searchPlaceholder')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <div className="monitor-layout">
        <div className="monitor-main">
          <ProcessTable rows={filtered} total={list.rows.length} onUrgency={setUrgencyOf} />
          <ServiceCounts rows={filtered} />
        </div>
        <LiveStream />
      </div>
      {urgencyOf && (
        <UrgencyDialog
          row={urgencyOf}
          onClose={() => setUrgencyOf(null)}
          onDone={(p) => {
            setUrgencyOf(null);
            setMessage(
              notice('success', t('sched.urgencyEdit.done', { label: p.serviceLabel, pid: p.pid, urgency: p.urgency })),
            );
          }}
        />
      )}
    </article>
  );
}
