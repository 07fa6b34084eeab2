'use client';
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, seg } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import type { ProcessStages, StageRunView } from '../../lib/types/decks';
import { usePolling } from '../../lib/use-polling';

/** How often a running run is read again (ms); a finished one only when the process changes. */
const RUNNING_REFRESH_MS = 2_000;

const RUN_BADGE: Record<StageRunView['status'], string> = {
  running: 'state-running',
  succeeded: 'state-terminated',
  failed: 'state-error',
};
const STEP_BADGE: Record<StageRunView['steps'][number]['status'], string> = {
  pending: 'state-new',
  running: 'state-running',
  done: 'state-terminated',
  failed: 'state-error',
};

/**
 * A system process's automation run (`GET /processes/{pid}/stages`): its status and generation, the failure
 * (code, step, deck, attempts, message), the steps (deck, handler, status) and every attempt (worker, times,
 * outcome, error). Renders nothing for a process without a run. Read again when `version` changes, and every
 * {@link RUNNING_REFRESH_MS} while the run is running.
 */
export function StageProgress({ pid, version }: { pid: number; version: number }) {
  const { t } = useTranslation();
  const id = useId();
  const [run, setRun] = useState<StageRunView | null>(null);
  const load = useCallback(
    () =>
      api.get<ProcessStages>(`/v1/processes/${seg(pid)}/stages`).then(
        (s) => setRun(s.run),
        () => undefined,
      ),
    [pid],
  );
  useEffect(() => {
    void load();
  }, [load, version]);
  usePolling(load, RUNNING_REFRESH_MS, run?.status === 'running');
  if (!run) return null;
  const f = run.failure;
  return (
    <section
      className="card stage-progress"
      aria-labelledby={`${id}-title`}
      data-testid="stage-progress"
      data-status={run.status}
      data-gen={run.gen}
    >
      <h2 id={`${id}-title`} className="card-title">
        {t('stages.title')}{' '}
        <span className={`badge ${RUN_BADGE[run.status]}`} data-testid="stage-status">
          {t(`stages.status.${run.status}`)}
        </span>
        {run.gen > 0 && <span className="muted"> · {t('stages.generation', { gen: run.gen })}</span>}
      </h2>
      <p className="muted">
        {t('stages.startedAt', { at: formatDateTime(run.startedAt) })}
        {run.endedAt && <> · {t('stages.endedAt', { at: formatDateTime(run.endedAt) })}</>}
      </p>
      {f && (
        <p className="load-error" role="alert" data-testid="stage-failure" data-code={f.code} data-step={f.step}>
          {t('stages.failureText', {
            code: f.code,
            step: f.step,
            deck: f.deck,
            attempts: f.attempts,
            message: f.message,
          })}
        </p>
      )}
      <h3 className="stage-subtitle">{t('stages.steps')}</h3>
      <ol className="stage-steps" data-testid="stage-steps">
        {run.steps.map((s) => (
          <li
            key={s.step}
            className="stage-step"
            data-testid="stage-step"
            data-step={s.step}
            data-deck={s.deck}
            data-status={s.status}
          >
            <span className="stage-step-no">{s.node ?? s.step}</span>
            <span className="stage-step-what">
              <strong>{s.deck}</strong> <span className="muted">{s.handler}</span>
            </span>
            <span className={`badge ${STEP_BADGE[s.status]}`}>{t(`stages.stepStatus.${s.status}`)}</span>
          </li>
        ))}
      </ol>
      <h3 className="stage-subtitle">{t('stages.attempts')}</h3>
      {run.hops.length === 0 ? (
        <p className="empty">{t('stages.noAttempts')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table stage-hops" data-testid="stage-hops">
            <thead>
              <tr>
                <th scope="col">{t('stages.step')}</th>
                <th scope="col">{t('stages.deck')}</th>
                <th scope="col">{t('stages.attempt')}</th>
                <th scope="col">{t('stages.worker')}</th>
                <th scope="col">{t('stages.started')}</th>
                <th scope="col">{t('stages.ended')}</th>
                <th scope="col">{t('stages.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {run.hops.map((h, i) => (
                <tr key={i} data-testid="stage-hop" data-step={h.step} data-outcome={h.outcome}>
                  {/* A DAG's attempt names its node (and the step within the node's route). */}
                  <td>
                    {h.node !== null && h.node !== undefined ? `${h.node}${h.step > 0 ? `·${h.step}` : ''}` : h.step}
                  </td>
                  <td>
                    {h.deck} <span className="muted">{h.handler}</span>
                  </td>
                  <td>{h.attempt}</td>
                  <td className="stage-worker" data-testid="stage-hop-worker">
                    {h.worker}
                  </td>
                  <td className="nowrap">{formatDateTime(h.startedAt)}</td>
                  <td className="nowrap">
                    {formatDateTime(h.endedAt)}{' '}
                    <span className="muted">({Date.parse(h.endedAt) - Date.parse(h.startedAt)} ms)</span>
                  </td>
                  <td>
                    <span className={`badge ${h.outcome === 'completed' ? 'state-terminated' : 'state-error'}`}>
                      {t(`stages.outcomes.${h.outcome}`)}
                    </span>
                    {h.error && <div className="stage-hop-error">{h.error}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
