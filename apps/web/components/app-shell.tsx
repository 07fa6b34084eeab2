'use client';
import { useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { routes } from '../lib/routes';
import { useSession } from '../lib/session';
import { ConnectionNotice } from './connection-notice';
import { Header } from './header';

/** Layout of every signed-in page: header + main; signed out → /login/. */
export function AppShell({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const router = useRouter();
  const { t } = useTranslation();
  useEffect(() => {
    if (!session) router.replace(routes.login);
  }, [session, router]);
  if (!session) return null;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <Header />
      <ConnectionNotice />
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
