'use client';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { EntitySearchHit, EntitySearchResult } from '../../lib/types/entity';
import { api, errorMessage } from '../../lib/api';
import { serviceOf, useDesign } from '../../lib/design';
import { CUSTOMER_ENTITY_TYPE, routes } from '../../lib/routes';
import { AppLink } from '../app-link';
import { PageTitle } from '../page-title';

type Found = { q: string; items: EntitySearchHit[] } | { q: string; error: string };

/** `/customers/?q=…`: find a customer by name or by a value of their forms (a phone number), open their page. */
export function CustomersView() {
  const { t } = useTranslation();
  const router = useRouter();
  const path = usePathname() ?? routes.customers;
  const q = (useSearchParams().get('q') ?? '').trim();
  const [text, setText] = useState(q);
  const [found, setFound] = useState<Found | null>(null);
  const design = useDesign();

  useEffect(() => {
    if (!q) return;
    let alive = true;
    const query = new URLSearchParams({ q, type: CUSTOMER_ENTITY_TYPE });
    api.get<EntitySearchResult>(`/v1/entities?${query}`).then(
      (r) => alive && setFound({ q, items: r.items }),
      (e: unknown) => alive && setFound({ q, error: errorMessage(e) }),
    );
    return () => {
      alive = false;
    };
  }, [q]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = text.trim().slice(0, 100);
    if (next) router.replace(`${path}?${new URLSearchParams({ q: next })}`);
  };
  const fieldTitle = (hit: EntitySearchHit) => {
    const form = serviceOf(design, hit.match.service)?.form;
    const props = (form?.['properties'] ?? {}) as Record<string, { title?: unknown }>;
    const title = hit.match.field ? props[hit.match.field]?.title : null;
    return typeof title === 'string' ? title : (hit.match.field ?? t('customers.byName'));
  };
  const busy = q !== '' && found?.q !== q;

  return (
    <article className="customers-page" data-testid="customers-page">
      <PageTitle title={t('customers.title')} />
      <form className="card search-form" role="search" onSubmit={submit}>
        <label htmlFor="customer-search">{t('customers.search')}</label>
        <div className="search-row">
          <input
            id="customer-search"
            type="search"
            data-testid="customer-search"
            value={text}
            maxLength={100}
            placeholder={t('customers.placeholder')}
            autoFocus
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="btn btn-primary" data-testid="customer-search-submit" aria-busy={busy}>
            {busy ? t('customers.busy') : t('customers.submit')}
          </button>
        </div>
      </form>
      {found && found.q === q && 'error' in found && (
        <p className="load-error" role="alert">
          {t('customers.failed', { message: found.error })}
        </p>
      )}
      {found && found.q === q && 'items' in found && (
        <section className="card" aria-live="polite" aria-labelledby="customer-results-title">
          <h2 id="customer-results-title" className="card-title">
            {t('customers.results', { count: found.items.length })}
          </h2>
          {found.items.length === 0 ? (
            <p className="empty" data-testid="customer-none">
              {t('customers.none', { q })}
            </p>
          ) : (
            <ul className="customer-results" data-testid="customer-results">
              {found.items.map((hit) => (
                <li key={`${hit.type}:${hit.id}`} data-testid="customer-hit" data-id={hit.id}>
                  <AppLink href={routes.entity(hit)} className="customer-hit-name">
                    {hit.label}
                  </AppLink>
                  {hit.match.field !== null && (
                    <span className="muted">
                      {' '}
                      {fieldTitle(hit)}: {hit.match.value}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </article>
  );
}
