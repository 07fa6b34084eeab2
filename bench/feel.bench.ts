/**
 * Benchmark: the cost of one FEEL rule evaluation before (in-process: `evaluateExpression`, feelin on the API's
 * own thread, no budget) and after (budgeted: the API's FeelProcessPool — an expression process with a time and
 * memory limit, context sent over IPC), for the clinic design's event expressions plus one regex rule, on a
 * realistic rule context. Per expression: p50/p99 latency of each, interleaved (before, after, before, …) after
 * a warm-up, median of 3 runs, and the after/before ratio. The last row evaluates all the expressions of one
 * state change together, as the kernel's Run.evaluate does (`evaluateAll`: one message with the context, one
 * answer per expression; in-process: one after the other).
 *
 *   npm run bench:feel
 *   BENCH_N=5000 FEEL_WORKERS=1 npm run bench:feel
 */
import { evaluateExpression, evaluationContext, newPcb } from '@opkernel/kernel';
import { clinicDesign } from '@opkernel/kernel/testing';
import { loadFeelBudget } from '../apps/api/src/infra/expressions/expressions.config';
import { FeelProcessPool } from '../apps/api/src/infra/expressions/feel-process-pool';

const N = Number(process.env.BENCH_N ?? 2000);
const WARMUP = Math.min(500, N);
const RUNS = 3;

const EXPRESSIONS = [
  ...new Set(clinicDesign().events.map((e) => e.expression)),
  'matches(form.phone, "^1[3-9][0-9]{9}$") and form.confirmed = true', // (extra) a form branch with a regex
];

/** The context one rule of the clinic sees when a booking task (新预约) terminates with its form. */
function context(): Record<string, unknown> {
  const form = { phone: '13812345678', confirmed: true, date: '2026-03-01', note: '复诊', items: ['a', 'b'] };
  const pcb = newPcb(
    {
      pid: 4242,
      service: 'xin_yu_yue',
      designVersion: 3,
      kind: 'task',
      state: 'TERMINATED',
      program: 'ke_hu_fu_wu',
      assignee: 'xiao_fang',
      creator: 'xiao_fang',
      priority: 10,
      formData: form,
      terminatedReason: 'completed',
    },
    Date.UTC(2026, 0, 15, 9, 30),
  );
  const entity = {
    type: 'Operator',
    id: 'zhang_san',
    label: '张三',
    attributes: { phone: '13812345678', gender: '男', birthday: '1980-05-01', vip: true },
  };
  const vars = { form, iteration_index: 0, parallel_completed: false, batch_completed: false };
  return evaluationContext(pcb, 'TERMINATED', vars, entity, '新预约');
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const us = (ms: number) => (ms * 1000).toFixed(0);

type Sample = { before: number[]; after: number[] };

async function run(pool: FeelProcessPool, ctx: Record<string, unknown>, n: number): Promise<Map<string, Sample>> {
  const samples = new Map<string, Sample>();
  for (const key of [...EXPRESSIONS, 'batch']) samples.set(key, { before: [], after: [] });
  for (let i = 0; i < n; i++) {
    for (const expression of EXPRESSIONS) {
      const s = samples.get(expression)!;
      // Alternate which goes first, so neither always runs on a warmer cache.
      const order = i % 2 === 0 ? ['before', 'after'] : ['after', 'before'];
      for (const which of order) {
        const t0 = performance.now();
        if (which === 'before') evaluateExpression(expression, ctx);
        else await pool.evaluate(expression, ctx);
        s[which as keyof Sample].push(performance.now() - t0);
      }
    }
    const batch = samples.get('batch')!;
    let t0 = performance.now();
    for (const expression of EXPRESSIONS) evaluateExpression(expression, ctx);
    batch.before.push(performance.now() - t0);
    t0 = performance.now();
    await pool.evaluateAll(EXPRESSIONS, ctx);
    batch.after.push(performance.now() - t0);
  }
  return samples;
}

async function main() {
  const budget = loadFeelBudget();
  const pool = new FeelProcessPool(budget);
  await pool.started;
  const ctx = context();
  try {
    // The two must agree before their speed means anything.
    for (const expression of EXPRESSIONS) {
      const [a, b] = [evaluateExpression(expression, ctx), await pool.evaluate(expression, ctx)];
      if (a.matched !== b.matched || a.error !== b.error) {
        throw new Error(`in-process and pooled results differ for ${expression}`);
      }
    }
    await run(pool, ctx, WARMUP);
    const runs: Map<string, Sample>[] = [];
    for (let r = 0; r < RUNS; r++) runs.push(await run(pool, ctx, N));

    console.log(
      `# FEEL rule evaluation: in-process (before) vs budgeted expression processes (after: ${budget.workers} processes, ` +
        `${budget.timeLimitMs} ms CPU, ${budget.memoryLimitMb} MB) — N=${N} per expression per run, interleaved, ` +
        `median of ${RUNS} runs after ${WARMUP} warm-up rounds`,
    );
    console.log(
      'expression                                                        | before p50 µs | before p99 µs | after p50 µs | after p99 µs | p50 ratio | p99 ratio',
    );
    for (const key of [...EXPRESSIONS, 'batch']) {
      const stat = (which: keyof Sample, p: number) => median(runs.map((m) => pct(m.get(key)![which], p)));
      const [b50, b99, a50, a99] = [stat('before', 50), stat('before', 99), stat('after', 50), stat('after', 99)];
      const label = key === 'batch' ? `all ${EXPRESSIONS.length} of one state change together` : key;
      console.log(
        `${label.slice(0, 65).padEnd(65)} | ${us(b50).padStart(13)} | ${us(b99).padStart(13)} | ${us(a50).padStart(12)} | ${us(a99).padStart(12)} | ${(a50 / b50).toFixed(2).padStart(9)} | ${(a99 / b99).toFixed(2).padStart(9)}`,
      );
    }
  } finally {
    await pool.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
