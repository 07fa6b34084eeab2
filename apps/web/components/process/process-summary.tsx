'use client';
import { AppLink } from '../app-link';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import { routes } from '../../lib/routes';
import type { ProcessDetail } from '../../lib/types/process';
import { StateBadge } from '../state-badge';

type Props = { p: ProcessDetail; serviceLabel(key: string): string; roleLabel(key: string): string };

/** State, kind, service, program, assignee, creator, roles, entity, times — names, never keys. */
export function ProcessSummary({ p, serviceLabel, roleLabel }: Props) {
  const { t } = useTranslation();
  const rows: [string, ReactNode][] = [
    [t('process.state'), <StateBadge key="s" state={p.state} testid="process-state" />],
    [t('process.kind'), t(`kind.${p.kind}`, { defaultValue: p.kind })],
    [t('process.service'), p.serviceLabel],
    [t('process.program'), p.program ? serviceLabel(p.program) : '—'],
    [t('process.assignee'), p.assignee ? (p.assigneeName ?? p.assignee) : '—'],
    [t('process.creator'), p.creator ? (p.creatorName ?? p.creator) : '—'],
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
