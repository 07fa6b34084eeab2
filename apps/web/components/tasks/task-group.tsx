'use client';
import { useListAnimation } from '../../lib/list-animation';
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskRow } from '../../lib/task-row';

type Props = {
  testid: string;
  title: string;
  rows: TaskRow[];
  renderRow(row: TaskRow): ReactNode;
};

/** A titled group of task rows; inserts, moves and removals animate in place. */
export function TaskGroup({ testid, title, rows, renderRow }: Props) {
  const { t } = useTranslation();
  const headingId = useId();
  const listRef = useListAnimation<HTMLUListElement>();
  return (
    <section className="task-group" data-testid={testid} aria-labelledby={headingId}>
      <h2 id={headingId} className="task-group-title">
        {title} <span className="count">{rows.length}</span>
      </h2>
      <ul ref={listRef} className="task-rows">
        {rows.map((r) => renderRow(r))}
      </ul>
      {rows.length === 0 && <p className="empty">{t('groups.empty')}</p>}
    </section>
  );
}
