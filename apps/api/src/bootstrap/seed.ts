import { INestApplication, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

const logger = new Logger('Seed');

/**
 * Runs {@link onFirstStart} when the database holds no design version yet. Called by `createApp` after the
 * app is initialised and before it listens.
 */
export async function seedIfEmpty(app: INestApplication): Promise<void> {
  const dataSource = app.get(DataSource);
  const [{ count }] = (await dataSource.query('SELECT count(*)::int AS count FROM design_versions')) as [{ count: number }];
  if (count > 0) return;
  await onFirstStart(app);
}

/**
 * LEAD HOOK — first start (zero design versions): import the default design here.
 * For now it only logs.
 */
export async function onFirstStart(_app: INestApplication): Promise<void> {
  logger.log('No design version in the database yet; nothing is seeded (design import not wired yet)');
}
