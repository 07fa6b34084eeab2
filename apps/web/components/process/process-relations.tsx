'use client';
import { AppLink } from '../app-link';
import { useTranslation } from 'react-i18next';
import { routes } from '../../lib/routes';
import type { ProcessBrief, ProcessDetail } from '../../lib/types/process';
import { StateBadge } from '../state-badge';

function Brief({ p, testid }: { p: ProcessBrief; testid: string }) {
  return (
    <>
      <AppLink href={routes.process(p.pid)} data-testid={testid} data-pid={p.pid}>
        {p.serviceLabel} #{p.pid}
      </AppLink>{' '}
      <StateBadge state={p.state} />
    </>
  );
}

/** Parent, previous and children, as links to their process pages. */
export function ProcessRelations({ p }: { p: ProcessDetail }) {
  const { t } = useTranslation();
  return (
    <dl className="summary relations">
      <div>
        <dt>{t('process.parent')}</dt>
        <dd>{p.parent ? <Brief p={p.parent} testid="link-parent" /> : '—'}</dd>
      </div>
      <div>
        <dt>{t('process.previous')}</dt>
        <dd>{p.previous ? <Brief p={p.previous} testid="link-previous" /> : '—'}</dd>
      </div>
      <div className="wide">
        <dt>{t('process.children')}</dt>
        <dd>
          {p.children.length === 0 ? (
            t('process.noChildren')
          ) : (
            <ul className="child-list">
              {p.children.map((c) => (
                <li key={c.pid}>
                  <Brief p={c} testid="child-link" />
                </li>
              ))}
            </ul>
          )}
        </dd>
      </div>
    </dl>
  );
}
