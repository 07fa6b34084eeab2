import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Reads the JWT secret persisted in `<dataDir>/jwt-secret`, creating it (48 random bytes, base64url, mode 0600)
 * on first use, so tokens survive restarts of a local (embedded) installation.
 */
export function readOrCreateJwtSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (fs.existsSync(file)) {
    const secret = fs.readFileSync(file, 'utf8').trim();
    if (secret.length >= 16) return secret;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** A secret valid for this process only (tokens die with the process). */
export function ephemeralJwtSecret(): string {
  return randomBytes(48).toString('base64url');
}
