import type { DesignIndex, KernelRule } from '../design/kernel-design';
import type { Pcb } from '../pcb/pcb';
import type { InstructionContext } from './context';
import { InstructionError } from '../errors/instruction-error';

/**
 * True when `subject` is a live program instance and the rule is about the instance itself (e.g. "客户服务 NEW →
 * start 新预约"): what the rule starts runs *inside* the instance, as its child, in the instance's own program
 * (reference §3.7 point 2). Once the instance is TERMINATED, rules about it continue the enclosing program.
 */
export function spawnsInside(subject: Pcb, rule: KernelRule, index: DesignIndex): boolean {
  return (
    subject.kind === 'program' &&
    index.composites.has(subject.service) &&
    subject.state !== 'TERMINATED' &&
    rule.subject === subject.service
  );
}

/**
 * The program instance a rule fired for `subject` acts on: the subject itself when {@link spawnsInside}, else
 * the subject's parent (the instance whose program the subject runs in), or null for a root-level step.
 */
export async function owningInstance(
  run: InstructionContext,
  subject: Pcb,
  rule: KernelRule,
  index: DesignIndex,
): Promise<Pcb | null> {
  if (spawnsInside(subject, rule, index)) return subject;
  return subject.parentPid !== null ? run.load(subject.parentPid) : null;
}

/** The program a process started by `rule` runs in: the instance's own program inside it, else the rule's. */
export function programFor(subject: Pcb, rule: KernelRule, index: DesignIndex): string {
  return spawnsInside(subject, rule, index) ? subject.service : rule.program;
}

/** Cause recorded for processes an instruction creates or changes. */
export function ruleCause(subject: Pcb, rule: KernelRule, sysCall: string): Record<string, unknown> {
  return { rule: rule.key, instruction: sysCall, by: subject.pid };
}

/** The operand service of a rule. @throws InstructionError when the rule has none (the design validator prevents this). */
export function operandOf(rule: KernelRule): string {
  if (!rule.operand) throw new InstructionError(`rule ${rule.key} has no operand service`);
  return rule.operand;
}

/** Optional numeric priority from `parameterValues.priority`. */
export function priorityParam(rule: KernelRule): number | undefined {
  const p = rule.parameterValues['priority'];
  return typeof p === 'number' && Number.isInteger(p) && p >= 0 ? p : undefined;
}
