import { visibleVars } from '../context/frames';
import type { DesignIndex, KernelService } from '../design/kernel-design';
import { isKernelError } from '../errors/kernel-error';
import type { Pcb } from '../pcb/pcb';
import { evaluationContext } from '../rules/evaluation-context';
import type { StageFailure, StageJob, StageReport, StageRun } from '../routes/automation';
import { compileRoute } from '../routes/compile';
import { isStageWait, runIdOf, stageWaitReason } from '../routes/job-ids';
import type { Cause, RunContext } from './run-context';
import type { Effect } from './types';

/** Where a run's result is written: the automation's `resultVar`, else `<service>_result`. */
export const resultVarOf = (service: KernelService): string => service.automation?.resultVar ?? `${service.key}_result`;

/** Evaluates a run's input: top-level strings starting with `=` are FEEL over the process's context. */
async function evaluateInput(run: RunContext, pcb: Pcb, service: KernelService): Promise<Record<string, unknown>> {
  const spec = service.automation?.input ?? {};
  const out: Record<string, unknown> = {};
  const entries = Object.entries(spec);
  if (entries.length === 0) return out;
  const frame = await run.uow.frame(pcb.pid);
  const entity = pcb.entity ? await run.uow.store.entity(pcb.entity) : null;
  const ctx = evaluationContext(pcb, pcb.state, visibleVars(frame), entity, service.label);
  for (const [key, value] of entries) {
    if (typeof value !== 'string' || !value.startsWith('=')) {
      out[key] = value;
      continue;
    }
    const result = await run.evaluator.evaluate(value.slice(1), ctx);
    if (result.error) throw new StageInputError(`input "${key}": ${result.error}`);
    out[key] = result.value ?? null;
  }
  return out;
}

class StageInputError extends Error {}

/**
 * Admits a system process with automation to its decks (reference/decks.md §2.3): READY → RUNNING (its rules fire),
 * a new run in its frame (`p<pid>r<n>`, generation 0, the input evaluated now) and RUNNING → WAITING on the first
 * step's deck; the dispatch of hop 0 is derived from that wait when the command ends ({@link stageDispatches}).
 * A route that does not compile or an input that fails to evaluate makes the process an incident (ERROR,
 * `INVALID_ROUTE` / `STAGE_INPUT`) for an admin to retry.
 */
export async function admitStage(run: RunContext, pid: number, index: DesignIndex, cause: Cause): Promise<void> {
  let pcb = await run.uow.load(pid);
  const service = index.services.get(pcb.service);
  if (!service?.automation) return;
  if (pcb.state === 'READY') pcb = await run.apply(pid, { type: 'start' }, cause);
  if (pcb.state !== 'RUNNING') return;
  let steps;
  let input: Record<string, unknown>;
  try {
    steps = compileRoute(index.decks, service.automation);
    input = await evaluateInput(run, pcb, service);
  } catch (e) {
    if (!(e instanceof StageInputError) && !isKernelError(e)) throw e;
    const code = e instanceof StageInputError ? 'STAGE_INPUT' : 'INVALID_ROUTE';
    await run.incident(pid, e.message, cause, { code });
    return;
  }
  const frame = await run.uow.frame(pid);
  const n = (frame.stage?.n ?? 0) + 1;
  const stage: StageRun = {
    runId: runIdOf(pid, n),
    n,
    gen: 0,
    status: 'running',
    step: 0,
    steps: steps.length,
    input,
    outputs: [],
    output: null,
    hops: [],
    failure: null,
    startedAt: run.now,
    endedAt: null,
  };
  run.uow.setFrame({ ...frame, stage });
  await run.apply(pid, { type: 'wait', reason: stageWaitReason(steps[0]!.deck, stage.runId, 0) }, cause, {
    runId: stage.runId,
    steps: steps.map((s) => `${s.deck}/${s.handler}`),
  });
}

/**
 * The hops this command dispatches: one for every process that entered a wait on decks here (admission, or a retry
 * from the failed step with a new generation). A process resumed into the same wait dispatches nothing (its run
 * never stopped). Derived from the written PCBs, so an instruction that was rolled back dispatches nothing.
 */
export async function stageDispatches(run: RunContext): Promise<Effect[]> {
  const effects: Effect[] = [];
  for (const { before, after } of run.uow.pairs()) {
    if (after.state !== 'WAITING' || !isStageWait(after.waitReason) || before?.waitReason === after.waitReason)
      continue;
    const stage = (await run.uow.frame(after.pid)).stage;
    if (!stage || stage.status !== 'running') continue;
    const index = await run.design(after.designVersion);
    const service = index.services.get(after.service);
    if (!service?.automation) continue;
    const steps = compileRoute(index.decks, service.automation);
    const job: StageJob = {
      v: 1,
      runId: stage.runId,
      pid: after.pid,
      gen: stage.gen,
      step: stage.step,
      steps,
      input: stage.input,
      prev: stage.step === 0 ? stage.input : (stage.outputs[stage.step - 1] ?? null),
      outputs: stage.outputs.slice(0, stage.step),
      hops: [],
      priority: after.priority + after.urgency,
    };
    effects.push({ kind: 'stage.dispatch', job });
  }
  return effects;
}

/**
 * A report for a run that is not the one waiting (another run, an older generation, or a run already ended — a
 * redelivered report): audited (`stage.result.duplicate` / `stage.result.stale`) and otherwise ignored.
 * @returns true when the report is current
 */
async function current(run: RunContext, pcb: Pcb, report: StageReport, cause: Cause): Promise<boolean> {
  const stage = (await run.uow.frame(pcb.pid)).stage;
  const live = pcb.state === 'WAITING' || pcb.state === 'SUSPENDED';
  if (stage && stage.runId === report.runId && stage.gen === report.gen && stage.status === 'running' && live)
    return true;
  const duplicate = stage?.runId === report.runId && stage.gen === report.gen;
  run.record(pcb, duplicate ? 'stage.result.duplicate' : 'stage.result.stale', pcb.state, pcb.state, cause, {
    runId: report.runId,
    gen: report.gen,
    report: report.kind,
  });
  return false;
}

/**
 * A run finished at deck 0 (reference/decks.md §2.5): its output goes into the frame (`stage_result`, the result
 * variable, the return value for a caller) and, with `publish: program`, into the program instance's frame; then
 * WAITING → RUNNING (rules see `stage_result`) → TERMINATED. A SUSPENDED process keeps the result and finishes when
 * resumed ({@link settleStage}).
 */
export async function completeStage(run: RunContext, report: StageReport & { kind: 'completed' }): Promise<void> {
  const pcb = await run.uow.load(report.pid);
  const cause = { stage: report.runId };
  if (!(await current(run, pcb, report, cause))) return;
  const index = await run.design(pcb.designVersion);
  const service = index.services.get(pcb.service)!;
  const frame = await run.uow.frame(pcb.pid);
  const stage = frame.stage!;
  const resultVar = resultVarOf(service);
  run.uow.setFrame({
    ...frame,
    stage: {
      ...stage,
      status: 'succeeded',
      outputs: report.outputs,
      output: report.output,
      hops: [...stage.hops, ...report.hops],
      endedAt: run.now,
    },
    localVars: { ...frame.localVars, stage_result: report.output, [resultVar]: report.output },
    returnValue: report.output,
  });
  run.record(pcb, 'stage.completed', pcb.state, pcb.state, cause, {
    runId: report.runId,
    gen: report.gen,
    steps: report.outputs.length,
    ms: run.now - stage.startedAt,
  });
  if (service.automation?.publish !== 'none' && pcb.parentPid !== null)
    await run.setVars(pcb.parentPid, { [resultVar]: report.output });
  await settleStage(run, pcb.pid, cause);
}

/**
 * A WAITING process with a run: still running → it keeps waiting; succeeded → WAITING → RUNNING → TERMINATED
 * (completed); failed (while it was suspended) → the incident. Called when a result arrives and when a process
 * comes back to WAITING (resume, retry).
 * @returns false when the process has no run (other waits decide for themselves)
 */
export async function settleStage(run: RunContext, pid: number, cause: Cause): Promise<boolean> {
  const pcb = await run.uow.load(pid);
  const stage = (await run.uow.frame(pid)).stage;
  if (!stage || pcb.kind !== 'system') return false;
  if (pcb.state !== 'WAITING') return true;
  if (stage.status === 'succeeded') {
    await run.apply(pid, { type: 'wake' }, cause);
    await run.apply(pid, { type: 'complete' }, cause);
  } else if (stage.status === 'failed' && stage.failure) await stageIncident(run, pid, stage.failure, cause);
  return true;
}

/**
 * A run failed past its retries (or with a non-retryable error) at some step: the process becomes an incident
 * (ERROR with code, deck, step, attempts and message; its ERROR rules fire). The outputs of the steps before stay
 * in the frame, so a retry re-runs only the failed step ({@link retryStage}).
 */
export async function failStage(run: RunContext, report: StageReport & { kind: 'failed' }): Promise<void> {
  const pcb = await run.uow.load(report.pid);
  const cause = { stage: report.runId };
  if (!(await current(run, pcb, report, cause))) return;
  const frame = await run.uow.frame(pcb.pid);
  const stage = frame.stage!;
  const f = report.failure;
  run.uow.setFrame({
    ...frame,
    stage: {
      ...stage,
      status: 'failed',
      step: f.step,
      outputs: report.outputs.slice(0, f.step),
      hops: [...stage.hops, ...report.hops],
      failure: f,
      endedAt: run.now,
    },
  });
  // Suspended while its last hop ran: the incident is raised when it is resumed (settleStage).
  if (pcb.state === 'SUSPENDED') {
    run.record(pcb, 'stage.failed', pcb.state, pcb.state, cause, { ...f });
    return;
  }
  await stageIncident(run, pcb.pid, f, cause);
}

async function stageIncident(run: RunContext, pid: number, f: StageFailure, cause: Cause): Promise<void> {
  await run.incident(
    pid,
    `${f.code} at step ${f.step} (${f.deck}) after ${f.attempts} attempt(s): ${f.message}`,
    cause,
    {
      code: f.code,
      deck: f.deck,
      step: f.step,
      attempts: f.attempts,
    },
  );
}

/**
 * Retrying an incident of a failed run: a new generation from the failed step (older reports become stale) and
 * the process back to WAITING on that step's deck, which dispatches it. A system process whose run never started
 * (its route or input failed at admission) is admitted again.
 * @returns true when the process had a run to retry or admit
 */
export async function retryStage(run: RunContext, pid: number, cause: Cause): Promise<boolean> {
  const pcb = await run.uow.load(pid);
  const index = await run.design(pcb.designVersion);
  const service = index.services.get(pcb.service);
  if (pcb.kind !== 'system' || !service?.automation) return false;
  const frame = await run.uow.frame(pid);
  const stage = frame.stage;
  if (stage?.status === 'failed') {
    const steps = compileRoute(index.decks, service.automation);
    const gen = stage.gen + 1;
    const step = Math.min(stage.step, steps.length - 1);
    run.uow.setFrame({
      ...frame,
      stage: { ...stage, gen, step, status: 'running', failure: null, endedAt: null },
      errorInfo: null,
    });
    await run.apply(pid, { type: 'retry' }, cause, { error: frame.errorInfo }, { evaluate: false });
    const back = await run.uow.load(pid);
    if (back.state === 'WAITING')
      await run.update(
        pid,
        { waitReason: stageWaitReason(steps[step]!.deck, stage.runId, gen) },
        'stage.retry',
        cause,
        {
          runId: stage.runId,
          gen,
          step,
        },
      );
    return true;
  }
  if (stage?.status === 'running') return false;
  run.uow.setFrame({ ...frame, errorInfo: null });
  await run.apply(pid, { type: 'retry' }, cause, { error: frame.errorInfo }, { evaluate: false });
  await admitStage(run, pid, index, cause);
  return true;
}
