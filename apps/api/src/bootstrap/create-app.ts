import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ConsoleLogger, INestApplication, Logger, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../app.module';
import { AppConfig, loadEnvConfig, logLevelsUpTo } from '../infra/config/app-config';
import { ephemeralJwtSecret, readOrCreateJwtSecret } from '../infra/config/jwt-secret.util';
import { defaultDataDir, findRepoRoot } from '../infra/config/repo-root.util';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../infra/database/embedded-postgres';
import { RedisIoAdapter } from '../modules/live/redis-io.adapter';
import { METRICS_PATH } from '../modules/metrics/metrics.controller';
import { answerClientErrorsWithProblems } from './client-error';
import { seedIfEmpty } from './seed';
import { setupSwagger } from './swagger';
import { webAppStatic } from './web-app-static';

/** Largest JSON request body accepted (design documents can be a few hundred KB). */
export const JSON_BODY_LIMIT = '10mb';
/** Largest text (YAML) request body accepted. */
export const TEXT_BODY_LIMIT = '10mb';
/** Media types read as a plain string body (native YAML designs: `POST /designs?format=native`). */
export const TEXT_BODY_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

/**
 * Where `next build` writes the operator web app (served at `/` when present). Found from the repository root, so
 * the same path holds for the sources and for the build in dist/api.
 */
export const WEB_APP_DIR = path.join(findRepoRoot(__dirname), 'apps', 'web', 'out');

/** Options of {@link createApp}; each overrides the matching environment variable. */
export type CreateAppOptions = {
  /** PostgreSQL URL; default `DATABASE_URL`, else embedded PostgreSQL in `<repo>/.data/pg`. */
  databaseUrl?: string;
  /** Redis URL (queues and the live channel's adapter); default `REDIS_URL`; null = none (queues on PostgreSQL). */
  redisUrl?: string | null;
  /** HTTP port; default `PORT` (3000). 0 = any free port. */
  port?: number;
  /** Run `seedIfEmpty` before listening. @default true */
  seed?: boolean;
  /** Serve the OpenAPI document and UI at `/api/docs`; default `API_DOCS` (on unless `NODE_ENV=production`). */
  docs?: boolean;
};

/** A started API. */
export type CreatedApp = {
  app: INestApplication;
  /** Base URL without the `/api` prefix, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Whether the OpenAPI document and UI are served (at `${url}/api/docs`). */
  docs: boolean;
  /** Closes HTTP/WebSocket servers, the relay and the pool, then stops embedded PostgreSQL (if started). */
  close(): Promise<void>;
};

/**
 * Builds and starts the API: reads the environment once, starts embedded PostgreSQL when no database URL
 * is given, runs migrations, creates the admin operator if needed, seeds on first start and listens.
 * Routes live under `/api`; bodies are read as JSON, or as a string for {@link TEXT_BODY_TYPES} (YAML
 * designs), up to 10 MB each; logs are JSON lines; SIGINT/SIGTERM close the app gracefully.
 *
 * @throws ConfigError for a malformed environment; database or port errors as thrown.
 * @example const { url, close } = await createApp({ databaseUrl, port: 0 });
 */
export async function createApp(options: CreateAppOptions = {}): Promise<CreatedApp> {
  const env = loadEnvConfig();
  const logger = new ConsoleLogger({ json: true, logLevels: logLevelsUpTo(env.logLevel) });
  Logger.overrideLogger(logger);
  const bootLogger = new Logger('Bootstrap');

  const dataDir = defaultDataDir();
  let embedded: EmbeddedPostgresHandle | null = null;
  let databaseUrl = options.databaseUrl ?? env.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg') });
    databaseUrl = embedded.url;
  }

  let jwtSecret = env.jwtSecret;
  if (!jwtSecret && embedded) jwtSecret = readOrCreateJwtSecret(dataDir);
  if (!jwtSecret) {
    bootLogger.warn('JWT_SECRET is not set: using a random secret; tokens become invalid when this process stops');
    jwtSecret = ephemeralJwtSecret();
  }

  const config = new AppConfig({
    databaseUrl,
    embeddedDatabase: embedded !== null,
    redisUrl: options.redisUrl !== undefined ? options.redisUrl : env.redisUrl,
    port: options.port ?? env.port,
    host: env.host,
    jwtSecret,
    adminPassword: env.adminPassword,
    logLevel: env.logLevel,
    dataDir,
  });

  const docs = options.docs ?? env.apiDocs;
  let app: NestExpressApplication | undefined;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, embedded), {
      logger,
      abortOnError: false,
    });
    if (env.trustProxy !== null) app.set('trust proxy', env.trustProxy);
    app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
    app.useBodyParser('text', { type: TEXT_BODY_TYPES, limit: TEXT_BODY_LIMIT });
    if (config.redisUrl) {
      // One channel per database: the replicas of a deployment share it, other deployments on the Redis do not.
      const db = new URL(config.databaseUrl);
      const channel = `opkernel:${db.hostname}:${db.port || '5432'}/${db.pathname.slice(1) || 'postgres'}`;
      const adapter = new RedisIoAdapter(app, config.redisUrl, channel);
      await adapter.connect();
      app.useWebSocketAdapter(adapter);
    }
    // Everything under /api except Prometheus's `GET /metrics`, at the root where scrapers look.
    app.setGlobalPrefix('api', { exclude: [{ path: METRICS_PATH, method: RequestMethod.GET }] });
    // The operator web app (a Next.js static export) on the same origin as /api and /live.
    // Precompressed (brotli/gzip) files, hashed assets cached immutably: see webAppStatic.
    if (existsSync(WEB_APP_DIR)) app.use(webAppStatic(WEB_APP_DIR));
    app.enableShutdownHooks();
    if (docs) setupSwagger(app);
    await app.init();
    if (options.seed !== false) await seedIfEmpty(app);
    answerClientErrorsWithProblems(app.getHttpServer());
    await app.listen(config.port, config.host);
  } catch (error) {
    if (app) await app.close().catch(() => undefined);
    await embedded?.stop(); // idempotent: app.close() may already have stopped it
    throw error;
  }

  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? 'localhost' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const started = app;
  let closing: Promise<void> | undefined;
  return { app: started, url, docs, close: () => (closing ??= started.close()) };
}
