import type { Device } from '@opkernel/design';

/** An event a device emitted: its id (unique per device), type, time (ms since the epoch) and payload. */
export type DeviceEmitted = { eventId: string; type: string; at: number; payload: Record<string, unknown> };

/** A device's link state: `online` (reachable, taking commands) or `offline` (its Last Will, or no heartbeat). */
export type DeviceStatus = 'online' | 'offline';

/** A command for a device: its id (the device deduplicates by it), the command's name and its parameters. */
export type DeviceCommandRequest = { commandId: string; name: string; params: Record<string, unknown> };

/**
 * What a device answered (the `ack` of reference/decks.md §3.2): `done` with the result, or `failed`;
 * `executions`: how often the device ran this command id (1 unless it does not deduplicate); `duplicate`: the
 * answer was replayed from the device's memory of an earlier delivery.
 */
export type CommandOutcome = {
  state: 'done' | 'failed';
  result: unknown;
  executions?: number;
  duplicate?: boolean;
};

/** What a driver reports to the adapter: device events and link-state changes. */
export type DriverListener = {
  event(e: DeviceEmitted): void;
  status(s: DeviceStatus): void;
};

/**
 * A device driver (reference/decks.md §3.2): the adapter's side of one device's field bus. `start` connects and
 * reports events and status changes to `listener`; `command` sends one command and resolves with the device's final
 * answer — it rejects when `signal` aborts (the adapter's ack timeout) or the link fails; `stop` disconnects.
 */
export interface DeviceDriver {
  start(device: Device, listener: DriverListener): Promise<void>;
  command(c: DeviceCommandRequest, signal: AbortSignal): Promise<CommandOutcome>;
  status(): DeviceStatus;
  stop(): Promise<void>;
}
