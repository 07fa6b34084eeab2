import type { Pcb } from '../pcb/pcb';
import type { InstructionContext, InstructionHandler } from './context';
import type { DesignIndex, KernelRule } from '../design/kernel-design';
import { rolesAllowing } from '../assignment/assign';
import { InstructionError } from '../errors/instruction-error';
import { operandOf, owningInstance, priorityParam, programFor, ruleCause } from './scope';

/** Upper bound of children one fan-out may create. */
export const MAX_FAN_OUT = 1000;

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_FAN_OUT) {
    throw new InstructionError(
      `parameter "${name}" must be an integer from 1 to ${MAX_FAN_OUT}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

async function fanOut(
  run: InstructionContext,
  subject: Pcb,
  rule: KernelRule,
  index: DesignIndex,
  kind: 'parallel' | 'iteration',
  children: { vars: Record<string, unknown>; assignee?: string }[],
): Promise<void> {
  const sysCall = kind === 'parallel' ? 'start_parallel_service' : 'start_iteration_service';
  const instance = await owningInstance(run, subject, rule, index);
  // The join target waits for the fan-out: the live program instance, else the subject itself.
  const target = instance && instance.state !== 'TERMINATED' ? instance : subject;
  const cause = ruleCause(subject, rule, sysCall);
  // A new fan-out: its own group id, and the join flags of an earlier fan-out into the same target are reset.
  const group = `${subject.pid}:${rule.key}:${run.now}:${run.nextSeq()}`;
  await run.setVars(target.pid, {
    [kind === 'parallel' ? 'parallel_completed' : 'iteration_completed']: false,
    batch_completed: false,
  });
  for (const [i, child] of children.entries()) {
    await run.spawn(
      {
        service: operandOf(rule),
        designVersion: subject.designVersion,
        program: programFor(subject, rule, index),
        parentPid: target.pid,
        previousPid: subject.pid,
        join: { kind, callerPid: target.pid, group, index: i, size: children.length },
        entity: subject.entity,
        creator: subject.creator,
        priority: priorityParam(rule),
        vars: { service_rule: rule.key, ...child.vars },
        assignee: child.assignee ?? null,
      },
      cause,
    );
  }
  const current = await run.load(target.pid);
  if (current.state === 'RUNNING')
    await run.apply(current.pid, { type: 'wait', reason: `joining ${children.length} ${kind} children` }, cause);
}

/**
 * `start_iteration_service`: start `iterations` (rule parameter, default 1) children of the operand, each with
 * local `iteration_index`; when all have terminated the join target gets `iteration_completed = true` (and
 * `batch_completed`) and its rules are evaluated.
 */
export const startIterationService: InstructionHandler = async (run, subject, rule, index) => {
  const n = positiveInt(rule.parameterValues['iterations'], 'iterations', 1);
  await fanOut(
    run,
    subject,
    rule,
    index,
    'iteration',
    Array.from({ length: n }, (_, i) => ({ vars: { iteration_index: i } })),
  );
};

/**
 * `start_parallel_service`: one child per operator in `operators` (assigned to them), or `threads` children
 * (default 1), each with `parallel_index`; when all have terminated the join target's context gets
 * `parallel_completed = true` and its rules are evaluated (reference §3.5, our semantics).
 */
export const startParallelService: InstructionHandler = async (run, subject, rule, index) => {
  const operators = rule.parameterValues['operators'];
  if (operators !== undefined && operators !== null) {
    if (
      !Array.isArray(operators) ||
      operators.length === 0 ||
      operators.length > MAX_FAN_OUT ||
      !operators.every((o) => typeof o === 'string')
    ) {
      throw new InstructionError('parameter "operators" must be a non-empty list of operator keys');
    }
    const allowed = rolesAllowing(index, operandOf(rule));
    for (const key of operators as string[]) {
      const op = await run.operator(key);
      if (!op) throw new InstructionError(`parameter "operators": unknown operator "${key}"`);
      if (!op.roles.some((r) => allowed.includes(r))) {
        throw new InstructionError(`parameter "operators": "${key}" holds no role allowing "${operandOf(rule)}"`);
      }
    }
    await fanOut(
      run,
      subject,
      rule,
      index,
      'parallel',
      (operators as string[]).map((key, i) => ({ vars: { parallel_index: i }, assignee: key })),
    );
    return;
  }
  const n = positiveInt(rule.parameterValues['threads'], 'threads', 1);
  await fanOut(
    run,
    subject,
    rule,
    index,
    'parallel',
    Array.from({ length: n }, (_, i) => ({ vars: { parallel_index: i } })),
  );
};
