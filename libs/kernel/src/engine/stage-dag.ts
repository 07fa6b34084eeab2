import type { Pcb } from '../pcb/pcb';
import type { DagNodeState, StageFailure, StageJob, StageReport, StageRun } from '../routes/automation';
import type { DagPlan, DagPlanNode } from '../routes/compile';
import type { RunContext } from './run-context';

/** Every node pending except the roots, which start at once (generation 0). */
export function initialNodes(plan: DagPlan): Record<string, DagNodeState> {
  const nodes: Record<string, DagNodeState> = {};
  for (const n of plan.nodes)
    nodes[n.key] = { state: n.after.length === 0 ? 'running' : 'pending', gen: 0, output: null, outputs: [], step: 0 };
  return nodes;
}

/** What a node's first step gets as `prev`: the run's input (a root), its one dependency's output, or all of them. */
function nodePrev(node: DagPlanNode, stage: StageRun): unknown {
  const nodes = stage.dag!;
  if (node.after.length === 0) return stage.input;
  if (node.after.length === 1) return nodes[node.after[0]!]!.output;
  return Object.fromEntries(node.after.map((a) => [a, nodes[a]!.output]));
}

/** The job of a node's step `step` (its route's steps; the node's outputs so far). */
export function nodeJob(pcb: Pcb, stage: StageRun, node: DagPlanNode, step = 0): StageJob {
  const state = stage.dag![node.key]!;
  return {
    v: 1,
    runId: stage.runId,
    pid: pcb.pid,
    node: node.key,
    gen: state.gen,
    step,
    steps: node.steps,
    input: stage.input,
    prev: step === 0 ? nodePrev(node, stage) : (state.outputs[step - 1] ?? null),
    outputs: state.outputs.slice(0, step),
    hops: [],
    priority: pcb.priority + pcb.urgency,
  };
}

/**
 * Dispatches every pending node whose dependencies are all done (each once: it becomes running) — only while the
 * process waits on its run: a suspended process's ready nodes stay pending until it is resumed ({@link resumeNodes}).
 */
function dispatchReady(run: RunContext, pcb: Pcb, stage: StageRun, plan: DagPlan, candidates: string[]): void {
  if (pcb.state !== 'WAITING') return;
  for (const key of candidates) {
    const node = plan.byKey.get(key)!;
    if (stage.dag![key]!.state !== 'pending') continue;
    if (!node.after.every((a) => stage.dag![a]!.state === 'done')) continue;
    stage.dag![key] = { ...stage.dag![key]!, state: 'running' };
    run.uow.dispatch(nodeJob(pcb, stage, node));
  }
}

/** True when a node report is for a node now running in this generation. */
export function nodeCurrent(stage: StageRun | undefined, report: StageReport): boolean {
  const n = report.node !== undefined ? stage?.dag?.[report.node] : undefined;
  return !!n && stage!.runId === report.runId && n.gen === report.gen && n.state === 'running';
}

/**
 * A node finished (reference/decks.md §2.7, joins under the PCB's lock): it is done with its output; each dependant
 * whose last dependency this was is dispatched — exactly once, since the check and the dispatch happen under the
 * process's row lock and the node turns running. A run that failed meanwhile dispatches nothing new.
 * @returns the next stage (a copy) and whether every node is done
 */
export function nodeDone(
  run: RunContext,
  pcb: Pcb,
  stage: StageRun,
  plan: DagPlan,
  report: StageReport & { kind: 'completed' },
): { stage: StageRun; complete: boolean } {
  const next: StageRun = { ...stage, dag: { ...stage.dag! }, hops: [...stage.hops, ...report.hops] };
  const key = report.node!;
  next.dag![key] = { ...next.dag![key]!, state: 'done', output: report.output, outputs: report.outputs };
  if (next.status === 'running') dispatchReady(run, pcb, next, plan, plan.dependants.get(key) ?? []);
  const complete = next.status === 'running' && plan.nodes.every((n) => next.dag![n.key]!.state === 'done');
  return { stage: next, complete };
}

/** A node failed past its retries: the node failed, and (fail fast) the run with NODE_FAILED unless it already had (`now`: epoch ms). */
export function nodeFailed(
  stage: StageRun,
  report: StageReport & { kind: 'failed' },
  now: number,
): { stage: StageRun; first: boolean } {
  const key = report.node!;
  const f = report.failure;
  const next: StageRun = { ...stage, dag: { ...stage.dag! }, hops: [...stage.hops, ...report.hops] };
  next.dag![key] = { ...next.dag![key]!, state: 'failed', step: f.step, outputs: report.outputs.slice(0, f.step) };
  const first = stage.status === 'running';
  if (first) {
    const failure: StageFailure = { ...f, code: 'NODE_FAILED', message: `node ${key}: ${f.code}: ${f.message}` };
    Object.assign(next, { status: 'failed', failure, endedAt: now });
  }
  return { stage: next, first };
}

/**
 * Retry of a failed DAG run: failed nodes again from their failed step (a new node generation), and the nodes that
 * were held back (pending with every dependency done) dispatched; nodes already done are not run again.
 */
export function retryNodes(run: RunContext, pcb: Pcb, stage: StageRun, plan: DagPlan): StageRun {
  const next: StageRun = { ...stage, dag: { ...stage.dag! } };
  for (const n of plan.nodes) {
    const s = next.dag![n.key]!;
    if (s.state !== 'failed') continue;
    next.dag![n.key] = { ...s, state: 'running', gen: s.gen + 1 };
    run.uow.dispatch(nodeJob(pcb, next, n, Math.min(s.step, n.steps.length - 1)));
  }
  dispatchReady(
    run,
    pcb,
    next,
    plan,
    plan.nodes.map((n) => n.key),
  );
  return next;
}

/** A resumed DAG run: the nodes that became ready while it was suspended are dispatched now (a copy). */
export function resumeNodes(run: RunContext, pcb: Pcb, stage: StageRun, plan: DagPlan): StageRun {
  const next: StageRun = { ...stage, dag: { ...stage.dag! } };
  dispatchReady(
    run,
    pcb,
    next,
    plan,
    plan.nodes.map((n) => n.key),
  );
  return next;
}

/** The run's output: `dag.output` is evaluated by the caller; by default the one sink's output, or all by key. */
export function defaultDagOutput(plan: DagPlan, stage: StageRun): unknown {
  if (plan.sinks.length === 1) return stage.dag![plan.sinks[0]!]!.output;
  return Object.fromEntries(plan.sinks.map((k) => [k, stage.dag![k]!.output]));
}
