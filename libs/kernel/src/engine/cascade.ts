import { visibleVars } from '../context/frames';
import { rulesFor, type KernelRule } from '../design/kernel-design';
import type { ExpressionResult } from '../ports/ports';
import { evaluationContext } from '../rules/evaluation-context';
import type { EvaluationJob, RunContext } from './run-context';

/**
 * True when a rule's event expression looks at `terminated_reason`: only such rules are evaluated when a step is
 * cancelled, so a design written for completion (`process_state = "TERMINATED"`) never advances a cancelled
 * journey, while `terminated_reason = "cancelled"` can react to it.
 */
export const watchesTermination = (expression: string): boolean => /\bterminated_reason\b/.test(expression);

/** Runs queued rule evaluations, FIFO, until none is left. */
export async function drain(run: RunContext): Promise<void> {
  while (run.queue.length > 0) {
    const job = run.queue.shift()!;
    run.tick();
    await evaluate(run, job);
  }
}

/**
 * Evaluates the rules of a process for an entered state (reference §3.2 with §3.7 scoping): every rule
 * whose event expression is true fires, in order, and is logged in the frame and the audit trail; a failing
 * expression (or one that ran out of its time or memory budget) counts as false and is logged with its rule.
 * The distinct expressions of the rules are handed to the evaluator together, each once (`evaluateAll` when it
 * has one, else `evaluate` for each at once); their results are then taken in rule order.
 */
async function evaluate(run: RunContext, job: EvaluationJob): Promise<void> {
  const pcb = await run.uow.load(job.pid);
  const index = await run.design(pcb.designVersion);
  const rules = rulesFor(index, pcb.program, pcb.service, job.state !== 'TERMINATED').filter(
    (r) => !job.cancelled || watchesTermination(index.events.get(r.event)?.expression ?? ''),
  );
  if (rules.length === 0) return;
  const frame = await run.uow.frame(pcb.pid);
  const entity = pcb.entity ? await run.uow.store.entity(pcb.entity) : null;
  const ctx = evaluationContext(
    pcb,
    job.state,
    visibleVars(frame),
    entity,
    index.services.get(pcb.service)?.label ?? pcb.service,
  );
  const fired: KernelRule[] = [];
  let errorInfo = frame.errorInfo;
  const firedLog = [...frame.firedRules];
  const events = rules.map((rule) => index.events.get(rule.event));
  // Evaluation is pure: rules sharing an expression share its one evaluation.
  const distinct = [...new Set(events.flatMap((event) => (event ? [event.expression] : [])))];
  const evaluated: ExpressionResult[] = run.evaluator.evaluateAll
    ? await run.evaluator.evaluateAll(distinct, ctx)
    : await Promise.all(distinct.map((expression) => run.evaluator.evaluate(expression, ctx)));
  const settled = new Map(distinct.map((expression, i) => [expression, evaluated[i]]));
  const results = events.map((event) => (event ? settled.get(event.expression) : undefined));
  for (const [i, rule] of rules.entries()) {
    const event = events[i];
    const result = results[i];
    if (!event || !result) continue;
    if (result.error) {
      errorInfo = { rule: rule.key, code: 'EXPRESSION_ERROR', message: result.error, at: run.now };
      run.record(
        pcb,
        'rule.error',
        job.state,
        job.state,
        { rule: rule.key, by: pcb.pid },
        {
          expression: event.expression,
          error: result.error,
          ...(result.exhausted ? { budget: result.exhausted } : {}),
        },
      );
    }
    if (!result.matched) continue;
    fired.push(rule);
    const instruction = rule.instruction ? (index.instructions.get(rule.instruction) ?? null) : null;
    firedLog.push({
      rule: rule.key,
      label: rule.label,
      expression: event.expression,
      state: job.state,
      instruction: instruction?.sysCall ?? null,
      at: run.now,
    });
    run.record(
      pcb,
      'rule.fired',
      job.state,
      job.state,
      { rule: rule.key, by: pcb.pid },
      { label: rule.label, instruction: instruction?.sysCall ?? null, operand: rule.operand },
    );
  }
  run.uow.setFrame({ ...(await run.uow.frame(pcb.pid)), firedRules: firedLog, errorInfo });
  for (const rule of fired) await run.execute(pcb.pid, rule, index);
}
