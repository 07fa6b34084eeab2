'use client';
import { useTranslation } from 'react-i18next';

/** A process state as a colored badge (the code stays in `data-state`). */
export function StateBadge({ state, testid }: { state: string; testid?: string }) {
  const { t } = useTranslation();
  return (
    <span className={`badge state-${state.toLowerCase()}`} data-state={state} data-testid={testid}>
      {t(`state.${state}`, { defaultValue: state })}
    </span>
  );
}
