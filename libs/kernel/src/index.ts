export * from './pcb/pcb';
export * from './pcb/state-machine';
export { newPcb, type NewPcbInput } from './pcb/new-pcb';
export * from './context/frame';
export { newFrame, visibleVars, canonicalJson, frameHash } from './context/frames';
export * from './design/kernel-design';
export * from './errors/kernel-error';
export { InstructionError } from './errors/instruction-error';
export * from './ports/ports';
export * from './engine/types';
export { deadlineTimerKey, timerEffects } from './engine/timers';
export { Kernel, mayWorkOn, type StartProcessInput, type KernelDeps } from './engine/kernel';
export type { AssignNextOptions } from './engine/get-next';
export { waits } from './engine/queueing';
export { assignTask, poolFor, rolesAllowing, type Assignment } from './assignment/assign';
export { allowedActions, TASK_ACTIONS, type ActionFacts, type TaskAction } from './assignment/allowed-actions';
export { evaluateExpression, visibleContext, type ExpressionResult } from './rules/feel';
export { evaluationContext } from './rules/evaluation-context';
export { INSTRUCTIONS, SYS_CALLS, type KernelSysCall } from './instructions/registry';
export type { InstructionContext, InstructionHandler, InstructionRegistry } from './instructions/context';

// The scheduler's pure core (reference/scheduler.md): lanes, the static key, load, choosing, resources,
// calendars, SLA clocks, explanations and the design's scheduler index.
export * from './scheduler/types';
export * from './scheduler/lanes';
export * from './scheduler/rank';
export * from './scheduler/load';
export * from './scheduler/select';
export * from './scheduler/resources';
export * from './scheduler/calendar';
export * from './scheduler/sla';
export * from './scheduler/explain';
export * from './scheduler/design';
export * from './routes/automation';
export * from './routes/job-ids';
export { compileDag, compileRoute, deviceQueueName, NO_RETRY, type DagPlan, type DagPlanNode } from './routes/compile';
export { resultVarOf } from './engine/stages';
export * from './events/triggers';
