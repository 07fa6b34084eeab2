import { evaluateFeel, type Device } from '@opkernel/design';
import type { PostEventBody } from '@opkernel/contracts';
import type { DeviceEmitted, DeviceStatus } from './drivers/device-driver';

/** The kernel's source name of a device's events: `device:<key>` (what `eventTriggers[].source: {device}` matches). */
export const deviceSource = (key: string): string => `device:${key}`;

/**
 * A device event as a kernel event (a `POST /events` body): source `device:<key>`, the device's event id, type and
 * payload (with `at`, ms since the epoch), and the correlation key when the design's event of that type names one —
 * a FEEL expression over `{type, payload, at}` (`=payload.commandId`); one that fails or gives nothing is left out.
 */
export function kernelEventOf(device: Device, e: DeviceEmitted): PostEventBody {
  const spec = device.events.find((d) => d.type === e.type);
  let correlationKey: string | undefined;
  if (spec?.correlationKey) {
    const expr = spec.correlationKey.startsWith('=') ? spec.correlationKey.slice(1) : spec.correlationKey;
    const r = evaluateFeel(expr, { type: e.type, payload: e.payload, at: e.at });
    if (!r.error && r.value !== null && r.value !== undefined) correlationKey = String(r.value).slice(0, 200);
  }
  return {
    source: deviceSource(device.key),
    eventId: e.eventId,
    type: e.type,
    ...(correlationKey !== undefined ? { correlationKey } : {}),
    payload: { ...e.payload, at: e.at },
  };
}

/**
 * The kernel event of a status change: `device.online` / `device.offline` from `device:<key>`, event id
 * `<status>-<at>` (one per change), payload `{status, at}`.
 */
export function statusEventOf(key: string, status: DeviceStatus, at: number): PostEventBody {
  return { source: deviceSource(key), eventId: `${status}-${at}`, type: `device.${status}`, payload: { status, at } };
}
