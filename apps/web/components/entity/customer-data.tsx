'use client';
import { useTranslation } from 'react-i18next';
import type { ProfileField } from '../../lib/customer-profile';
import { formatDateTime } from '../../lib/format';

/** The customer's data from their forms (`customer-data`, one `customer-field` per field), null while loading. */
export function CustomerData({ fields }: { fields: ProfileField[] | null }) {
  const { t } = useTranslation();
  const text = ({ value: v, format }: ProfileField) => {
    if (typeof v === 'boolean') return t(v ? 'customers.yes' : 'customers.no');
    if (Array.isArray(v)) return v.join(', ');
    if (format === 'date-time' && typeof v === 'string') return formatDateTime(v);
    return String(v);
  };
  return (
    <section className="card customer-data-card" aria-labelledby="customer-data-title">
      <h2 id="customer-data-title" className="card-title">
        {t('customers.data')}
      </h2>
      {fields === null && <p className="muted">{t('app.loading')}</p>}
      {fields !== null && fields.length === 0 && <p className="empty">{t('customers.noData')}</p>}
      {fields !== null && fields.length > 0 && (
        <dl className="summary customer-data" data-testid="customer-data">
          {fields.map((f) => (
            <div key={f.key} data-testid="customer-field" data-field={f.key}>
              <dt>{f.title}</dt>
              <dd>
                <span className="customer-value">{text(f)}</span>{' '}
                <span className="muted small" title={formatDateTime(f.at)}>
                  {t('customers.from', { service: f.serviceLabel })}
                </span>
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
