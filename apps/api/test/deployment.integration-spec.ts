import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

type Service = { command?: string[]; environment?: Record<string, string>; image?: string };

/**
 * compose.yaml and the Dockerfile describe the processes the tests start (the API's build, `npm run worker`, the
 * hardware adapter) with settings the app reads: this keeps them in step when a command, a script or a variable
 * changes (the images themselves are not built here: the machines have no registry access).
 */
describe('deployment files (Dockerfile, compose.yaml)', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, Service> };
  const services = compose.services;
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  it('runs PostgreSQL, Redis, Mosquitto, two API processes, two workers and one adapter', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['adapter', 'api-1', 'api-2', 'mosquitto', 'postgres', 'redis', 'worker-1', 'worker-2'].sort(),
    );
  });

  it('starts the API from the build npm start runs, as the Dockerfile does', async () => {
    const { API_MAIN } = (await import(path.join(ROOT, 'scripts/build-api.mjs'))) as { API_MAIN: string };
    const main = path.relative(ROOT, API_MAIN);
    for (const api of ['api-1', 'api-2']) expect(services[api]!.command).toEqual(['node', main]);
    const cmd = /^CMD (.+)$/m.exec(read('Dockerfile'))![1]!;
    expect(JSON.parse(cmd)).toEqual(['node', main]);
    expect(read('apps/api/src/main.ts').length).toBeGreaterThan(0);
  });

  it('runs workers and the adapter through package scripts that exist, with arguments they accept', () => {
    for (const w of ['worker-1', 'worker-2']) {
      const [npm, run, script, dashes, ...args] = services[w]!.command!;
      expect([npm, run, dashes]).toEqual(['npm', 'run', '--']);
      expect(scripts[script!]).toContain('apps/worker/src/main.ts');
      // `--decks key[:concurrency],…` as apps/worker/src/worker-args.ts parses it.
      expect(args[0]).toBe('--decks');
      expect(args[1]).toMatch(/^[A-Za-z0-9_.-]+(:\d+)?(,[A-Za-z0-9_.-]+(:\d+)?)*$/);
    }
    const [npm, run, script] = services['adapter']!.command!;
    expect([npm, run]).toEqual(['npm', 'run']);
    expect(scripts[script!]).toContain('apps/hardware-adapter/');
  });

  it('sets only variables the processes read, and API processes leave deck work to the workers', () => {
    const sources = [
      'apps/api/src/infra/config/app-config.ts',
      'apps/api/src/modules/decks/decks.options.ts',
      'apps/worker/src/main.ts',
    ]
      .map(read)
      .join('\n');
    for (const [name, svc] of Object.entries(services)) {
      if (svc.image !== 'opkernel') continue;
      for (const key of Object.keys(svc.environment ?? {})) expect(sources, `${name}: ${key}`).toContain(key);
      expect(svc.environment?.['DATABASE_URL']).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(svc.environment?.['REDIS_URL']).toBe('redis://redis:6379');
    }
    for (const api of ['api-1', 'api-2']) expect(services[api]!.environment?.['DECK_WORKERS']).toBe('off');
  });
});
