'use client';
import { useTranslation } from 'react-i18next';
import type { TaskAction } from '../../lib/types/process';

type Props = {
  actions: Set<TaskAction>;
  busy: TaskAction | null;
  /** id of the rjsf <form> the Complete button submits, or null (no form: Complete posts `{}`). */
  formId: string | null;
  onAction(action: TaskAction): void;
};

const STYLE: Record<TaskAction, string> = {
  claim: 'btn btn-primary',
  start: 'btn btn-primary',
  complete: 'btn btn-primary',
  suspend: 'btn',
  resume: 'btn btn-primary',
  transfer: 'btn',
  unclaim: 'btn',
  cancel: 'btn btn-danger-outline',
  retry: 'btn',
};
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

/** The task's action buttons (only those that apply). */
export function TaskActionBar({ actions, busy, formId, onAction }: Props) {
  const { t } = useTranslation();
  if (actions.size === 0) return null;
  return (
    <div className="action-bar" role="group" aria-label={t('task.actions')}>
      {ORDER.filter((a) => actions.has(a)).map((a) =>
        a === 'complete' && formId ? (
          <button
            key={a}
            type="submit"
            form={formId}
            className={STYLE[a]}
            data-testid="action-complete"
            disabled={busy !== null}
          >
            {t('action.complete')}
          </button>
        ) : (
          <button
            key={a}
            type="button"
            className={STYLE[a]}
            data-testid={`action-${a}`}
            disabled={busy !== null}
            onClick={() => onAction(a)}
          >
            {t(`action.${a}`, { defaultValue: a })}
          </button>
        ),
      )}
    </div>
  );
}
