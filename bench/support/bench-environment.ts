import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Client } from 'pg';

/**
 * One line for a report's header: commit, CPUs, Node, BullMQ, Redis (version, appendonly, appendfsync),
 * PostgreSQL (version, synchronous_commit) and the load average (1/5/15 min) when it was taken.
 */
export async function benchEnvironment(databaseUrl: string, redisUrl: string): Promise<string> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  let redisInfo = 'Redis unreachable';
  try {
    await redis.connect();
    const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
    const aof = ((await redis.config('GET', 'appendonly')) as string[])[1];
    const fsync = ((await redis.config('GET', 'appendfsync')) as string[])[1];
    redisInfo = `Redis ${version} appendonly=${aof} appendfsync=${fsync}`;
  } catch {
    // reported as unreachable
  } finally {
    redis.disconnect();
  }
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const { rows } = await pg.query<{ v: string; sc: string }>(
    `SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc`,
  );
  await pg.end();
  let commit = '?';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a checkout
  }
  const bullmq = (
    JSON.parse(readFileSync(path.resolve(__dirname, '../../node_modules/bullmq/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  return (
    `commit ${commit}; ${cpus().length} × ${cpus()[0]?.model ?? '?'}; node ${process.version}; bullmq ${bullmq}; ` +
    `${redisInfo}; PostgreSQL ${rows[0]!.v} synchronous_commit=${rows[0]!.sc}; ` +
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`
  );
}
