import { Client } from 'pg';
import { procCpuMs } from './stats';

/**
 * CPU time of the PostgreSQL backends serving one database, read from /proc (PostgreSQL on this machine): polls
 * `pg_stat_activity` for the database's backends every `intervalMs` and keeps each backend's latest utime+stime,
 * so a backend that exits (e.g. a pgbench client's) counts up to its last poll. Background processes (WAL
 * writer, checkpointer, autovacuum) are not included. Returns 0 when PostgreSQL runs elsewhere.
 */
export class PgCpuMeter {
  private timer: NodeJS.Timeout | null = null;
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private polling: Promise<void> | null = null;

  private constructor(
    private readonly client: Client,
    private readonly ownPid: number,
  ) {}

  /** Connects to `url` (the benchmark's database). */
  static async open(url: string): Promise<PgCpuMeter> {
    const client = new Client({ connectionString: url, application_name: 'bench-cpu-meter' });
    await client.connect();
    const own = (await client.query<{ pid: number }>('/* bench */ SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    return new PgCpuMeter(client, own);
  }

  private async poll(initial: boolean): Promise<void> {
    const rows = (
      await this.client.query<{ pid: number }>(
        `/* bench */ SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> $1`,
        [this.ownPid],
      )
    ).rows;
    for (const { pid } of rows) {
      const ms = procCpuMs([pid]);
      if (ms === 0 && !this.last.has(pid)) continue;
      if (!this.first.has(pid)) this.first.set(pid, initial ? ms : 0);
      this.last.set(pid, ms);
    }
  }

  /** Starts measuring (backends already running count from now, new ones from their start). */
  async start(intervalMs = 100): Promise<void> {
    this.first.clear();
    this.last.clear();
    await this.poll(true);
    const tick = () => {
      this.polling = this.poll(false)
        .catch(() => undefined)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  /** Stops measuring; @returns the backends' CPU time since {@link start}, ms. */
  async stop(): Promise<number> {
    const t = this.timer;
    this.timer = null;
    if (t) clearTimeout(t);
    await this.polling;
    await this.poll(false);
    let total = 0;
    for (const [pid, last] of this.last) total += last - (this.first.get(pid) ?? 0);
    return total;
  }

  /** Closes the meter's connection. */
  async close(): Promise<void> {
    await this.client.end();
  }
}
