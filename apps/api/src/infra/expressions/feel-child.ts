// Entry point of one expression process of the API, forked by feel-process-pool.ts with --max-old-space-size (as
// compiled JavaScript under the production build, else with the repository's TypeScript loader, scripts/register.cjs):
// evaluates the FEEL expressions of one IPC message,
// one after the other, with the kernel's own evaluator (the same code as in process, RE2 built-ins included),
// and answers each with its result. The parent kills this process when an evaluation runs past its time budget;
// V8 ends it when an evaluation needs more heap than allowed. Either way only this process dies; the parent
// starts another.
import { evaluateExpression, type ExpressionResult } from '@opkernel/kernel';

/** Longest string value or error message sent back: whatever an expression builds stays in its process. */
const MAX_TEXT = 1000;

/** CPU time this process has used so far (ms): the parent charges evaluations by CPU, not by wall clock. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Only small primitives travel back to the API process (the rule engine reads `matched` and `error`). */
function transferable(result: ExpressionResult): ExpressionResult {
  const { value, error } = result;
  const small =
    typeof value === 'string'
      ? value.length <= MAX_TEXT
        ? value
        : null
      : value === null || typeof value === 'boolean' || typeof value === 'number'
        ? value
        : null;
  const message = error !== null && error.length > MAX_TEXT ? `${error.slice(0, MAX_TEXT)}…` : error;
  return { matched: result.matched, value: small, error: message };
}

type Job = { id: number; expressions: string[]; context: Record<string, unknown> };

// One job: the expressions of one state change and their context. Each answer goes out as soon as its
// expression is evaluated (the parent times each expression on its own, and keeps the answers it has when it
// has to kill this process during a later one).
process.on('message', (message: Job) => {
  const { id, expressions, context } = message;
  for (let index = 0; index < expressions.length; index++) {
    const result = transferable(evaluateExpression(expressions[index]!, context));
    process.send?.({ id, index, result, cpu: cpuMs() });
  }
});
// The parent is gone (or closed the channel): nothing more to do.
process.on('disconnect', () => process.exit(0));

// Compile the interpreter before the first real evaluation, so it is not charged for that.
for (const expression of ['process_state = "TERMINATED"', 'matches(s, "^a+$") and count(split(s, "")) > 1']) {
  evaluateExpression(expression, { process_state: 'TERMINATED', s: 'aa' });
}
process.send?.({ ready: true, cpu: cpuMs() });
