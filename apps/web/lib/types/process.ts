/**
 * The REST shapes of processes and tasks: the wire contracts of `@opkernel/contracts` (zod schemas on the API
 * side; types only here). The web app keeps no copy of them.
 */
import type { EntityRefView, ProcessState } from '@opkernel/contracts';

export type {
  CascadeItem,
  CommandAnswer as ActionAnswer,
  CompleteBody,
  EntityTaskGroups as EntityTasks,
  EntryPoint,
  ProcessBrief,
  ProcessDetail,
  ProcessEventView as ProcessEvent,
  ProcessPage,
  ProcessSnapshotView as ProcessSnapshot,
  ProcessState,
  ProcessView,
  ReasonBody,
  SlaView,
  StartProcessBody,
  TaskAction,
  TransferBody,
} from '@opkernel/contracts';

/** The business entity a process serves; `label` is resolved by the API (null when unknown). */
export type EntityRef = EntityRefView;

/**
 * PCB states in their lifecycle order, for filters and counts. A value list (the contracts are imported as types
 * only); the check below fails to compile when it misses or invents a state.
 */
export const PROCESS_STATES = ['NEW', 'READY', 'RUNNING', 'WAITING', 'SUSPENDED', 'TERMINATED', 'ERROR'] as const;
type Missing = Exclude<ProcessState, (typeof PROCESS_STATES)[number]>;
type Invented = Exclude<(typeof PROCESS_STATES)[number], ProcessState>;
const exhaustive: [Missing, Invented] extends [never, never] ? true : never = true;
void exhaustive;
