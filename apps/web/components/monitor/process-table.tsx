'use client';
import { AppLink } from '../app-link';
import { useTranslation } from 'react-i18next';
import { useDesign } from '../../lib/design';
import { routes } from '../../lib/routes';
import type { TaskRow } from '../../lib/task-row';
import { SlaClock } from '../sched/sla-clock';
import { StateBadge } from '../state-badge';

const SHOWN = 300;

type Props = {
  rows: TaskRow[];
  total: number;
  /** Opens the urgency dialog of an open task (admins); no button without it. */
  onUrgency?(row: TaskRow): void;
};

/** Processes (newest first), already filtered by the search box; a task's SLA and urgency, with Change. */
export function ProcessTable({ rows, total, onUrgency }: Props) {
  const { t } = useTranslation();
  const design = useDesign();
  const roleLabel = (key: string) => design?.roles.find((x) => x.key === key)?.label ?? key;
  const sorted = [...rows].sort((a, b) => b.pid - a.pid).slice(0, SHOWN);
  return (
    <section className="card" aria-labelledby="processes-title">
      <h2 id="processes-title" className="card-title">
        {t('monitor.processes')} <span className="muted">{t('monitor.shown', { shown: rows.length, total })}</span>
      </h2>
      <div className="table-wrap">
        <table className="table" data-testid="monitor-table">
          <thead>
            <tr>
              <th scope="col">{t('monitor.pid')}</th>
              <th scope="col">{t('monitor.service')}</th>
              <th scope="col">{t('monitor.entity')}</th>
              <th scope="col">{t('monitor.state')}</th>
              <th scope="col">{t('monitor.assignee')}</th>
              <th scope="col">{t('sched.urgencyEdit.column')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.pid} data-testid="monitor-row" data-pid={r.pid} data-state={r.state} data-urgency={r.urgency}>
                <td>
                  <AppLink href={routes.process(r.pid)}>#{r.pid}</AppLink>
                </td>
                <td>
                  {r.serviceLabel}
                  {r.sla && r.state !== 'TERMINATED' && (
                    <>
                      {' '}
                      <SlaClock sla={r.sla} />
                    </>
                  )}
                </td>
                <td>
                  {r.entity ? <AppLink href={routes.entity(r.entity)}>{r.entity.label ?? r.entity.id}</AppLink> : '—'}
                </td>
                <td>
                  <StateBadge state={r.state} />
                </td>
                <td>
                  {r.assigneeName ??
                    r.assignee ??
                    (r.kind === 'task' ? `[${r.candidateRoles.map(roleLabel).join(', ')}]` : '—')}
                </td>
                <td className="nowrap">
                  <span data-testid="monitor-urgency">{r.urgency}</span>
                  {onUrgency && r.kind === 'task' && r.state !== 'TERMINATED' && (
                    <button
                      type="button"
                      className="btn btn-small urgency-edit"
                      data-testid="urgency-edit"
                      aria-label={t('sched.urgencyEdit.openOf', { label: r.serviceLabel, pid: r.pid })}
                      onClick={() => onUrgency(r)}
                    >
                      {t('sched.urgencyEdit.open')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
