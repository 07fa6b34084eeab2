import type { InstructionHandler } from './context';
import { operandOf, owningInstance, priorityParam, programFor, ruleCause } from './scope';

/**
 * `call_sub_service`: call the operand as a subroutine of the current program instance (reference §3.7
 * point 3). The callee is the instance's child (its `callerPid` = the instance) and runs under the rule's
 * program, so the caller's rules about it still apply; a composite callee also runs its own program. The
 * instance waits (RUNNING → WAITING) until the callee returns: by `calling_return` for a composite callee, by
 * its own completion for a plain step.
 */
export const callSubService: InstructionHandler = async (run, subject, rule, index) => {
  const caller = await owningInstance(run, subject, rule, index);
  const callee = await run.spawn(
    {
      service: operandOf(rule),
      designVersion: subject.designVersion,
      program: programFor(subject, rule, index),
      parentPid: caller ? caller.pid : subject.parentPid,
      previousPid: subject.pid,
      callerPid: caller && caller.state !== 'TERMINATED' ? caller.pid : null,
      entity: subject.entity,
      creator: subject.creator,
      priority: priorityParam(rule),
      vars: { service_rule: rule.key },
    },
    ruleCause(subject, rule, 'call_sub_service'),
  );
  const current = caller ? await run.load(caller.pid) : null;
  if (current && current.state === 'RUNNING' && callee.state !== 'TERMINATED') {
    await run.apply(
      current.pid,
      { type: 'wait', reason: `calling ${callee.service} (pid ${callee.pid})` },
      ruleCause(subject, rule, 'call_sub_service'),
    );
  }
};
