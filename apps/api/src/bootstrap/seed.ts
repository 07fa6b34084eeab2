import { INestApplication, Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { findRepoRoot } from '../infra/config/repo-root.util';
import { DesignsService } from '../modules/designs/designs.service';

const logger = new Logger('Seed');

/**
 * Runs {@link onFirstStart} when the database holds no design version yet. Called by `createApp` after the
 * app is initialised and before it listens.
 */
export async function seedIfEmpty(app: INestApplication): Promise<void> {
  const dataSource = app.get(DataSource);
  const [{ count }] = (await dataSource.query('SELECT count(*)::int AS count FROM design_versions')) as [
    { count: number },
  ];
  if (count > 0) return;
  await onFirstStart(app);
}

/** The clinic design of the Django original, imported into an empty database on first start (sources or dist/api). */
export const DEFAULT_DESIGN_FIXTURE = path.join(findRepoRoot(__dirname), 'fixtures', 'erpsys', 'backup.json');

/** First start (zero design versions): import the erpsys clinic design, as it is. */
export async function onFirstStart(app: INestApplication): Promise<void> {
  const rows = JSON.parse(readFileSync(DEFAULT_DESIGN_FIXTURE, 'utf8')) as unknown[];
  const result = await app.get(DesignsService).import('erpsys', rows, null);
  logger.log(`Imported the erpsys clinic design as version ${result.version}: ${JSON.stringify(result.counts)}`);
}
