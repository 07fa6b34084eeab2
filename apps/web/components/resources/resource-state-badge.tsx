'use client';
import { useTranslation } from 'react-i18next';
import type { ResourceView } from '../../lib/types/scheduler';

/** A room's or machine's state as a badge (`available`, `blocked`, `retired` in `data-state`). */
export function ResourceStateBadge({ state }: { state: ResourceView['state'] }) {
  const { t } = useTranslation();
  return (
    <span className={`badge resource-${state}`} data-state={state} data-testid="resource-state">
      {t(`sched.resources.states.${state}`)}
    </span>
  );
}
