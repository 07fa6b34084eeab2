'use client';
import { useEffect, useState, type ReactNode } from 'react';
import { I18nextProvider } from 'react-i18next';
import { currentLanguage, i18n } from '../lib/i18n';
import { live } from '../lib/live';
import { SessionProvider, useSession } from '../lib/session';

/**
 * Opens the live channel while signed in (once per operator: a token refresh keeps the connection), closes it
 * on sign-out.
 */
function LiveConnector() {
  const { session } = useSession();
  const operator = session?.me.operator.key ?? null;
  useEffect(() => {
    if (operator) live.connect(operator);
    else live.disconnect();
  }, [operator]);
  return null;
}

/**
 * Client-side root: everything renders after mount (the static HTML holds an empty shell), so the session
 * from localStorage and the browser's language never disagree with the prerendered markup.
 */
export function Providers({ children }: { children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => {
    document.documentElement.lang = currentLanguage();
    setMounted(true);
  }, []);
  if (!mounted) return <div className="boot" aria-busy="true" />;
  return (
    <I18nextProvider i18n={i18n}>
      <SessionProvider>
        <LiveConnector />
        {children}
      </SessionProvider>
    </I18nextProvider>
  );
}
