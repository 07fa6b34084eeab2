'use client';
import { AppLink } from '../app-link';
import { useTranslation } from 'react-i18next';
import { routes } from '../../lib/routes';
import type { TaskRow } from '../../lib/task-row';
import { StateBadge } from '../state-badge';

const SHOWN = 300;

/** Processes (newest first), already filtered by the search box. */
export function ProcessTable({ rows, total }: { rows: TaskRow[]; total: number }) {
  const { t } = useTranslation();
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
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.pid} data-testid="monitor-row" data-pid={r.pid} data-state={r.state}>
                <td>
                  <AppLink href={routes.process(r.pid)}>#{r.pid}</AppLink>
                </td>
                <td>{r.serviceLabel}</td>
                <td>
                  {r.entity ? <AppLink href={routes.entity(r.entity)}>{r.entity.label ?? r.entity.id}</AppLink> : '—'}
                </td>
                <td>
                  <StateBadge state={r.state} />
                </td>
                <td>{r.assignee ?? (r.kind === 'task' ? `[${r.candidateRoles.join(', ')}]` : '—')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
