/**
 * The MQTT topics of a device (reference/decks.md §3.2), under `opk/<site>/dev/<key>/`: `cmd` (adapter → device,
 * `{commandId, name, params, deadlineAt}`), `ack` (device → adapter, `{commandId, state accepted|done|failed,
 * result, executions, duplicate}`), `evt` (device events `{eventId, type, at, payload}`) and `status` (retained
 * `online`; the device's Last Will `offline`). All QoS 1. Shared by the adapter's MQTT driver and `npm run device-sim`.
 */
export type DeviceTopics = { cmd: string; ack: string; evt: string; status: string };

/** The topics of device `key` at `site`. */
export function deviceTopics(site: string, key: string): DeviceTopics {
  const base = `opk/${site}/dev/${key}`;
  return { cmd: `${base}/cmd`, ack: `${base}/ack`, evt: `${base}/evt`, status: `${base}/status` };
}

/** A command on the wire (`cmd`); `deadlineAt`: ms since the epoch after which the device should not start it. */
export type CmdMessage = { commandId: string; name: string; params: Record<string, unknown>; deadlineAt: number };

/** An answer on the wire (`ack`). */
export type AckMessage = {
  commandId: string;
  state: 'accepted' | 'done' | 'failed';
  result: unknown;
  executions: number;
  duplicate: boolean;
};

/** An event on the wire (`evt`). */
export type EvtMessage = { eventId: string; type: string; at: number; payload: Record<string, unknown> };

/** Reads a `status` payload: `online` / `offline`, plain or as JSON `{"status": …}`; anything else null. */
export function parseStatus(payload: Buffer | string): 'online' | 'offline' | null {
  const text = payload.toString().trim();
  if (text === 'online' || text === 'offline') return text;
  try {
    const s = (JSON.parse(text) as { status?: unknown }).status;
    return s === 'online' || s === 'offline' ? s : null;
  } catch {
    return null;
  }
}

/** Parses a JSON message; null when it is not a JSON object. */
export function parseJson<T>(payload: Buffer): T | null {
  try {
    const v: unknown = JSON.parse(payload.toString());
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as T) : null;
  } catch {
    return null;
  }
}
