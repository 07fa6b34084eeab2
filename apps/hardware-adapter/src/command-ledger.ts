import type { Pool } from 'pg';

/** A command's row in the ledger: `sending` (written before it goes out), `acked`, `done` or `failed`. */
export type LedgerState = 'sending' | 'acked' | 'done' | 'failed';

/**
 * What to do with one delivery of a command ({@link CommandLedger.begin}):
 * - `send`: send it (the row is now `sending`, `deliveries` counts this delivery);
 * - `done`: it was already answered `done` — use `result`, send nothing;
 * - `unknown`: a non-idempotent command was sent before and its outcome is unknown (row `sending`/`acked`), or
 *   it failed before: do not send it again.
 */
export type LedgerDecision =
  | { kind: 'send'; deliveries: number }
  | { kind: 'done'; result: unknown }
  | { kind: 'unknown'; state: LedgerState; deliveries: number };

/**
 * The adapter's command ledger, table `device_commands` (migration DeviceCommands1796900000000; reference
 * decks.md §3.4), one row per command id. Owned by the hardware-adapter service, which never touches kernel tables.
 */
export class CommandLedger {
  constructor(private readonly db: Pool) {}

  /**
   * Decides one delivery of command `commandId` and, when it is to be sent, writes the row `sending` with
   * `deliveries + 1` — in one transaction, BEFORE the command goes out (the row lock serialises two deliveries).
   * @param idempotent whether the device may get the command again (its `idempotent` flag in the design).
   */
  async begin(commandId: string, device: string, name: string, idempotent: boolean): Promise<LedgerDecision> {
    const client = await this.db.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ state: LedgerState; deliveries: number; result: unknown }>(
        'SELECT state, deliveries, result FROM device_commands WHERE command_id = $1 FOR UPDATE',
        [commandId],
      );
      const row = rows[0];
      let decision: LedgerDecision;
      if (row?.state === 'done') decision = { kind: 'done', result: row.result };
      else if (row && !idempotent) decision = { kind: 'unknown', state: row.state, deliveries: row.deliveries };
      else {
        const up = await client.query<{ deliveries: number }>(
          `INSERT INTO device_commands (command_id, device, name, state, deliveries, updated_at)
           VALUES ($1, $2, $3, 'sending', 1, now())
           ON CONFLICT (command_id) DO UPDATE
             SET state = 'sending', deliveries = device_commands.deliveries + 1, updated_at = now()
           RETURNING deliveries`,
          [commandId, device, name],
        );
        decision = { kind: 'send', deliveries: up.rows[0]!.deliveries };
      }
      await client.query('COMMIT');
      return decision;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  /** Records the device's answer: `done` or `failed` with its result (JSON). */
  async finish(commandId: string, state: 'acked' | 'done' | 'failed', result: unknown): Promise<void> {
    await this.db.query(
      `UPDATE device_commands SET state = $2, result = $3, updated_at = now() WHERE command_id = $1`,
      [commandId, state, JSON.stringify(result ?? null)],
    );
  }

  /** One command's row, or null. */
  async get(
    commandId: string,
  ): Promise<{ state: LedgerState; deliveries: number; result: unknown; device: string; name: string } | null> {
    const { rows } = await this.db.query<{
      state: LedgerState;
      deliveries: number;
      result: unknown;
      device: string;
      name: string;
    }>('SELECT state, deliveries, result, device, name FROM device_commands WHERE command_id = $1', [commandId]);
    return rows[0] ?? null;
  }
}
