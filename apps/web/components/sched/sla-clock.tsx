'use client';
import { useTranslation } from 'react-i18next';
import { durationMessage } from '../../lib/duration';
import type { SlaView } from '../../lib/types/process';
import { useClock } from '../../lib/use-clock';

/** A duration in words (`4 min 12 s`), in the UI language. */
export function useDurationText(): (ms: number) => string {
  const { t } = useTranslation();
  return (ms) => {
    const { key, values } = durationMessage(ms);
    return t(`sched.duration.${key}`, values);
  };
}

/** The next milestone of a running clock and when it falls due: the goal first, then the deadline. */
function target(sla: SlaView): { milestone: 'goal' | 'deadline' | 'passed'; at: number } | null {
  if (sla.goalAt) return { milestone: 'goal', at: Date.parse(sla.goalAt) };
  if (sla.deadlineAt) return { milestone: 'deadline', at: Date.parse(sla.deadlineAt) };
  if (sla.nextDueAt && sla.nextMilestone) return { milestone: sla.nextMilestone, at: Date.parse(sla.nextDueAt) };
  return null;
}

/**
 * A task's SLA as a live countdown (`sla-clock`): "Goal in 4 min 12 s", ticking every second while the clock
 * runs; "Paused · 3 min of 30 min used" (not ticking) while it is paused; "Deadline passed" once breached;
 * "SLA met" when done in time. `data-status` is the clock's status, `data-milestone` the next milestone,
 * `data-breached` whether the deadline passed.
 */
export function SlaClock({ sla }: { sla: SlaView }) {
  const { t } = useTranslation();
  const duration = useDurationText();
  const running = sla.status === 'running';
  const now = useClock(running);
  const next = running ? target(sla) : null;
  let text: string;
  let tone: 'ok' | 'warn' | 'late' | 'paused' | 'done';
  if (sla.status === 'paused') {
    const total = sla.breached ? null : (sla.goalMs ?? sla.deadlineMs);
    text =
      total === null
        ? t('sched.sla.pausedUsed', { used: duration(sla.elapsedBusinessMs) })
        : t('sched.sla.paused', { used: duration(sla.elapsedBusinessMs), total: duration(total) });
    tone = sla.breached ? 'late' : 'paused';
  } else if (sla.status === 'met') {
    text = t('sched.sla.met');
    tone = 'done';
  } else if (sla.status === 'stopped') {
    text = t('sched.sla.stopped');
    tone = 'done';
  } else if (sla.breached || sla.status === 'breached' || next === null || next.milestone === 'passed') {
    text = t('sched.sla.breached');
    tone = 'late';
  } else {
    const left = next.at - now;
    const key = next.milestone === 'goal' ? 'goal' : 'deadline';
    text = left >= 0 ? t(`sched.sla.${key}In`, { time: duration(left) }) : t(`sched.sla.${key}Passed`);
    tone = left < 0 || key === 'deadline' ? 'late' : left < 5 * 60_000 ? 'warn' : 'ok';
  }
  return (
    <span
      className={`sla-clock sla-${tone}`}
      data-testid="sla-clock"
      data-status={sla.status}
      data-milestone={sla.nextMilestone ?? ''}
      data-breached={sla.breached}
      title={t('sched.sla.title', { sla: sla.sla })}
    >
      {text}
    </span>
  );
}
