// Entry point of one expression process of the API (forked by feel-process-pool.ts with
// --max-old-space-size): evaluates the FEEL expressions of one IPC message, one after the other, and answers
// each with its result. The parent kills this process when an evaluation runs past its time budget; V8 ends
// it when an evaluation needs more heap than allowed. Either way only this process dies; the parent starts
// another.
import evaluateTask, { warmUp } from './feel-runtime.mjs';

/** CPU time this process has used so far (ms): the parent charges evaluations by CPU, not by wall clock. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

// One job: the expressions of one state change and their context. Each answer goes out as soon as its
// expression is evaluated (the parent times each expression on its own, and keeps the answers it has when it
// has to kill this process during a later one).
process.on('message', (message) => {
  const { id, expressions, context } = message;
  for (let index = 0; index < expressions.length; index++) {
    const result = evaluateTask({ expression: expressions[index], context });
    process.send({ id, index, result, cpu: cpuMs() });
  }
});
// The parent is gone (or closed the channel): nothing more to do.
process.on('disconnect', () => process.exit(0));

warmUp();
process.send({ ready: true, cpu: cpuMs() });
