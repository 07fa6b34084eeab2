import { z } from 'zod';
import { Key } from './key';

/**
 * Devices of a design (reference/decks.md §3.1): the treatment devices and analysers the hardware-adapter service
 * (`apps/hardware-adapter`) talks to. A route step `{deck, handler: device.command, device, command, params}` runs
 * on the device's own queue `hw-<key>`; its events become kernel events of source `device:<key>`.
 */

/** Longest command ack timeout a design may give, ms (one hour). */
export const MAX_ACK_TIMEOUT_MS = 3_600_000;

/** How a device is reached: `sim` (in-process, tests), `mqtt` (a broker), `serial` (a port; not run yet). */
export const DeviceDriverKind = z.enum(['sim', 'mqtt', 'serial']);
export type DeviceDriverKind = z.infer<typeof DeviceDriverKind>;

/**
 * One command a device accepts. `idempotent` (default true): the device deduplicates by command id, so a command
 * whose outcome is unknown may be sent again; a non-idempotent one (a laser firing) is never re-sent and becomes an
 * incident (`DEVICE_OUTCOME_UNKNOWN`). `ackTimeoutMs` (1 ms – 1 h, default 5000): how long to wait for the device's
 * `done` ack before `DEVICE_TIMEOUT`. `params`: a JSON Schema of the command's parameters (not enforced yet).
 */
export const DeviceCommand = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_.]*$/, 'must be a lower-case command name such as "start_session"'),
    idempotent: z.boolean().default(true),
    ackTimeoutMs: z.number().int().min(1).max(MAX_ACK_TIMEOUT_MS).default(5000),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type DeviceCommand = z.infer<typeof DeviceCommand>;

/** An event a device emits; `correlationKey` (FEEL over the event, e.g. `=payload.commandId`) for correlated waits. */
export const DeviceEvent = z
  .object({
    type: z.string().min(1).max(200),
    correlationKey: z.string().min(1).optional(),
  })
  .strict();
export type DeviceEvent = z.infer<typeof DeviceEvent>;

/**
 * A device. `mqtt` is required with driver `mqtt` (broker `url`, `site` of the topics `opk/<site>/dev/<key>/…`),
 * `serial` with driver `serial`; `heartbeat` (ms): how often the device reports and after how long without news it
 * counts as offline; `concurrency` (1–64, default 1): commands at once; `resource`: the scheduler resource it is.
 */
export const Device = z
  .object({
    key: Key,
    label: z.string().min(1),
    kind: Key,
    driver: DeviceDriverKind,
    mqtt: z
      .object({ url: z.string().min(1), site: Key })
      .strict()
      .optional(),
    serial: z
      .object({
        path: z.string().min(1),
        baudRate: z.number().int().positive().default(9600),
        profile: z.enum(['line-kv']).default('line-kv'),
      })
      .strict()
      .optional(),
    commands: z.array(DeviceCommand).default([]),
    events: z.array(DeviceEvent).default([]),
    heartbeat: z
      .object({ everyMs: z.number().int().min(100), offlineAfterMs: z.number().int().min(100) })
      .strict()
      .optional(),
    concurrency: z.number().int().min(1).max(64).default(1),
    resource: Key.optional(),
  })
  .strict()
  .superRefine((device, ctx) => {
    for (const driver of ['mqtt', 'serial'] as const) {
      if (device.driver === driver && device[driver] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [driver],
          message: `a device with driver "${driver}" needs its "${driver}" connection`,
          params: { code: 'missing_connection' },
        });
    }
  });
export type Device = z.infer<typeof Device>;
