'use client';
import type { ReactNode } from 'react';
import { useSearchParams } from 'next/navigation';
import { useTranslation } from 'react-i18next';
import { parsePid } from '../lib/use-process';

/** Reads `?pid=N` and renders `page(pid)` (keyed by pid), or an alert when the parameter is missing or invalid. */
export function WithPidParam({ page }: { page: (pid: number) => ReactNode }) {
  const { t } = useTranslation();
  const pid = parsePid(useSearchParams().get('pid'));
  if (pid === null)
    return (
      <p className="load-error" role="alert">
        {t('common.missingParam', { name: 'pid' })}
      </p>
    );
  return page(pid);
}
