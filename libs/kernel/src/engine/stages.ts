import { visibleVars } from '../context/frames';
import type { ContextFrame } from '../context/frame';
import type { DesignIndex, KernelService } from '../design/kernel-design';
import { isKernelError } from '../errors/kernel-error';
import type { Pcb } from '../pcb/pcb';
import { evaluationContext } from '../rules/evaluation-context';
import type { StageFailure, StageJob, StageReport, StageRun, StageStep } from '../routes/automation';
import { compileDag, compileRoute, type DagPlan } from '../routes/compile';
import { runIdOf, stageWaitReason } from '../routes/job-ids';
import type { Cause, RunContext } from './run-context';
import {
  defaultDagOutput,
  initialNodes,
  nodeCurrent,
  nodeDone,
  nodeFailed,
  nodeJob,
  resumeNodes,
  retryNodes,
} from './stage-dag';
import type { Effect } from './types';

/** Where a run's result is written: the automation's `resultVar`, else `<service>_result`. */
export const resultVarOf = (service: KernelService): string => service.automation?.resultVar ?? `${service.key}_result`;

class StageInputError extends Error {}

/** The compiled automation of a service: a route's steps or a DAG's plan. @throws KernelError INVALID_ROUTE */
type Plan = { route: StageStep[]; dag: null } | { route: null; dag: DagPlan };
function planOf(index: DesignIndex, service: KernelService): Plan {
  const automation = service.automation!;
  return automation.dag
    ? { route: null, dag: compileDag(index.decks, automation) }
    : { route: compileRoute(index.decks, automation), dag: null };
}

/** Evaluates `=`-strings (top level only) of a map as FEEL over `ctx`. @throws StageInputError */
async function evaluateMap(
  run: RunContext,
  spec: Record<string, unknown>,
  ctx: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
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

/** The run's input: the automation's `input`, `=` strings evaluated over the process's context. */
async function evaluateInput(run: RunContext, pcb: Pcb, service: KernelService): Promise<Record<string, unknown>> {
  const spec = service.automation?.input ?? {};
  if (Object.keys(spec).length === 0) return {};
  const frame = await run.uow.frame(pcb.pid);
  const entity = pcb.entity ? await run.uow.store.entity(pcb.entity) : null;
  return evaluateMap(run, spec, evaluationContext(pcb, pcb.state, visibleVars(frame), entity, service.label));
}

/** The job of a route's step `step`. */
function routeJob(pcb: Pcb, stage: StageRun, steps: StageStep[], step: number): StageJob {
  return {
    v: 1,
    runId: stage.runId,
    pid: pcb.pid,
    gen: stage.gen,
    step,
    steps,
    input: stage.input,
    prev: step === 0 ? stage.input : (stage.outputs[step - 1] ?? null),
    outputs: stage.outputs.slice(0, step),
    hops: [],
    priority: pcb.priority + pcb.urgency,
  };
}

/**
 * Admits a system process with automation to its decks (reference/decks.md §2.3): READY → RUNNING (its rules fire),
 * a new run in its frame (`p<pid>r<n>`, generation 0, the input evaluated now), RUNNING → WAITING on the run, and
 * the first hop (a route) or every root node (a DAG) dispatched when the command commits. A route that does not
 * compile or an input that fails to evaluate makes the process an incident (ERROR, `INVALID_ROUTE` /
 * `STAGE_INPUT`) for an admin to retry.
 */
export async function admitStage(run: RunContext, pid: number, index: DesignIndex, cause: Cause): Promise<void> {
  let pcb = await run.uow.load(pid);
  const service = index.services.get(pcb.service);
  if (!service?.automation) return;
  if (pcb.state === 'READY') pcb = await run.apply(pid, { type: 'start' }, cause);
  if (pcb.state !== 'RUNNING') return;
  let plan: Plan;
  let input: Record<string, unknown>;
  try {
    plan = planOf(index, service);
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
    steps: plan.route ? plan.route.length : plan.dag.nodes.length,
    input,
    outputs: [],
    output: null,
    hops: [],
    failure: null,
    ...(plan.dag ? { dag: initialNodes(plan.dag) } : {}),
    startedAt: run.now,
    endedAt: null,
  };
  run.uow.setFrame({ ...frame, stage });
  const first = plan.route ? plan.route[0]!.deck : 'dag';
  const waiting = await run.apply(pid, { type: 'wait', reason: stageWaitReason(first, stage.runId, 0) }, cause, {
    runId: stage.runId,
    ...(plan.route
      ? { steps: plan.route.map((s) => `${s.deck}/${s.handler}`) }
      : { nodes: plan.dag.nodes.map((x) => x.key) }),
  });
  if (plan.route) run.uow.dispatch(routeJob(waiting, stage, plan.route, 0));
  else for (const node of plan.dag.nodes) if (node.after.length === 0) run.uow.dispatch(nodeJob(waiting, stage, node));
}

/**
 * The hops this command dispatches (admission, DAG nodes whose dependencies are done, a retry), as effects: those
 * asked for through the unit of work (so an instruction that was rolled back dispatches nothing) whose process
 * still waits on that run at the end of the command.
 */
export async function stageDispatches(run: RunContext): Promise<Effect[]> {
  const effects: Effect[] = [];
  for (const job of run.uow.dispatches()) {
    const pcb = await run.uow.load(job.pid);
    const stage = (await run.uow.frame(job.pid)).stage;
    if (pcb.state !== 'WAITING' || stage?.runId !== job.runId) continue;
    effects.push({ kind: 'stage.dispatch', job });
  }
  return effects;
}

/**
 * A report for a run or node that is not the one running (another run, an older generation, or one already ended
 * — a redelivered report): audited (`stage.result.duplicate` / `stage.result.stale`) and otherwise ignored.
 * @returns true when the report is current
 */
async function current(run: RunContext, pcb: Pcb, report: StageReport, cause: Cause): Promise<boolean> {
  const stage = (await run.uow.frame(pcb.pid)).stage;
  // A report that arrives while the process is an incident (a failed node's siblings, a rule's failed instruction
  // during the run) is recorded, so a retry need not run that work again.
  const live = pcb.state === 'WAITING' || pcb.state === 'SUSPENDED' || pcb.state === 'ERROR';
  const ok =
    report.node !== undefined
      ? nodeCurrent(stage, report)
      : !!stage && stage.runId === report.runId && stage.gen === report.gen && stage.status === 'running';
  if (ok && live) return true;
  const duplicate =
    stage?.runId === report.runId &&
    (report.node !== undefined ? stage.dag?.[report.node]?.gen === report.gen : stage.gen === report.gen);
  run.record(pcb, duplicate ? 'stage.result.duplicate' : 'stage.result.stale', pcb.state, pcb.state, cause, {
    runId: report.runId,
    gen: report.gen,
    report: report.kind,
    ...(report.node !== undefined ? { node: report.node } : {}),
  });
  return false;
}

/** The plan of a process's service (for reports). */
async function planOfProcess(run: RunContext, pcb: Pcb): Promise<{ service: KernelService; plan: Plan }> {
  const index = await run.design(pcb.designVersion);
  const service = index.services.get(pcb.service)!;
  return { service, plan: planOf(index, service) };
}

/**
 * A run or DAG node finished at deck 0 (reference/decks.md §2.5, §2.7). A node: it is done, and its dependants whose
 * last dependency it was are dispatched; when every node is done the run's output is `dag.output` (FEEL over
 * `nodes` and `input`) or the sinks' outputs. The run's output goes into the frame (`stage_result`, the result
 * variable, the return value for a caller) and, with `publish: program`, into the program instance's frame; then
 * WAITING → RUNNING (rules see `stage_result`) → TERMINATED. A SUSPENDED process keeps the result and finishes when
 * resumed ({@link settleStage}).
 */
export async function completeStage(run: RunContext, report: StageReport & { kind: 'completed' }): Promise<void> {
  const pcb = await run.uow.load(report.pid);
  const cause = { stage: report.runId, ...(report.node !== undefined ? { node: report.node } : {}) };
  if (!(await current(run, pcb, report, cause))) return;
  const { service, plan } = await planOfProcess(run, pcb);
  const frame = await run.uow.frame(pcb.pid);
  const stage = frame.stage!;
  if (report.node !== undefined && plan.dag) {
    const done = nodeDone(run, pcb, stage, plan.dag, report);
    run.record(pcb, 'stage.node.completed', pcb.state, pcb.state, cause, { runId: report.runId, node: report.node });
    if (!done.complete) {
      run.uow.setFrame({ ...frame, stage: done.stage });
      return;
    }
    const output = await dagOutput(run, plan.dag, done.stage);
    const outputs = plan.dag.nodes.map((n) => done.stage.dag![n.key]!.output);
    return succeed(run, pcb, service, frame, { ...done.stage, outputs }, output, cause);
  }
  await succeed(
    run,
    pcb,
    service,
    frame,
    { ...stage, outputs: report.outputs, hops: [...stage.hops, ...report.hops] },
    report.output,
    cause,
  );
}

/** The DAG's output: `dag.output` over `{ nodes, input }` (its error becomes the output's `error`), else the default. */
async function dagOutput(run: RunContext, plan: DagPlan, stage: StageRun): Promise<unknown> {
  if (!plan.output) return defaultDagOutput(plan, stage);
  const nodes = Object.fromEntries(plan.nodes.map((n) => [n.key, stage.dag![n.key]!.output]));
  if (!plan.output.startsWith('=')) return plan.output;
  const result = await run.evaluator.evaluate(plan.output.slice(1), { nodes, input: stage.input });
  return result.error ? { error: result.error } : (result.value ?? null);
}

/** Writes a run's success and finishes the process (see {@link completeStage}). */
async function succeed(
  run: RunContext,
  pcb: Pcb,
  service: KernelService,
  frame: ContextFrame,
  stage: StageRun,
  output: unknown,
  cause: Cause,
): Promise<void> {
  const resultVar = resultVarOf(service);
  run.uow.setFrame({
    ...frame,
    stage: { ...stage, status: 'succeeded', output, endedAt: run.now },
    localVars: { ...frame.localVars, stage_result: output, [resultVar]: output },
    returnValue: output,
  });
  run.record(pcb, 'stage.completed', pcb.state, pcb.state, cause, {
    runId: stage.runId,
    gen: stage.gen,
    steps: stage.steps,
    ms: run.now - stage.startedAt,
  });
  if (service.automation?.publish !== 'none' && pcb.parentPid !== null)
    await run.setVars(pcb.parentPid, { [resultVar]: output });
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
  if (stage.status === 'running' && stage.dag) {
    // Back from a suspension: nodes that became ready meanwhile go out now.
    const { plan } = await planOfProcess(run, pcb);
    if (plan.dag) run.uow.setFrame({ ...(await run.uow.frame(pid)), stage: resumeNodes(run, pcb, stage, plan.dag) });
  } else if (stage.status === 'succeeded') {
    await run.apply(pid, { type: 'wake' }, cause);
    await run.apply(pid, { type: 'complete' }, cause);
  } else if (stage.status === 'failed' && stage.failure) await stageIncident(run, pid, stage.failure, cause);
  return true;
}

/**
 * A run (or a DAG node: fail fast, NODE_FAILED) failed past its retries, or with a non-retryable error: the process
 * becomes an incident (ERROR with code, deck, step, attempts and message; its ERROR rules fire). Finished steps'
 * outputs stay in the frame, so a retry re-runs only what failed ({@link retryStage}). Nodes still running when a
 * node fails are recorded when they end; nothing new is dispatched.
 */
export async function failStage(run: RunContext, report: StageReport & { kind: 'failed' }): Promise<void> {
  const pcb = await run.uow.load(report.pid);
  const cause = { stage: report.runId, ...(report.node !== undefined ? { node: report.node } : {}) };
  if (!(await current(run, pcb, report, cause))) return;
  const frame = await run.uow.frame(pcb.pid);
  const stage = frame.stage!;
  let next: StageRun;
  if (report.node !== undefined) {
    const failed = nodeFailed(stage, report, run.now);
    run.uow.setFrame({ ...frame, stage: failed.stage });
    run.record(pcb, 'stage.node.failed', pcb.state, pcb.state, cause, { ...report.failure, node: report.node });
    if (!failed.first) return;
    next = failed.stage;
  } else {
    const f = report.failure;
    next = {
      ...stage,
      status: 'failed',
      step: f.step,
      outputs: report.outputs.slice(0, f.step),
      hops: [...stage.hops, ...report.hops],
      failure: f,
      endedAt: run.now,
    };
    run.uow.setFrame({ ...frame, stage: next });
  }
  // Suspended while its last hop ran: the incident is raised when it is resumed (settleStage).
  if (pcb.state === 'SUSPENDED') {
    run.record(pcb, 'stage.failed', pcb.state, pcb.state, cause, { ...next.failure });
    return;
  }
  await stageIncident(run, pcb.pid, next.failure!, cause);
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
 * Retrying an incident of a failed run: a new generation from the failed step (route; older reports become stale)
 * or the failed nodes again with the nodes they held back (DAG; done nodes are not run again), and the process
 * back to WAITING on the run. A system process whose run never started (its route or input failed at admission)
 * is admitted again.
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
    const plan = planOf(index, service);
    const gen = stage.gen + 1;
    const step = plan.route ? Math.min(stage.step, plan.route.length - 1) : stage.step;
    const running: StageRun = { ...stage, gen, step, status: 'running', failure: null, endedAt: null };
    run.uow.setFrame({ ...frame, stage: running, errorInfo: null });
    await run.apply(pid, { type: 'retry' }, cause, { error: frame.errorInfo }, { evaluate: false });
    const first = plan.route ? plan.route[step]!.deck : 'dag';
    const back = await run.update(pid, { waitReason: stageWaitReason(first, stage.runId, gen) }, 'stage.retry', cause, {
      runId: stage.runId,
      gen,
      step,
    });
    if (plan.route) run.uow.dispatch(routeJob(back, running, plan.route, step));
    else run.uow.setFrame({ ...(await run.uow.frame(pid)), stage: retryNodes(run, back, running, plan.dag) });
    return true;
  }
  if (stage?.status === 'running') {
    // The incident came from elsewhere (a rule's instruction) while the run was under way: whatever was in flight
    // may be lost (a dispatch dropped with the failed command), so the current step or running nodes go out again
    // in a new generation; a late report of the old one is stale.
    const plan = planOf(index, service);
    const gen = stage.gen + 1;
    const dag = stage.dag
      ? Object.fromEntries(
          Object.entries(stage.dag).map(([k, n]) => [k, n.state === 'running' ? { ...n, gen: n.gen + 1 } : n]),
        )
      : undefined;
    const again: StageRun = { ...stage, gen, ...(dag ? { dag } : {}) };
    run.uow.setFrame({ ...frame, stage: again, errorInfo: null });
    await run.apply(pid, { type: 'retry' }, cause, { error: frame.errorInfo }, { evaluate: false });
    const first = plan.route ? plan.route[stage.step]!.deck : 'dag';
    const back = await run.update(pid, { waitReason: stageWaitReason(first, stage.runId, gen) }, 'stage.retry', cause, {
      runId: stage.runId,
      gen,
      step: stage.step,
    });
    if (plan.route) run.uow.dispatch(routeJob(back, again, plan.route, stage.step));
    else
      for (const node of plan.dag.nodes)
        if (again.dag![node.key]!.state === 'running')
          run.uow.dispatch(nodeJob(back, again, node, again.dag![node.key]!.step));
    return true;
  }
  if (stage?.status === 'succeeded') {
    // Its result came while it was an incident: back to WAITING, where the result finishes it (settleStage).
    run.uow.setFrame({ ...frame, errorInfo: null });
    await run.apply(pid, { type: 'retry' }, cause, { error: frame.errorInfo }, { evaluate: false });
    return true;
  }
  run.uow.setFrame({ ...frame, errorInfo: null });
  await run.apply(pid, { type: 'retry' }, cause, { error: frame.errorInfo }, { evaluate: false });
  await admitStage(run, pid, index, cause);
  return true;
}
