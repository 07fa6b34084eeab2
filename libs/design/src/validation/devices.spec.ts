import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeDesigns } from '../merge/merge-designs';
import { parseNativeDesign } from '../import/native';
import { validateDesign } from './validate-design';

/** The IPL device of reference decks.md §4 and a service whose route prepares it. */
const DEVICES_YAML = `
schemaVersion: 1
name: devices
decks:
  - { key: hardware, id: 2, label: Hardware, handlers: [device.command] }
  - { key: ops, id: 1, label: Operations, handlers: [ops.echo] }
devices:
  - key: ipl-1
    label: IPL treatment device 1
    kind: treatment_device
    driver: mqtt
    mqtt: { url: "mqtt://127.0.0.1:1883", site: clinic1 }
    commands:
      - { name: prepare }
      - { name: start_session, idempotent: false, params: { type: object, required: [program, energy_j] } }
    events: [ { type: session.done, correlationKey: "=payload.commandId" }, { type: alarm } ]
    heartbeat: { everyMs: 5000, offlineAfterMs: 15000 }
services:
  - key: prep
    label: Prepare
    kind: system
    automation:
      route:
        - { deck: hardware, handler: device.command, device: ipl-1, command: prepare, params: { level: 2 } }
        - 0
`;

type Doc = {
  devices: Array<Record<string, unknown>>;
  services: Array<{ automation: { route: Array<Record<string, unknown>> } }>;
};
const raw = (): Doc => parse(DEVICES_YAML) as Doc;
const step = (doc: Doc) => doc.services[0]!.automation.route[0]!;

function issuesOf(doc: unknown): Array<[string, string]> {
  const result = validateDesign(doc);
  return result.ok ? [] : result.issues.map((i) => [i.path, i.code]);
}

describe('devices in the design', () => {
  it('accepts a device and a device step, with the defaults filled in', () => {
    const doc = parseNativeDesign(DEVICES_YAML);
    expect(doc.devices[0]).toMatchObject({ key: 'ipl-1', driver: 'mqtt', concurrency: 1 });
    expect(doc.devices[0]!.commands).toEqual([
      { name: 'prepare', idempotent: true, ackTimeoutMs: 5000 },
      {
        name: 'start_session',
        idempotent: false,
        ackTimeoutMs: 5000,
        params: { type: 'object', required: ['program', 'energy_j'] },
      },
    ]);
    expect(doc.services[0]!.automation!.route![0]).toMatchObject({ device: 'ipl-1', command: 'prepare' });
  });

  it('a design without devices has none; merging upserts devices by key', () => {
    const { devices: _, ...rest } = raw();
    const without = validateDesign({ ...rest, services: [] });
    expect(without.ok && without.design.devices).toEqual([]);
    const base = parseNativeDesign(DEVICES_YAML);
    const incoming = parseNativeDesign(DEVICES_YAML);
    incoming.devices[0]!.label = 'renamed';
    incoming.devices.push({ ...incoming.devices[0]!, key: 'ipl-2' });
    expect(mergeDesigns(base, incoming).devices.map((d) => [d.key, d.label])).toEqual([
      ['ipl-1', 'renamed'],
      ['ipl-2', 'renamed'],
    ]);
  });

  it('names an unknown device, an unknown command and a device on another handler', () => {
    const doc = raw();
    step(doc).device = 'ipl-9';
    expect(issuesOf(doc)).toEqual([['services[0].automation.route[0].device', 'unknown_device']]);
    const doc2 = raw();
    step(doc2).command = 'fire';
    expect(issuesOf(doc2)).toEqual([['services[0].automation.route[0].command', 'unknown_command']]);
    const doc3 = raw();
    Object.assign(step(doc3), { deck: 'ops', handler: 'ops.echo' });
    expect(issuesOf(doc3)).toEqual([['services[0].automation.route[0].handler', 'device_step_handler']]);
    const doc4 = raw();
    delete step(doc4).device;
    delete step(doc4).command;
    expect(issuesOf(doc4)).toEqual([['services[0].automation.route[0].device', 'missing_device']]);
  });

  it('reports duplicate device keys and a driver without its connection', () => {
    const doc = raw();
    doc.devices.push({ ...doc.devices[0]!, mqtt: undefined });
    expect(issuesOf(doc)).toEqual(
      expect.arrayContaining([
        ['devices[1].mqtt', 'missing_connection'],
        ['devices[1].key', 'duplicate_key'],
      ]),
    );
  });
});
