'use client';
import type { WidgetProps } from '@rjsf/utils';
import { ariaDescribedByIds } from '@rjsf/utils';
import { useTranslation } from 'react-i18next';
import type { RefOption } from '../../lib/types/task-page';

/** What the task form passes to its reference widgets (rjsf `formContext`): the choices per `x-ref` kind. */
export type RefChoices = { refOptions: Record<string, RefOption[] | undefined> };

/**
 * A form field that names an operator or a service (`x-ref: Operator | Service` in the design's form): a select
 * of names (staff names, service labels) storing the key, never free text. A stored value that is not among the
 * choices (an older record) stays selectable so it is not lost. `ui:options.ref` says which kind.
 */
export function RefSelectWidget({
  id,
  value,
  required,
  disabled,
  readonly,
  autofocus,
  onChange,
  onBlur,
  onFocus,
  options,
  registry,
  htmlName,
}: WidgetProps) {
  const { t } = useTranslation();
  const ref = String(options['ref'] ?? '');
  const choices = (registry.formContext as RefChoices | undefined)?.refOptions?.[ref];
  const current = typeof value === 'string' ? value : '';
  const list = choices ?? [];
  const all = current && !list.some((o) => o.value === current) ? [{ value: current, label: current }, ...list] : list;
  const decode = (v: string) => (v === '' ? undefined : v);
  return (
    <select
      id={id}
      name={htmlName || id}
      className="form-control"
      data-testid="ref-select"
      data-ref={ref}
      value={current}
      required={required}
      disabled={disabled || readonly || choices === undefined}
      autoFocus={autofocus}
      aria-busy={choices === undefined}
      aria-describedby={ariaDescribedByIds(id)}
      onChange={(e) => onChange(decode(e.target.value))}
      onBlur={(e) => onBlur(id, decode(e.target.value))}
      onFocus={(e) => onFocus(id, decode(e.target.value))}
    >
      <option value="">{choices === undefined ? t('app.loading') : t('taskPage.choose')}</option>
      {all.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
