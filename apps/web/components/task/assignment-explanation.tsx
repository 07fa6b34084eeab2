'use client';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, seg } from '../../lib/api';
import { formatDateTime, formatNumber } from '../../lib/format';
import type { AssignmentExplanation as AssignmentExplanationView, Explanation } from '../../lib/types/scheduler';
import { useMe } from '../../lib/viewer';
import { LoadError } from '../load-error';

type Props = {
  pid: number;
  /** The task's assignee now: a new assignment (another assignee) reads the explanation again. */
  assignee: string | null;
  roleLabel(key: string): string;
  /** The explanation already at hand (the Next task answer), shown without asking the API. */
  initial?: Explanation | null;
  open: boolean;
  onOpenChange(open: boolean): void;
  /** id of the disclosure (the "Why this task?" button of the notice points at it). */
  id?: string;
};

type State =
  | { status: 'idle' | 'loading' | 'none' }
  | { status: 'loaded'; explanation: Explanation }
  | { status: 'error'; error: unknown };

const noExplanation = (e: unknown) =>
  e instanceof ApiProblem && e.status === 404 && e.problem.code === 'NO_EXPLANATION';

/**
 * "Why this task?": a disclosure that, once opened, loads `GET /processes/{pid}/assignment-explanation` and says
 * in plain words how the task was assigned and what the scheduler compared (points, lane, skills, capacity, the
 * tasks it beat). A task assigned when it was created has no explanation: that is said instead.
 */
export function AssignmentExplanation({ pid, assignee, roleLabel, initial, open, onOpenChange, id }: Props) {
  const { t } = useTranslation();
  const [state, setState] = useState<State>(() =>
    initial ? { status: 'loaded', explanation: initial } : { status: 'idle' },
  );
  const [attempt, setAttempt] = useState(0);
  // The assignee the state answers for (undefined: nothing answered yet).
  const answered = useRef<string | null | undefined>(initial ? assignee : undefined);

  useEffect(() => {
    if (!open || answered.current === assignee) return;
    let alive = true;
    setState((s) => (s.status === 'loaded' ? s : { status: 'loading' }));
    api.get<AssignmentExplanationView>(`/v1/processes/${seg(pid)}/assignment-explanation`).then(
      (a) => {
        if (!alive) return;
        answered.current = assignee;
        setState({ status: 'loaded', explanation: a.explanation });
      },
      (error: unknown) => {
        if (!alive) return;
        if (noExplanation(error)) {
          answered.current = assignee;
          setState({ status: 'none' });
        } else setState({ status: 'error', error });
      },
    );
    return () => {
      alive = false;
    };
  }, [open, pid, assignee, attempt]);

  return (
    <details id={id} className="card explanation-card" open={open} onToggle={(e) => onOpenChange(e.currentTarget.open)}>
      <summary className="explanation-summary" data-testid="explanation-toggle">
        {t('explain.title')}
      </summary>
      {open && (
        <div
          className="explanation"
          data-testid="explanation"
          data-status={state.status}
          data-mode={state.status === 'loaded' ? state.explanation.mode : undefined}
          aria-busy={state.status === 'loading' || state.status === 'idle'}
        >
          {(state.status === 'idle' || state.status === 'loading') && <p className="muted">{t('app.loading')}</p>}
          {state.status === 'none' && <p className="muted">{t('explain.none')}</p>}
          {state.status === 'error' && <LoadError error={state.error} onRetry={() => setAttempt((n) => n + 1)} />}
          {state.status === 'loaded' && (
            <ExplanationDetails explanation={state.explanation} assignee={assignee} roleLabel={roleLabel} />
          )}
        </div>
      )}
    </details>
  );
}

/** The lane in words: the role's label, and the skills its tasks need (`nurse|laser>=3` → "Nurse · laser ≥ 3"). */
function laneText(lane: string | null, roleLabel: (key: string) => string): string {
  if (!lane) return '—';
  const bar = lane.indexOf('|');
  const role = roleLabel(bar < 0 ? lane : lane.slice(0, bar));
  const sig = bar < 0 ? '' : lane.slice(bar + 1);
  return sig ? `${role} · ${sig.split(',').join(', ').replace(/>=/g, ' ≥ ')}` : role;
}

function ExplanationDetails({
  explanation: x,
  assignee,
  roleLabel,
}: {
  explanation: Explanation;
  assignee: string | null;
  roleLabel(key: string): string;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const who = x.operator === me.operator.key ? t('explain.you', { name: me.operator.label }) : x.operator;
  const points = (n: number) => t('explain.points', { points: formatNumber(n) });
  const capacity =
    x.capacity.capacity === null
      ? t('explain.capacityUnlimited', { load: x.capacity.loadBefore, weight: x.capacity.weight })
      : t('explain.capacityOf', {
          load: x.capacity.loadBefore,
          weight: x.capacity.weight,
          capacity: x.capacity.capacity,
        });
  return (
    <>
      {assignee !== x.operator && x.mode !== 'preview' && (
        <p className="muted" data-testid="explanation-earlier">
          {t('explain.earlier', { operator: who })}
        </p>
      )}
      <dl className="summary explanation-list">
        <div>
          <dt>{t('explain.how')}</dt>
          <dd data-testid="explanation-mode" data-mode={x.mode}>
            {t(`explain.mode.${x.mode}`, { defaultValue: x.mode })}
          </dd>
        </div>
        <div>
          <dt>{t('explain.to')}</dt>
          <dd>
            {who} <span className="muted">· {formatDateTime(x.at)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('explain.lane')}</dt>
          <dd data-testid="explanation-lane">{laneText(x.lane, roleLabel)}</dd>
        </div>
        <div>
          <dt>{t('explain.priority')}</dt>
          <dd data-testid="explanation-priority">{formatNumber(x.task.priority)}</dd>
        </div>
        <div>
          <dt>{t('explain.urgency')}</dt>
          <dd>{formatNumber(x.task.urgency)}</dd>
        </div>
        <div>
          <dt>{t('explain.waiting')}</dt>
          <dd>{points(x.task.agingPoints)}</dd>
        </div>
        <div className="wide">
          <dt>{t('explain.effective')}</dt>
          <dd data-testid="explanation-points">
            {points(x.task.effectivePoints)} <span className="muted">({t('explain.effectiveHint')})</span>
          </dd>
        </div>
        <div className="wide">
          <dt>{t('explain.skills')}</dt>
          <dd>
            {x.skills.length === 0
              ? t('explain.noSkills')
              : x.skills.map((s, i) => (
                  <span key={s.skill} className={s.met ? undefined : 'explanation-missing'}>
                    {i > 0 && ', '}
                    {t(s.met ? 'explain.skillMet' : 'explain.skillMissing', {
                      skill: s.skill,
                      level: s.level,
                      required: s.required,
                    })}
                  </span>
                ))}
          </dd>
        </div>
        <div className="wide">
          <dt>{t('explain.capacity')}</dt>
          <dd>{capacity}</dd>
        </div>
        <div className="wide">
          <dt>{t('explain.alternatives')}</dt>
          <dd>
            {x.alternatives.length === 0 ? (
              t('explain.noAlternatives')
            ) : (
              <ul className="explanation-alternatives">
                {x.alternatives.map((a) => (
                  <li
                    key={`${a.pid}-${a.lostOn}`}
                    data-testid="explanation-alternative"
                    data-pid={a.pid}
                    data-lost-on={a.lostOn}
                  >
                    <span className="pid">#{a.pid}</span> {points(a.effectivePoints)} —{' '}
                    {t(`explain.lostOn.${a.lostOn}`, { defaultValue: a.lostOn })}
                  </li>
                ))}
              </ul>
            )}
            <span className="muted explanation-considered">
              {t('explain.considered', { count: x.candidatesConsidered })}
            </span>
          </dd>
        </div>
      </dl>
    </>
  );
}
