import type { Device } from '@opkernel/design';
import { DeckError, type DeckHandler } from '../../api/src/modules/decks/deck-handlers';
import type { CommandLedger } from './command-ledger';
import type { DeviceDriver } from './drivers/device-driver';

/** The handler name of device steps (the design's `device.command`). */
export const DEVICE_COMMAND = 'device.command';

/** A device this adapter drives: its design element and its running driver. */
export type DrivenDevice = { device: Device; driver: DeviceDriver };

/** What a device step returns as its output (the stage result when it is the route's last step). */
export type DeviceCommandOutput = { commandId: string; device: string; command: string; result: unknown };

/**
 * The `device.command` deck handler (reference/decks.md §3.4), for the steps on `hw-<device>` queues. The step's
 * config (compiled by the kernel) is `{device, command, params, …input}`; the command id is the hop's idempotency
 * key, the same on every redelivery. The ledger row is written `sending` BEFORE the command goes out. On redelivery
 * an idempotent command is sent again with the same id (the device deduplicates), one already `done` returns its
 * recorded result, and a NON-idempotent one with a row is not sent again.
 * @throws DeckError `DEVICE_OUTCOME_UNKNOWN` (not retryable) for a non-idempotent command sent before (an incident
 *   for a person: a laser must not fire twice); `DEVICE_TIMEOUT` when no final ack came within the command's
 *   `ackTimeoutMs` (retryable only when idempotent); `DEVICE_FAILED` when the device answered `failed`;
 *   `UNKNOWN_DEVICE` / `UNKNOWN_COMMAND` (not retryable) when this adapter does not drive the device or command
 */
export function deviceCommandHandler(devices: ReadonlyMap<string, DrivenDevice>, ledger: CommandLedger): DeckHandler {
  return async (ctx) => {
    const key = String(ctx.config['device'] ?? '');
    const name = String(ctx.config['command'] ?? '');
    const driven = devices.get(key);
    if (!driven) throw new DeckError('UNKNOWN_DEVICE', `this adapter drives no device "${key}"`, { retryable: false });
    const spec = driven.device.commands.find((c) => c.name === name);
    if (!spec) throw new DeckError('UNKNOWN_COMMAND', `device "${key}" has no command "${name}"`, { retryable: false });
    const commandId = ctx.idempotencyKey;
    const decision = await ledger.begin(commandId, key, name, spec.idempotent);
    if (decision.kind === 'done') return { commandId, device: key, command: name, result: decision.result };
    if (decision.kind === 'unknown')
      throw new DeckError(
        'DEVICE_OUTCOME_UNKNOWN',
        `command ${name} (${commandId}) to device ${key} is not idempotent and was sent before (ledger: ${decision.state}, ` +
          `${decision.deliveries} deliveries); its outcome is unknown and it is not sent again`,
        { retryable: false },
      );
    const params = (ctx.config['params'] ?? {}) as Record<string, unknown>;
    const ac = new AbortController();
    const timer = setTimeout(
      () =>
        ac.abort(
          new DeckError('DEVICE_TIMEOUT', `device ${key}: no answer to ${name} within ${spec.ackTimeoutMs} ms`, {
            retryable: spec.idempotent,
          }),
        ),
      spec.ackTimeoutMs,
    );
    const onStageAbort = () => ac.abort(ctx.signal.reason);
    ctx.signal.addEventListener('abort', onStageAbort, { once: true });
    try {
      const outcome = await driven.driver.command({ commandId, name, params }, ac.signal);
      await ledger.finish(commandId, outcome.state, outcome.result);
      if (outcome.state === 'failed')
        throw new DeckError('DEVICE_FAILED', `device ${key} failed ${name}: ${JSON.stringify(outcome.result)}`, {
          retryable: spec.idempotent,
        });
      return { commandId, device: key, command: name, result: outcome.result } satisfies DeviceCommandOutput;
    } finally {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onStageAbort);
    }
  };
}
