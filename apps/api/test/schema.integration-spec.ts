import fs from 'node:fs';
import path from 'node:path';
import { noSchedulerChanges, type Pcb } from '@opkernel/kernel';
import { DataSource, QueryFailedError } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '@opkernel/migrations';
import { findRepoRoot } from '../src/infra/config/repo-root.util';
import { buildDataSourceOptions, runMigrations } from '../src/infra/database/data-source';
import { OperatorEntity } from '../src/infra/database/entities/operator.entity';
import { writeChangeset } from '../src/modules/processes/persistence/changeset-writer';
import { rowToPcb, type ProcessRow } from '../src/modules/processes/persistence/process-row';
import { toProblem } from '../src/infra/problem/to-problem.util';
import { createTestDatabase, type TestDatabase } from './utils/test-db';

describe('schema, migrations and the PCB mapper', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(buildDataSourceOptions(db.url)).initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('registers every migrations/*.ts file in MIGRATIONS', () => {
    const dir = path.join(findRepoRoot(), 'migrations');
    const files = fs.readdirSync(dir).filter((f) => /^\d+-.+\.ts$/.test(f));
    const names = files.map((f) => f.replace(/^(\d+)-(.+)\.ts$/, '$2$1'));
    expect(MIGRATIONS.map((m) => m.name).sort()).toEqual(names.sort());
  });

  it('has no pending migration in a cloned test database', async () => {
    expect(await ds.showMigrations()).toBe(false);
  });

  it('maps a PCB to a row and back without loss (bigints as numbers, times as epoch ms)', async () => {
    await ds.getRepository(OperatorEntity).insert({ key: 'nurse', username: null, label: 'Nurse', roles: ['hu_shi'] });
    const [{ version }] = (await ds.query(
      `INSERT INTO design_versions (name, hash, document, format, created_by) VALUES ('t', $1, '{}', 'json', NULL) RETURNING version`,
      ['a'.repeat(64)],
    )) as [{ version: number }];
    const [{ pid }] = (await ds.query(`SELECT nextval('process_pid_seq')::int AS pid`)) as [{ pid: number }];
    const pcb: Pcb = {
      pid,
      service: 'check_in',
      designVersion: version,
      kind: 'task',
      state: 'TERMINATED',
      priority: 3,
      parentPid: null,
      previousPid: null,
      program: 'clinic',
      callerPid: null,
      join: { kind: 'parallel', callerPid: pid, group: 'g1', index: 0, size: 2 },
      entity: { type: 'Operator', id: 'zhang_san' },
      assignee: 'nurse',
      candidateRoles: ['hu_shi', 'yi_sheng'],
      creator: 'nurse',
      scheduledAt: 1_700_000_000_000,
      deadline: null,
      startedAt: 1_700_000_001_234,
      endedAt: 1_700_000_009_999,
      waitReason: null,
      suspendReason: null,
      resumeState: null,
      terminatedReason: 'completed',
      formData: { temperature: 36.6 },
      urgency: 20,
      fairnessKey: 'tenant-a',
      queueTag: 1_700_000_000_500,
      queuedMs: 90_000,
      weight: 2,
      waitUntil: 1_700_000_050_000,
      skillsRelaxed: true,
      version: 4,
      createdAt: 1_699_999_999_000,
      updatedAt: 1_700_000_009_999,
    };
    // The production write and read paths: the changeset writer's INSERT and the row mapper.
    await writeChangeset(ds, {
      created: [pcb],
      updated: [],
      frames: [],
      audit: [],
      changes: [],
      effects: [],
      scheduler: noSchedulerChanges(),
      result: pcb,
    });
    const [row] = await ds.query<ProcessRow[]>('SELECT * FROM processes WHERE pid = $1', [pid]);
    expect(typeof row!.pid).toBe('string');
    expect(rowToPcb(row!)).toEqual(pcb);
  });

  it('enforces "TERMINATED exactly when terminated_reason is set" (check violation → 422 problem)', async () => {
    const error = await ds
      .query(
        `INSERT INTO processes (service, design_version, kind, state, version, terminated_reason)
              SELECT 's', version, 'task', 'READY', 1, 'completed' FROM design_versions LIMIT 1`,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as QueryFailedError<Error & { code: string }>).driverError.code).toBe('23514');
    expect(toProblem(error).status).toBe(422);
  });

  it('maps a unique violation to 409 and a foreign-key violation to 422', async () => {
    const unique = await ds
      .getRepository(OperatorEntity)
      .insert({ key: 'nurse', label: 'again' })
      .catch((e: unknown) => e);
    expect(toProblem(unique).status).toBe(409);
    const foreign = await ds
      .query(
        `INSERT INTO processes (service, design_version, kind, state, version) VALUES ('s', 999999, 'task', 'NEW', 1)`,
      )
      .catch((e: unknown) => e);
    expect(toProblem(foreign).status).toBe(422);
    expect(toProblem(foreign).extra).toMatchObject({ constraint: 'processes_design_version_fkey' });
  });

  it('maps kernel errors (kernel: true + code) through the kernel hook to 409 with the code', () => {
    const kernelError = Object.assign(new Error('process 7 cannot complete from state READY'), {
      name: 'KernelError',
      kernel: true,
      code: 'ILLEGAL_TRANSITION',
      details: { pid: 7 },
    });
    const problem = toProblem(kernelError);
    expect(problem.status).toBe(409);
    expect(problem.toDocument()).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { pid: 7 } });
    expect(toProblem(new Error('boom')).status).toBe(500);
  });

  it('every API connection waits at most 5 s for a lock (set once per connection, not per command)', async () => {
    const rows = await ds.query<{ lock_timeout: string }[]>('SHOW lock_timeout');
    expect(rows[0]!.lock_timeout).toBe('5s');
  });

  it('migrations are reversible: down drops every table, up recreates them', async () => {
    const scratch = await createTestDatabase();
    const other = await new DataSource(buildDataSourceOptions(scratch.url)).initialize();
    const tables = async (): Promise<string[]> =>
      (
        (await other.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)) as {
          tablename: string;
        }[]
      ).map((r) => r.tablename);
    try {
      const before = await tables();
      expect(before).toEqual([
        'api_tokens',
        'assignment_explanations',
        'bookings',
        'calendar_leaves',
        'calendars',
        'design_versions',
        'device_commands',
        'entities',
        'event_starts',
        'fairness_weights',
        'idempotency_keys',
        'inbound_events',
        'login_throttle',
        'migrations',
        'operator_lanes',
        'operator_state',
        'operators',
        'outbox',
        'process_events',
        'process_frames',
        'process_snapshots',
        'processes',
        'ready_queue',
        'refresh_tokens',
        'resources',
        'schedule_fires',
        'sla_clocks',
        'task_drafts',
        'timers',
      ]);
      for (let i = 0; i < MIGRATIONS.length; i++) await other.undoLastMigration({ transaction: 'each' });
      expect(await tables()).toEqual(['migrations']);
      const sequences = (await other.query(`SELECT relname FROM pg_class WHERE relkind = 'S'`)) as unknown[];
      expect(sequences.length).toBeLessThanOrEqual(1); // only the migrations table's own id sequence
      expect(await runMigrations(other)).toEqual(MIGRATIONS.map((m) => new m().name));
      expect(await tables()).toEqual(before);
    } finally {
      await other.destroy();
      await scratch.drop();
    }
  });
});
