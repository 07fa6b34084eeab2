import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { StageRun } from '@opkernel/kernel';

/** Reads of automation runs (kept in the process's context frame, `frame.stage`). */
@Injectable()
export class StagesRepository {
  constructor(private readonly db: DataSource) {}

  /** The current run of process `pid`, or null (no frame, or a process without automation). */
  async run(pid: number): Promise<StageRun | null> {
    const rows = await this.db.query<{ stage: StageRun | null }[]>(
      `SELECT frame->'stage' AS stage FROM process_frames WHERE pid = $1`,
      [pid],
    );
    return rows[0]?.stage ?? null;
  }
}
