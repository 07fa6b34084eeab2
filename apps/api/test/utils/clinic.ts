import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiClient } from '../../src/journey/api-client';
import { TEST_ADMIN_PASSWORD } from './test-app';

export const FIXTURES = path.resolve(__dirname, '../../../../fixtures/erpsys');
export const readFixture = (name: string): unknown[] => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

/** Imports the clinic design and logs in the admin and the clinic staff (小方 fang, 小蒋 jiang, 陈医生 chen). */
export async function setupClinic(url: string) {
  const admin = await ApiClient.login(url, 'admin', TEST_ADMIN_PASSWORD);
  const imported = await admin.post<{ version: number; created: boolean; counts: Record<string, number> }>(
    '/v1/designs?format=erpsys',
    readFixture('backup.json'),
  );
  const operators = await admin.get<{ key: string; username: string | null }[]>('/v1/operators');
  const login = async (username: string) => {
    const key = operators.find((o) => o.username === username)!.key;
    await admin.put(`/v1/operators/${encodeURIComponent(key)}/password`, { password: `${username}-password-1` });
    return { client: await ApiClient.login(url, username, `${username}-password-1`), key };
  };
  return { admin, imported, fang: await login('fang'), jiang: await login('jiang'), chen: await login('chen') };
}

/** A process as the API returns it (the fields tests read). */
export type ProcessDto = {
  pid: number;
  service: string;
  state: string;
  kind: string;
  assignee: string | null;
  candidateRoles: string[];
  entity: { type: string; id: string; label: string | null } | null;
  terminatedReason: string | null;
  version: number;
  cascade: { pid: number; service: string; state: string; fromState: string | null; assignee: string | null }[];
};
