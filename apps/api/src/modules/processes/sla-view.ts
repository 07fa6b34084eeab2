import type { SlaView } from '@opkernel/contracts';
import {
  CalendarNeverOpenError,
  serviceSchedule,
  slaProjection,
  type DesignIndex,
  type SlaClock,
  type SlaDef,
} from '@opkernel/kernel';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The SLA definition of `service` in `index` (undefined when the service has none or the design lacks it). */
export function slaDefOf(index: DesignIndex, service: string): SlaDef | undefined {
  const key = serviceSchedule(index.scheduler, service).sla;
  return key ? index.scheduler.slas.get(key) : undefined;
}

/**
 * A stored SLA clock → the REST/live shape: ISO times, and the goal / deadline projected on the SLA's calendar
 * ({@link slaProjection}; null when the definition is gone from the design or its calendar never opens).
 */
export function toSlaView(clock: SlaClock, def: SlaDef | undefined): SlaView {
  let projected: { goalAt: number | null; deadlineAt: number | null } = { goalAt: null, deadlineAt: null };
  if (def) {
    try {
      projected = slaProjection(def, clock);
    } catch (e) {
      if (!(e instanceof CalendarNeverOpenError)) throw e;
    }
  }
  return {
    sla: clock.sla,
    status: clock.status,
    elapsedBusinessMs: clock.elapsedMs,
    nextMilestone: clock.nextMilestone,
    nextDueAt: iso(clock.nextDueAt),
    passedCount: clock.passedCount,
    breached: clock.breached,
    goalAt: iso(projected.goalAt),
    deadlineAt: iso(projected.deadlineAt),
    goalMs: def?.goalMs ?? null,
    deadlineMs: def?.deadlineMs ?? null,
  };
}
