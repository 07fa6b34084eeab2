'use client';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../lib/viewer';
import { PageTitle } from '../page-title';

/** Renders `children` for administrators; everyone else gets the page title and a refusal (`admin-forbidden`). */
export function AdminOnly({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  const me = useMe();
  if (me.operator.admin) return <>{children}</>;
  return (
    <>
      <PageTitle title={title} />
      <p className="load-error" role="alert" data-testid="admin-forbidden">
        {t('admin.notAllowed')}
      </p>
    </>
  );
}
