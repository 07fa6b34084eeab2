'use client';
import { useTranslation } from 'react-i18next';
import type { TaskAction } from '../../lib/types/process';

type Props = {
  actions: Set<TaskAction>;
  busy: TaskAction | null;
  /** id of the rjsf <form> the Complete button submits, or null (no form: Complete posts `{}`). */
  formId: string | null;
  /** Every button disabled (e.g. the task was transferred away while open). */
  disabled?: boolean;
  /**
   * False while the form `formId` names is not rendered yet (its context is loading): Complete is disabled then,
   * since a submit button whose form does not exist does nothing when clicked.
   */
  formReady?: boolean;
  onAction(action: TaskAction): void;
};

/** Actions that move the task forward: the first one offered is the task's one primary button. */
const FORWARD: TaskAction[] = ['claim', 'start', 'complete', 'resume', 'retry'];
const STYLE: Partial<Record<TaskAction, string>> = { cancel: 'btn btn-danger-outline' };
const ORDER: TaskAction[] = [
  'claim',
  'start',
  'complete',
  'resume',
  'suspend',
  'transfer',
  'unclaim',
  'cancel',
  'retry',
];

/** The task's action buttons (only those that apply); one primary: the first forward action offered. */
export function TaskActionBar({ actions, busy, formId, disabled = false, formReady = true, onAction }: Props) {
  const { t } = useTranslation();
  if (actions.size === 0) return null;
  const primary = ORDER.find((a) => actions.has(a) && FORWARD.includes(a));
  const style = (a: TaskAction) => (a === primary ? 'btn btn-primary' : (STYLE[a] ?? 'btn'));
  return (
    <div className="action-bar" role="group" aria-label={t('task.actions')}>
      {ORDER.filter((a) => actions.has(a)).map((a) =>
        a === 'complete' && formId ? (
          <button
            key={a}
            type="submit"
            form={formId}
            data-primary={a === primary || undefined}
            className={style(a)}
            data-testid="action-complete"
            disabled={busy !== null || disabled || !formReady}
          >
            {t('action.complete')}
          </button>
        ) : (
          <button
            key={a}
            type="button"
            className={style(a)}
            data-testid={`action-${a}`}
            data-primary={a === primary || undefined}
            disabled={busy !== null || disabled}
            onClick={() => onAction(a)}
          >
            {t(`action.${a}`, { defaultValue: a })}
          </button>
        ),
      )}
    </div>
  );
}
