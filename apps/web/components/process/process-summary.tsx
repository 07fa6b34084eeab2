'use client';
import { AppLink } from '../app-link';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import { routes } from '../../lib/routes';
import type { ProcessDetail } from '../../lib/types/process';

type Props = { p: ProcessDetail; serviceLabel(key: string): string; roleLabel(key: string): string };

/** State, kind, service, program, assignee, roles, entity, times. */
export function ProcessSummary({ p, serviceLabel, roleLabel }: Props) {
  const { t } = useTranslation();
  const rows: [string, ReactNode][] = [
    [
      t('process.state'),
      <span key="s" className="state-with-code">
        <code className={`badge state-${p.state.toLowerCase()}`} data-testid="process-state" data-state={p.state}>
          {p.state}
        </code>{' '}
        <span className="muted">{t(`state.${p.state}`)}</span>
      </span>,
    ],
    [t('process.kind'), t(`kind.${p.kind}`, { defaultValue: p.kind })],
    [t('process.service'), `${p.serviceLabel} (${p.service})`],
    [t('process.program'), p.program ? `${serviceLabel(p.program)} (${p.program})` : '—'],
    [t('process.assignee'), p.assignee ?? '—'],
    [t('process.candidates'), p.candidateRoles.length ? p.candidateRoles.map(roleLabel).join(', ') : '—'],
    [
      t('process.entity'),
      p.entity ? (
        <AppLink key="e" href={routes.entity(p.entity)} data-testid="link-entity">
          {p.entity.label ?? p.entity.id}
        </AppLink>
      ) : (
        '—'
      ),
    ],
    [t('process.version'), String(p.version)],
    [t('process.created'), formatDateTime(p.createdAt)],
    [t('process.updated'), formatDateTime(p.updatedAt)],
  ];
  return (
    <dl className="summary">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
