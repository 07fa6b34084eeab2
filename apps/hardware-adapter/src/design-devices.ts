import type { Pool } from 'pg';
import { Device } from '@opkernel/design';

/**
 * The devices of the current design. The adapter talks to the kernel only through queues; reading the design is the
 * one exception, and it is read-only: `SELECT document FROM design_versions ORDER BY version DESC LIMIT 1` on the
 * API's database (the design is versioned and immutable, so this is a consistent read of the design in force).
 * Each device is parsed with the design model (defaults filled in).
 * @returns the devices, or [] when no design was imported yet
 * @throws ZodError when a stored device does not parse (the API validated it at import, so only on a model change)
 */
export async function currentDesignDevices(db: Pool): Promise<Device[]> {
  const { rows } = await db.query<{ document: { devices?: unknown[] } }>(
    'SELECT document FROM design_versions ORDER BY version DESC LIMIT 1',
  );
  return (rows[0]?.document.devices ?? []).map((d) => Device.parse(d));
}
