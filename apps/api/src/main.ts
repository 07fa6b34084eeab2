import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { createApp, WEB_APP_DIR } from './bootstrap/create-app';
import { AdminBootstrapService, type AdminPasswordSource } from './modules/auth/admin-bootstrap.service';

const PASSWORD_HINTS: Record<AdminPasswordSource, string> = {
  env: 'the value of ADMIN_PASSWORD',
  generated: 'the one printed above (shown only once)',
  existing: 'the one set at first start, or changed since (ADMIN_PASSWORD only applies when the account is created)',
};

async function main(): Promise<void> {
  const { app, url, docs } = await createApp();
  const source = app.get(AdminBootstrapService).passwordSource;
  new Logger('Main').log(`opkernel API listening on ${url}/api`);
  process.stdout.write(
    [
      '',
      ...(existsSync(WEB_APP_DIR) ? [`  Web app        ${url}/`] : []),
      `  opkernel API   ${url}/api`,
      ...(docs ? [`  API docs       ${url}/api/docs`] : []),
      `  Health         ${url}/api/health`,
      `  Log in as      admin — password: ${PASSWORD_HINTS[source]}`,
      '',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  new Logger('Main').fatal(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
