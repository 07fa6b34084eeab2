'use client';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../lib/format';
import type { CurrentDesign } from '../../lib/types/design';
import type { EarlierStep } from '../../lib/types/task-page';
import type { RefChoices } from './ref-select-widget';

type Props = {
  steps: EarlierStep[];
  design: CurrentDesign | null;
  refOptions: RefChoices['refOptions'];
};

type Prop = { title?: string; type?: string; format?: string; 'x-ref'?: string; items?: { 'x-ref'?: string } };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A step's fields in its form's order (`x-order`, then the rest), with their schema properties. */
function fieldsOf(step: EarlierStep, design: CurrentDesign | null): [string, Prop][] {
  const form = design?.services.find((s) => s.key === step.service)?.form ?? null;
  const props = (isRecord(form?.['properties']) ? form['properties'] : {}) as Record<string, Prop>;
  const order = Array.isArray(form?.['x-order']) ? (form['x-order'] as string[]) : [];
  const keys = [
    ...order.filter((k) => k in step.formData),
    ...Object.keys(step.formData).filter((k) => !order.includes(k)),
  ];
  return keys.map((k) => [k, props[k] ?? {}]);
}

/**
 * The results of the customer's earlier steps beside the form (newest first, the first one open): each completed
 * step with who did it, when, and its form as the read policy lets the reader see it — field names from the
 * design, operators and services by name; a form hidden from the reader's roles says so instead of its values.
 */
export function EarlierSteps({ steps, design, refOptions }: Props) {
  const { t } = useTranslation();
  const nameOf = (ref: string | undefined, v: unknown) =>
    (ref && refOptions[ref]?.find((o) => o.value === v)?.label) || String(v);
  const show = (prop: Prop, v: unknown): string => {
    if (v === null || v === undefined || v === '') return t('common.none');
    if (typeof v === 'boolean') return v ? t('taskPage.yes') : t('taskPage.no');
    if (Array.isArray(v)) return v.map((x) => nameOf(prop.items?.['x-ref'], x)).join(', ') || t('common.none');
    if (typeof v === 'object') return JSON.stringify(v);
    if (prop.format === 'date-time' && typeof v === 'string') return formatDateTime(v);
    return nameOf(prop['x-ref'], v);
  };
  return (
    <section className="card earlier-steps" aria-labelledby="earlier-steps-title" data-testid="earlier-steps">
      <h2 id="earlier-steps-title" className="card-title">
        {t('taskPage.earlierTitle')}
      </h2>
      {steps.length === 0 ? (
        <p className="muted" data-testid="earlier-none">
          {t('taskPage.earlierNone')}
        </p>
      ) : (
        steps.map((s, i) => (
          <details
            key={s.pid}
            className="earlier-step"
            open={i === 0}
            data-testid="earlier-step"
            data-pid={s.pid}
            data-service={s.service}
            data-redacted={s.redacted}
          >
            <summary>
              <span className="earlier-step-name">
                {s.serviceLabel} <span className="pid">#{s.pid}</span>
              </span>{' '}
              <span className="muted">
                {s.assigneeName ?? t('common.none')}
                {s.endedAt && ` · ${formatDateTime(s.endedAt)}`}
              </span>
            </summary>
            {s.redacted ? (
              <p className="muted" data-testid="earlier-redacted">
                {t('taskPage.earlierRedacted')}
              </p>
            ) : (
              <dl className="summary earlier-fields">
                {fieldsOf(s, design).map(([key, prop]) => (
                  <div key={key} data-field={key}>
                    <dt>{prop.title ?? key}</dt>
                    <dd>{show(prop, s.formData[key])}</dd>
                  </div>
                ))}
              </dl>
            )}
          </details>
        ))
      )}
    </section>
  );
}
