/** A simulated device's answer to one delivery of a command. */
export type SimAnswer = { state: 'done'; result: Record<string, unknown>; executions: number; duplicate: boolean };

/** How many answers a simulated device remembers for replay (reference/decks.md §3.1). */
export const SIM_MEMORY = 1000;

/**
 * The behaviour of a simulated treatment device or analyser, shared by the in-process `sim` driver and
 * `npm run device-sim`: each command runs after `latencyMs`; with `dedupe` (the default) a command id it has seen
 * is not run again — its answer is replayed from the last {@link SIM_MEMORY} ones. `executed` counts real runs
 * (of all commands), `executions(id)` those of one command id — a test's proof that a command ran once.
 */
export class SimulatedDevice {
  private readonly answers = new Map<string, SimAnswer>();
  private readonly runs = new Map<string, number>();
  /** Commands run (not replayed) since start. */
  executed = 0;

  constructor(
    readonly key: string,
    private readonly options: { latencyMs: number; dedupe: boolean },
  ) {}

  /** How often command `commandId` was run. */
  executions(commandId: string): number {
    return this.runs.get(commandId) ?? 0;
  }

  /**
   * Runs (or replays) one delivery of a command; `onRun` is told as soon as a real run starts (before the latency).
   * @returns the answer; `duplicate` when replayed.
   */
  async handle(
    c: { commandId: string; name: string; params: Record<string, unknown> },
    onRun?: (executions: number) => void,
  ): Promise<SimAnswer> {
    const known = this.options.dedupe ? this.answers.get(c.commandId) : undefined;
    if (known) return { ...known, duplicate: true };
    const executions = this.executions(c.commandId) + 1;
    this.runs.set(c.commandId, executions);
    this.executed++;
    onRun?.(executions);
    if (this.options.latencyMs > 0) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    const answer: SimAnswer = {
      state: 'done',
      result: { device: this.key, command: c.name, params: c.params, ok: true },
      executions,
      duplicate: false,
    };
    this.answers.set(c.commandId, answer);
    if (this.answers.size > SIM_MEMORY) this.answers.delete(this.answers.keys().next().value!);
    while (this.runs.size > SIM_MEMORY * 10) this.runs.delete(this.runs.keys().next().value!);
    return answer;
  }
}
