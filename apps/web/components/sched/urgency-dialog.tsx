'use client';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage, seg } from '../../lib/api';
import type { TaskRow } from '../../lib/task-row';
import type { ProcessView } from '../../lib/types/process';
import type { UrgencyBody } from '../../lib/types/scheduler';
import { ModalDialog } from '../modal-dialog';

type Props = {
  row: TaskRow;
  onDone(p: ProcessView): void;
  onClose(): void;
};

const RANGE = { set: [0, 100], by: [-100, 100] } as const;

/**
 * Changes a task's urgency (admin): set it (0–100) or raise / lower it by points (−100–100), with a reason —
 * `POST /processes/{pid}/urgency`. Errors (a 4xx naming the field) stay in the dialog (`urgency-error`).
 */
export function UrgencyDialog({ row, onDone, onClose }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [mode, setMode] = useState<'set' | 'by'>('set');
  const [value, setValue] = useState(String(row.urgency));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: 'value' | 'reason' | 'form'; text: string } | null>(null);
  // Checked here, not by the input's own min/max: the browser would block the submit without a word.
  const [min, max] = RANGE[mode];

  const confirm = () => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      return setError({ field: 'value', text: t('sched.urgencyEdit.invalid', { min, max }) });
    if (!reason.trim()) return setError({ field: 'reason', text: t('dialog.required') });
    const body: UrgencyBody = mode === 'set' ? { set: n, reason: reason.trim() } : { by: n, reason: reason.trim() };
    setBusy(true);
    api.post<ProcessView>(`/v1/processes/${seg(row.pid)}/urgency`, body).then(onDone, (e: unknown) => {
      setBusy(false);
      setError({ field: 'form', text: t('sched.urgencyEdit.failed', { message: errorMessage(e) }) });
    });
  };
  const invalid = (field: 'value' | 'reason') => error?.field === field;
  return (
    <ModalDialog
      title={t('sched.urgencyEdit.title', { label: row.serviceLabel, pid: row.pid })}
      confirmLabel={t('sched.urgencyEdit.save')}
      busy={busy}
      onConfirm={confirm}
      onClose={onClose}
    >
      <p className="muted">{t('sched.urgencyEdit.current', { urgency: row.urgency, priority: row.priority })}</p>
      <fieldset className="checkbox-list">
        <legend>{t('sched.urgencyEdit.mode')}</legend>
        {(['set', 'by'] as const).map((m) => (
          <label key={m} className="checkbox">
            <input
              type="radio"
              name={`${id}-mode`}
              value={m}
              data-testid={`urgency-mode-${m}`}
              checked={mode === m}
              onChange={() => {
                setMode(m);
                setValue(m === 'set' ? String(row.urgency) : '10');
                setError(null);
              }}
            />
            {t(`sched.urgencyEdit.${m}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-value`}>{t('sched.urgencyEdit.value')}</label>
        <input
          id={`${id}-value`}
          type="number"
          inputMode="numeric"
          step={1}
          data-testid="urgency-value"
          value={value}
          aria-invalid={invalid('value')}
          aria-describedby={invalid('value') ? `${id}-error` : undefined}
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t('dialog.reason')}</label>
        <textarea
          id={`${id}-reason`}
          data-testid="urgency-reason"
          rows={2}
          maxLength={500}
          value={reason}
          aria-invalid={invalid('reason')}
          aria-describedby={invalid('reason') ? `${id}-error` : undefined}
          onChange={(e) => {
            setReason(e.target.value);
            setError(null);
          }}
        />
      </div>
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert" data-testid="urgency-error">
          {error.text}
        </p>
      )}
    </ModalDialog>
  );
}
