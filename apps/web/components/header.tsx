'use client';
import { AppLink } from './app-link';
import { usePathname, useRouter } from 'next/navigation';
import { useTranslation } from 'react-i18next';
import { CUSTOMER_ENTITY_TYPE, routes } from '../lib/routes';
import { useSession } from '../lib/session';
import { useMe } from '../lib/viewer';
import { LiveStatus } from './live-status';

type NavItem = { href: string; testid: string; label: string; match: (path: string) => boolean };

/** Top bar: brand, navigation, live dot, who is signed in, sign-out. */
export function Header() {
  const { t } = useTranslation();
  const me = useMe();
  const { logout } = useSession();
  const router = useRouter();
  const path = (usePathname() ?? '/').replace(/\/?$/, '/');
  const items: NavItem[] = [
    { href: routes.mine, testid: 'nav-mine', label: t('nav.mine'), match: (p) => p === '/' },
    { href: routes.pool, testid: 'nav-pool', label: t('nav.pool'), match: (p) => p === '/pool/' },
    {
      href: routes.customers,
      testid: 'nav-customers',
      label: t('nav.customers'),
      match: (p) => p === routes.customers,
    },
    {
      href: routes.newEntity(CUSTOMER_ENTITY_TYPE),
      testid: 'nav-new-entity',
      label: t('nav.newEntity'),
      match: () => false,
    },
  ];
  if (me.operator.staff || me.operator.admin)
    items.push({
      href: routes.resources,
      testid: 'nav-resources',
      label: t('nav.resources'),
      match: (p) => p === routes.resources,
    });
  if (me.operator.admin)
    items.push(
      { href: routes.monitor, testid: 'nav-monitor', label: t('nav.monitor'), match: (p) => p === routes.monitor },
      {
        href: routes.calendars,
        testid: 'nav-calendars',
        label: t('nav.calendars'),
        match: (p) => p === routes.calendars,
      },
      { href: routes.decks, testid: 'nav-decks', label: t('nav.decks'), match: (p) => p === routes.decks },
      { href: routes.staff, testid: 'nav-staff', label: t('nav.staff'), match: (p) => p === routes.staff },
      {
        href: routes.apiTokens,
        testid: 'nav-api-tokens',
        label: t('nav.apiTokens'),
        match: (p) => p === routes.apiTokens,
      },
    );

  const signOut = () => {
    void logout().then(() => router.replace(routes.login));
  };

  return (
    <header className="topbar">
      <AppLink href={routes.mine} className="brand">
        {t('app.name')}
      </AppLink>
      <nav aria-label={t('nav.main')} className="nav">
        <ul>
          {items.map((item) => (
            <li key={item.testid}>
              <AppLink href={item.href} data-testid={item.testid} aria-current={item.match(path) ? 'page' : undefined}>
                {item.label}
              </AppLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="me">
        <LiveStatus />
        <span className="me-who">
          <span className="me-name" data-testid="me-name">
            {me.operator.label}
          </span>
          <span className="me-roles" data-testid="me-roles" aria-label={t('header.roles')}>
            {me.roles.map((r) => r.label).join(', ')}
          </span>
        </span>
        <AppLink
          href={routes.accountPassword}
          className="btn btn-ghost"
          data-testid="nav-account"
          aria-current={path === routes.accountPassword ? 'page' : undefined}
        >
          {t('nav.account')}
        </AppLink>
        <button type="button" className="btn btn-ghost" data-testid="sign-out" onClick={signOut}>
          {t('header.signOut')}
        </button>
      </div>
    </header>
  );
}
