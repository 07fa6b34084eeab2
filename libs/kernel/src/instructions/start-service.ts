import type { InstructionHandler } from './context';
import { operandOf, priorityParam, programFor, ruleCause, spawnsInside } from './scope';

/**
 * `start_service`: start the operand as the next step (reference §3.5). Inside a live program instance the
 * step is the instance's child in its program; otherwise it is a sibling of the subject (same parent), in the
 * rule's program, with `previous` = the subject.
 */
export const startService: InstructionHandler = async (run, subject, rule, index) => {
  const inside = spawnsInside(subject, rule, index);
  await run.spawn(
    {
      service: operandOf(rule),
      designVersion: subject.designVersion,
      program: programFor(subject, rule, index),
      parentPid: inside ? subject.pid : subject.parentPid,
      previousPid: subject.pid,
      entity: subject.entity,
      creator: subject.creator,
      priority: priorityParam(rule),
      vars: { service_rule: rule.key },
    },
    ruleCause(subject, rule, 'start_service'),
  );
};
