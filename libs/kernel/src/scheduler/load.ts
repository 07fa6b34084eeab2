import type { Pcb, ProcessState } from '../pcb/pcb';

/**
 * Operator load (reference/scheduler.md §1.3 "Load"): Σ capacity weight of the tasks assigned to an operator
 * in READY, RUNNING or WAITING. It moves only inside commands, derived from each PCB's (before, after) pair.
 */

/** States in which an assigned task takes up its assignee's capacity. */
export const LOAD_STATES: ReadonlySet<ProcessState> = new Set(['READY', 'RUNNING', 'WAITING']);

/** The capacity an operator has left: null = unlimited. */
export const remainingCapacity = (load: number, capacity: number | null): number | null =>
  capacity === null ? null : capacity - load;

/** True when a task of capacity weight `weight` fits an operator at `load` of `capacity` (null = unlimited). */
export const fitsCapacity = (load: number, capacity: number | null, weight: number): boolean =>
  capacity === null || load + weight <= capacity;

/** Who carries a PCB's weight, or null: a task's assignee while the task is in a {@link LOAD_STATES} state. */
function carrier(pcb: Pick<Pcb, 'kind' | 'state' | 'assignee'> | null): string | null {
  return pcb && pcb.kind === 'task' && pcb.assignee !== null && LOAD_STATES.has(pcb.state) ? pcb.assignee : null;
}

/** One change of an operator's load, in capacity units. */
export type LoadDelta = { operator: string; delta: number };

/**
 * The load changes one write of a PCB makes: −weight for the operator who carried it before, +weight for the
 * one who carries it after (nothing when they are the same, or neither carries it).
 * @param before the PCB as it was (null for a new one); @param after as written; @param weight its capacity weight
 * @example loadDelta(ready(null), ready('amy'), 1) // [{ operator: 'amy', delta: 1 }] — a claim
 */
export function loadDelta(
  before: Pick<Pcb, 'kind' | 'state' | 'assignee'> | null,
  after: Pick<Pcb, 'kind' | 'state' | 'assignee'>,
  weight: number,
): LoadDelta[] {
  const was = carrier(before);
  const is = carrier(after);
  if (was === is) return [];
  const out: LoadDelta[] = [];
  if (was !== null) out.push({ operator: was, delta: -weight });
  if (is !== null) out.push({ operator: is, delta: weight });
  return out;
}

/** Sums load changes per operator, dropping those that cancel out. Order: first appearance. */
export function mergeLoadDeltas(deltas: Iterable<LoadDelta>): LoadDelta[] {
  const sums = new Map<string, number>();
  for (const d of deltas) sums.set(d.operator, (sums.get(d.operator) ?? 0) + d.delta);
  return [...sums].filter(([, delta]) => delta !== 0).map(([operator, delta]) => ({ operator, delta }));
}
