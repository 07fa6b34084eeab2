'use client';
import { useTranslation } from 'react-i18next';
import type { TaskRow } from '../../lib/task-row';

/** Processes per service (open / total), most first. */
export function ServiceCounts({ rows }: { rows: TaskRow[] }) {
  const { t } = useTranslation();
  const by = new Map<string, { label: string; total: number; open: number }>();
  for (const r of rows) {
    const c = by.get(r.service) ?? { label: r.serviceLabel, total: 0, open: 0 };
    c.total++;
    if (r.state !== 'TERMINATED') c.open++;
    by.set(r.service, c);
  }
  const list = [...by].sort((a, b) => b[1].total - a[1].total || a[1].label.localeCompare(b[1].label));
  return (
    <section className="card" aria-labelledby="by-service-title">
      <h2 id="by-service-title" className="card-title">
        {t('monitor.byService')}
      </h2>
      <table className="table" data-testid="monitor-services">
        <thead>
          <tr>
            <th scope="col">{t('monitor.service')}</th>
            <th scope="col" className="num">
              {t('monitor.open')}
            </th>
            <th scope="col" className="num">
              {t('monitor.count')}
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map(([key, c]) => (
            <tr key={key} data-testid="service-count" data-service={key}>
              <th scope="row">{c.label}</th>
              <td className="num">{c.open}</td>
              <td className="num">{c.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
