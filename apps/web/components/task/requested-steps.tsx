'use client';
import { useTranslation } from 'react-i18next';
import type { RequestedStep } from '../../lib/types/task-page';
import { StateBadge } from '../state-badge';

type Props = {
  steps: RequestedStep[];
  /** Resume is offered to the reader (the kernel's allowedActions). */
  canResume: boolean;
  busy: boolean;
  onResume(): void;
};

/**
 * On a suspended step that requested others ("request service": a rule on its suspension started them): how each
 * requested step stands, and — once every one is done — that the step can go on, with Resume.
 */
export function RequestedSteps({ steps, canResume, busy, onResume }: Props) {
  const { t } = useTranslation();
  if (steps.length === 0) return null;
  const done = steps.every((s) => s.state === 'TERMINATED');
  return (
    <div
      className={`notice ${done ? 'notice-success' : 'notice-info'} requested-steps`}
      role="status"
      aria-live="polite"
      data-testid="requested-steps"
      data-done={done}
    >
      <div className="notice-body">
        <p>{done ? t('taskPage.requestedDone') : t('taskPage.requestedWaiting')}</p>
        <ul className="requested-list">
          {steps.map((s) => (
            <li key={s.pid} data-testid="requested-step" data-pid={s.pid} data-state={s.state}>
              {s.serviceLabel} <span className="pid">#{s.pid}</span> <StateBadge state={s.state} />{' '}
              {s.assigneeName && <span className="muted">· {s.assigneeName}</span>}
            </li>
          ))}
        </ul>
        {done && canResume && (
          <button type="button" className="btn" data-testid="requested-resume" disabled={busy} onClick={onResume}>
            {t('action.resume')}
          </button>
        )}
      </div>
    </div>
  );
}
