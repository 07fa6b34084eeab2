/**
 * `npm run hardware-adapter -- [--devices ipl-1,hema-1] [--name a1] [--lock-ms 30000] [--stalled-ms 30000]`: the
 * hardware-adapter service (reference/decks.md §3), a process of its own against the API's PostgreSQL
 * (`DATABASE_URL`) and, when set, Redis (`REDIS_URL`). It owns the device drivers and the command ledger
 * (`device_commands`) and talks to the kernel only through queues: it runs the `hw-<device>` queues' hops
 * (`device.command`) and adds device events to `kernel-events`. The devices are the current design's (read-only,
 * see {@link currentDesignDevices}), looked at again every few seconds for new ones. SIGTERM/SIGINT close it after
 * its running commands.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { Pool } from 'pg';
import { DeckHandlers } from '../../api/src/modules/decks/deck-handlers';
import { DeckWorkers } from '../../api/src/modules/decks/deck-workers.service';
import { DEFAULT_TUNING } from '../../api/src/modules/decks/decks.options';
import { QueueFactory, queuePrefix } from '../../api/src/modules/decks/queue-factory';
import { parseAdapterArgs } from './adapter-args';
import { CommandLedger } from './command-ledger';
import { currentDesignDevices } from './design-devices';
import { DEVICE_COMMAND, deviceCommandHandler, type DrivenDevice } from './device-command.handler';
import { DeviceRuntime } from './device-runtime';
import { driverFor } from './drivers/driver-factory';

/** How often the design is looked at for devices not driven yet (ms). */
const DEVICE_SYNC_MS = 5_000;

async function main(): Promise<void> {
  const log = new Logger('HardwareAdapter');
  const args = parseAdapterArgs(process.argv.slice(2));
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) throw new Error('DATABASE_URL is not set: the adapter needs the database the API uses');
  const db = new Pool({ connectionString: databaseUrl, max: 4 });
  const prefix = await queuePrefix(async <T>(sql: string) => (await db.query(sql)).rows as T[]);
  const queues = new QueueFactory({ redisUrl: process.env['REDIS_URL'] || null, databaseUrl, prefix });
  const tuning = {
    lockDurationMs: args.lockMs ?? DEFAULT_TUNING.lockDurationMs,
    stalledIntervalMs: args.stalledMs ?? DEFAULT_TUNING.stalledIntervalMs,
  };
  const driven = new Map<string, DrivenDevice>();
  const runtimes: DeviceRuntime[] = [];
  const handlers = new DeckHandlers();
  handlers.register(DEVICE_COMMAND, deviceCommandHandler(driven, new CommandLedger(db)));
  const sink = new DeckWorkers(queues, handlers).sink;

  /** Starts the design's devices (those asked for) that are not driven yet. */
  const sync = async (): Promise<void> => {
    const devices = (await currentDesignDevices(db)).filter((d) => !args.devices || args.devices.includes(d.key));
    for (const device of devices) {
      if (driven.has(device.key)) continue;
      const runtime = new DeviceRuntime(device, driverFor(device, args.name), queues);
      driven.set(device.key, runtime);
      runtimes.push(runtime);
      await runtime.start(handlers, sink, tuning);
    }
  };
  await sync();
  const missing = (args.devices ?? []).filter((k) => !driven.has(k));
  if (missing.length > 0) log.warn(`devices not in the current design (yet): ${missing.join(', ')}`);
  const timer = setInterval(() => {
    sync().catch((e: unknown) => log.warn(`device sync failed: ${e instanceof Error ? e.message : String(e)}`));
  }, DEVICE_SYNC_MS);

  const pidFile = path.join(process.env['OPKERNEL_DATA_DIR'] ?? '.data', 'run', `hardware-adapter-${args.name}.pid`);
  mkdirSync(path.dirname(pidFile), { recursive: true });
  writeFileSync(pidFile, String(process.pid));
  // A line for whoever started us (tests, process managers) to know we are taking commands.
  process.stdout.write(
    `hardware-adapter ${args.name} ready: devices ${[...driven.keys()].join(',') || '(none)'} on ${queues.backend}\n`,
  );
  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.log(`${signal}: closing after running commands`);
    clearInterval(timer);
    await queues.close();
    await Promise.allSettled(runtimes.map((r) => r.stop()));
    await db.end();
    rmSync(pidFile, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  process.on('SIGINT', () => void close('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`hardware-adapter failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
