import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@opkernel/kernel';
import { ApiClient } from '../../apps/api/src/journey/api-client';
import { CLINIC_FIXTURE } from '../../apps/api/src/journey/clinic-journey';
import { sampleForm } from '../../apps/api/src/journey/sample-form';
import { DesignRegistry } from '../../apps/api/src/modules/designs/design-registry.service';
import { DesignsService } from '../../apps/api/src/modules/designs/designs.service';

/** The clinic's entry service (客户服务) and its first step (新预约), as keyed by the erpsys import. */
export const ENTRY_SERVICE = 'ke_hu_fu_wu';
export const FIRST_STEP = 'xin_yu_yue';

/** A password the API's policy accepts (zxcvbn ≥ 3), fresh per run. */
export const benchPassword = () => `bench-${randomBytes(12).toString('base64url')}`;

/** Imports the erpsys clinic design (`fixtures/erpsys/backup.json`) as the admin; returns its version. */
export async function importClinic(app: INestApplication): Promise<number> {
  const rows = JSON.parse(readFileSync(CLINIC_FIXTURE, 'utf8')) as unknown[];
  const r = await app.get(DesignsService).import('erpsys', rows, 'admin');
  if (r.version === undefined) throw new Error(`the clinic design was not imported: ${JSON.stringify(r)}`);
  return r.version;
}

/** The kernel actor of the operator with `username` (e.g. 小方 = `fang`), read from `operators`. */
export async function actorOf(app: INestApplication, username: string): Promise<Actor> {
  const rows = await app
    .get(DataSource)
    .query<{ key: string; roles: string[]; admin: boolean }[]>(
      'SELECT key, roles, admin FROM operators WHERE username = $1',
      [username],
    );
  if (!rows[0]) throw new Error(`no operator with username ${username}`);
  return { key: rows[0].key, roles: rows[0].roles, admin: rows[0].admin };
}

/** A plausible completion form of `service` in `version` (the journey's `sampleForm`). */
export async function formOf(
  app: INestApplication,
  version: number,
  service: string,
): Promise<Record<string, unknown>> {
  const svc = (await app.get(DesignRegistry).get(version)).services.get(service);
  return sampleForm(svc?.form ?? null);
}

/**
 * Logs in the clinic staff `usernames` over REST: the admin (password `adminPassword`) gives each a fresh
 * password first. @returns a logged-in client per username, with the password (to log in again).
 */
export async function loginStaff(
  baseUrl: string,
  adminPassword: string,
  usernames: readonly string[],
): Promise<{ admin: ApiClient; staff: Map<string, { client: ApiClient; key: string; password: string }> }> {
  const admin = await ApiClient.login(baseUrl, 'admin', adminPassword);
  const operators = await admin.get<{ key: string; username: string | null }[]>('/v1/operators');
  const staff = new Map<string, { client: ApiClient; key: string; password: string }>();
  for (const username of usernames) {
    const op = operators.find((o) => o.username === username);
    if (!op) throw new Error(`operator with username ${username} is missing from the design`);
    const password = benchPassword();
    await admin.put(`/v1/operators/${encodeURIComponent(op.key)}/password`, { password });
    staff.set(username, { client: await ApiClient.login(baseUrl, username, password), key: op.key, password });
  }
  return { admin, staff };
}
