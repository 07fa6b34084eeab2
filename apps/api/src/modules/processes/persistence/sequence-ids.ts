import type { IdGenerator } from '@opkernel/kernel';
import type { SqlRunner } from './sql-runner';

/** The kernel's {@link IdGenerator} over `process_pid_seq`, in the command's transaction. */
export class SequenceIds implements IdGenerator {
  constructor(private readonly tx: SqlRunner) {}

  /** A fresh pid (gaps after rollbacks are expected). */
  async nextPid(): Promise<number> {
    const rows = await this.tx.query<{ pid: string }[]>(`SELECT nextval('process_pid_seq') AS pid`);
    return Number(rows[0]!.pid);
  }
}
