import type { DesignIndex, KernelRule } from '../design/kernel-design';
import { InstructionError } from '../errors/instruction-error';
import { isKernelError } from '../errors/kernel-error';
import type { Pcb } from '../pcb/pcb';
import { FAILABLE, type RunContext } from './run-context';

/**
 * Runs a rule's instruction for `subjectPid`, all or nothing: on an {@link InstructionError} (or a kernel
 * error such as an illegal transition) everything the instruction did is undone and an incident is recorded.
 * The handler comes from the run's injected instruction registry and gets only the run's narrow
 * `InstructionContext`. Database errors, VERSION_CONFLICT and CASCADE_LIMIT abort the whole command.
 * @returns false when the instruction failed (and an incident was raised).
 */
export async function execute(
  run: RunContext,
  subjectPid: number,
  rule: KernelRule,
  index: DesignIndex,
): Promise<boolean> {
  const instruction = rule.instruction ? index.instructions.get(rule.instruction) : undefined;
  if (!instruction) return true;
  const subject = await run.uow.load(subjectPid);
  const handler = run.instructions[instruction.sysCall];
  if (!handler) {
    await run.instructionFailed(subject, rule, `unknown sys call "${instruction.sysCall}"`);
    return false;
  }
  const checkpoint = run.uow.checkpoint();
  const queued = run.queue.length;
  try {
    await handler(run.instructionContext(), subject, rule, index);
    return true;
  } catch (e) {
    const recoverable =
      e instanceof InstructionError ||
      (isKernelError(e) && e.code !== 'CASCADE_LIMIT' && e.code !== 'VERSION_CONFLICT');
    if (!recoverable) throw e;
    run.uow.restore(checkpoint);
    run.queue.length = queued;
    await run.instructionFailed(await run.uow.load(subjectPid), rule, (e as Error).message);
    return false;
  }
}

/**
 * An instruction could not run: the error (with the rule and the subject, so a retry can re-run exactly this
 * instruction) is kept and audited, and an incident is raised — on the subject when it is live, else on its
 * program instance (typically a completion rule whose step is already TERMINATED), so the journey is in ERROR
 * for an admin to retry instead of silently stalling.
 */
export async function instructionFailed(
  run: RunContext,
  subject: Pcb,
  rule: KernelRule,
  message: string,
): Promise<void> {
  const error = { rule: rule.key, subject: subject.pid, code: 'INSTRUCTION_FAILED', message, at: run.now };
  const frame = await run.uow.frame(subject.pid);
  run.uow.setFrame({ ...frame, errorInfo: error });
  const cause = { rule: rule.key, by: subject.pid };
  run.record(subject, 'instruction.failed', subject.state, subject.state, cause, { message });
  const current = await run.uow.load(subject.pid);
  const target = FAILABLE.includes(current.state) ? current.pid : current.parentPid;
  if (target !== null) await run.incident(target, message, cause, error);
}
