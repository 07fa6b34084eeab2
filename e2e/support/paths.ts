import path from 'node:path';

/** Repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');
/** Screenshots and the app log of the browser tests (gitignored). */
export const ARTIFACTS = path.join(ROOT, 'e2e', 'artifacts');
