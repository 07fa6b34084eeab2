import type { LogLevel } from '@nestjs/common';
import { z } from 'zod';

/** Log levels accepted by `LOG_LEVEL` (Nest levels, most to least severe). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Nest log levels from `fatal` up to `level` (e.g. `warn` → fatal, error, warn). */
export function logLevelsUpTo(level: LogLevelName): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/** `value` when it is a level name, else `fallback`. */
export function parseLogLevel(value: string | undefined, fallback: LogLevelName): LogLevelName {
  return (LOG_LEVELS as readonly string[]).includes(value ?? '') ? (value as LogLevelName) : fallback;
}

const emptyToUndefined = (value: unknown): unknown => (value === '' ? undefined : value);

/**
 * The environment variables the API reads, validated once at boot.
 * Empty strings count as "unset" so `FOO=` in a shell behaves like no `FOO`.
 */
export const EnvSchema = z.object({
  /** PostgreSQL URL; unset = start embedded PostgreSQL in `<repo>/.data/pg`. */
  DATABASE_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  /** Redis URL; unset = queues run on PostgreSQL. */
  REDIS_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  /** HTTP port. @default 3000 (0 = any free port). */
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  /** Interface to listen on. @default 127.0.0.1 */
  HOST: z.preprocess(emptyToUndefined, z.string().min(1).default('127.0.0.1')),
  /** HS256 secret for access tokens; unset = generated (persisted in `.data/jwt-secret` in embedded mode). */
  JWT_SECRET: z.preprocess(emptyToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  /** Password of the `admin` operator when it is created (first start); never applied to an existing admin. */
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(10, 'must be at least 10 characters').optional()),
  /**
   * Express `trust proxy` (which `X-Forwarded-For` hops to believe for the client address used by login
   * throttling): a hop count, `true`, or addresses/subnets such as `loopback` or `10.0.0.0/8`. Unset = none.
   */
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.string().max(500).optional()),
  /** Most verbose level that is logged. @default log */
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(LOG_LEVELS).default('log')),
  /** Serve the OpenAPI document and UI at `/api/docs`: `1`/`0`. Unset = on, except when `NODE_ENV=production`. */
  API_DOCS: z.preprocess(emptyToUndefined, z.enum(['0', '1', 'true', 'false']).optional()),
  NODE_ENV: z.preprocess(emptyToUndefined, z.string().optional()),
});

/** Settings read from the environment (before the database is resolved). */
export type EnvConfig = {
  databaseUrl: string | null;
  redisUrl: string | null;
  port: number;
  host: string;
  jwtSecret: string | null;
  adminPassword: string | null;
  logLevel: LogLevelName;
  /** Express `trust proxy` value, null = trust no proxy. */
  trustProxy: string | number | boolean | null;
  /** Serve the OpenAPI document and UI (`API_DOCS`; default on unless `NODE_ENV=production`). */
  apiDocs: boolean;
};

/** `TRUST_PROXY` → Express's `trust proxy`: digits = hop count, `true`/`false`, else addresses as given. */
export function parseTrustProxy(value: string | undefined): string | number | boolean | null {
  if (value === undefined) return null;
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

/** Thrown when the environment does not validate; the message lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates the environment once.
 * @param env - the variables to read (default `process.env`).
 * @throws {ConfigError} when a variable is malformed (e.g. `PORT=abc`, a `JWT_SECRET` shorter than 16 characters).
 */
export function loadEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL ?? null,
    redisUrl: e.REDIS_URL ?? null,
    port: e.PORT,
    host: e.HOST,
    jwtSecret: e.JWT_SECRET ?? null,
    adminPassword: e.ADMIN_PASSWORD ?? null,
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    apiDocs: e.API_DOCS === undefined ? e.NODE_ENV !== 'production' : e.API_DOCS === '1' || e.API_DOCS === 'true',
  };
}

/** Values an {@link AppConfig} is built from. */
export type AppConfigValues = {
  databaseUrl: string;
  embeddedDatabase: boolean;
  redisUrl: string | null;
  port: number;
  host: string;
  jwtSecret: string;
  adminPassword: string | null;
  logLevel: LogLevelName;
  dataDir: string;
};

/**
 * The resolved configuration of one running app, injectable as a class token (`constructor(config: AppConfig)`).
 * Built once by `createApp` from {@link EnvConfig} after the database URL and JWT secret are known.
 */
export class AppConfig {
  /** PostgreSQL URL in use (embedded or external). */
  readonly databaseUrl!: string;
  /** True when the API started its own embedded PostgreSQL. */
  readonly embeddedDatabase!: boolean;
  readonly redisUrl!: string | null;
  readonly port!: number;
  readonly host!: string;
  /** HS256 secret for access tokens (never logged). */
  readonly jwtSecret!: string;
  readonly adminPassword!: string | null;
  readonly logLevel!: LogLevelName;
  /** Directory for local state (`<repo>/.data`). */
  readonly dataDir!: string;

  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }

  /** Queue backend chosen by configuration. */
  get queueDriver(): 'redis' | 'postgres' {
    return this.redisUrl ? 'redis' : 'postgres';
  }
}
