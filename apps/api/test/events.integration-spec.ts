import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NURSES, START_INSTRUCTION, startRule } from './utils/automation-design';
import type { EventAnswer, EventView } from '@opkernel/contracts';
import { ApiClient, ApiProblem } from '../src/journey/api-client';
import { failure, setupNurses } from './utils/scheduler';
import { startTestApp, type TestApp } from './utils/test-app';

/**
 * A device alarm (type `alarm` from `lab-1`) starts a triage for the device; the triage's NEW rule reads the event:
 * a high alarm also starts an urgent check.
 */
const design = {
  schemaVersion: 1,
  name: 'events',
  entityTypes: [{ key: 'Device', label: 'Device' }],
  services: [
    { key: 'triage', label: 'Triage', kind: 'manual', routeTo: 'nurse', entityType: 'Device' },
    { key: 'urgent', label: 'Urgent check', kind: 'manual', routeTo: 'nurse' },
  ],
  events: [{ key: 'high', label: 'high', expression: 'process_state = "NEW" and event.payload.level = "high"' }],
  instructions: [START_INSTRUCTION],
  rules: [startRule('r1', 'triage', 1, 'triage', 'high', 'urgent')],
  eventTriggers: [
    // Two triggers on `checkup`: the first names an entity its events do not carry, the second starts anyway.
    {
      key: 'checkup_bad',
      source: '*',
      type: 'checkup',
      start: 'triage',
      entity: { type: 'Device', id: '=event.payload.missing' },
    },
    { key: 'checkup', source: '*', type: 'checkup', start: 'urgent' },
    {
      key: 'alarm',
      source: 'lab-1',
      type: 'alarm',
      start: 'triage',
      entity: { type: 'Device', id: '=event.source', label: '="Device " + event.source' },
      priority: 800,
    },
  ],
  roles: [{ key: 'nurse', label: 'Nurse', services: ['triage', 'urgent'] }],
  operators: NURSES,
};

type View = {
  pid: number;
  service: string;
  state: string;
  parentPid: number | null;
  priority: number;
  entity: unknown;
};

describe('POST /events: the event ring', () => {
  let t: TestApp;
  let admin: ApiClient;
  let amy: ApiClient;
  let integration: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, amy } = await setupNurses(t, design));
    const { token } = await admin.post<{ token: string }>('/v1/api-tokens', { name: 'lab', scopes: ['events:write'] });
    integration = new ApiClient(t.url, token);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const alarm = (eventId: string, level: string) => ({
    source: 'lab-1',
    eventId,
    type: 'alarm',
    payload: { level, code: 'E42' },
  });

  it('a matching event starts its trigger’s service with the event in the frame; rules read event.payload', async () => {
    const answer = await integration.post<EventAnswer>('/v1/events', alarm('ev-1', 'high'));
    expect(answer).toMatchObject({ duplicate: false, unmatched: false });
    expect(answer.started).toHaveLength(1);
    const { pid, service, trigger } = answer.started[0]!;
    expect([service, trigger]).toEqual(['triage', 'alarm']);
    const triage = await admin.get<View & { entityLabel?: string }>(`/v1/processes/${pid}`);
    expect(triage.priority).toBe(800);
    expect(triage.entity).toMatchObject({ type: 'Device', id: 'lab-1' });
    const snaps = await admin.get<{ content: { localVars: Record<string, unknown> } }[]>(
      `/v1/processes/${pid}/snapshots`,
    );
    expect(snaps.at(-1)!.content.localVars['event']).toMatchObject({ source: 'lab-1', eventId: 'ev-1', type: 'alarm' });
    const events = await admin.get<{ action: string; cause: Record<string, unknown> | null; actorKind: string }[]>(
      `/v1/processes/${pid}/events`,
    );
    expect(events[0]).toMatchObject({ action: 'created', actorKind: 'integration' });
    expect(events[0]!.cause).toMatchObject({ action: 'event', trigger: 'alarm', eventId: 'ev-1' });
    // The NEW rule saw event.payload.level = "high".
    const page = await admin.get<{ items: View[] }>('/v1/processes?limit=50');
    expect(page.items.filter((p) => p.service === 'urgent')).toHaveLength(1);
  });

  it('a redelivered event is a duplicate and starts nothing; a low alarm starts no urgent check', async () => {
    const again = await integration.post<EventAnswer>('/v1/events', alarm('ev-1', 'low'));
    expect(again.duplicate).toBe(true);
    expect(again.started).toHaveLength(1);
    const before = (await admin.get<{ items: View[] }>('/v1/processes?limit=100')).items.length;
    const low = await integration.post<EventAnswer>('/v1/events', alarm('ev-2', 'low'));
    expect(low).toMatchObject({ duplicate: false, unmatched: false });
    const after = (await admin.get<{ items: View[] }>('/v1/processes?limit=100')).items;
    expect(after.length).toBe(before + 1); // the triage only
    expect(after.filter((p) => p.service === 'urgent')).toHaveLength(1);
  });

  it('events that match no trigger are kept and listed as unmatched', async () => {
    const other = await integration.post<EventAnswer>('/v1/events', { source: 'lab-2', eventId: 'x-1', type: 'alarm' });
    expect(other).toMatchObject({ unmatched: true, started: [] });
    const noise = await integration.post<EventAnswer>('/v1/events', { source: 'lab-1', eventId: 'n-1', type: 'noise' });
    expect(noise.unmatched).toBe(true);
    const unmatched = await admin.get<EventView[]>('/v1/events?unmatched=true');
    expect(unmatched.map((e) => e.eventId).sort()).toEqual(['n-1', 'x-1']);
    const all = await integration.get<EventView[]>('/v1/events');
    expect(all.map((e) => e.eventId)).toEqual(expect.arrayContaining(['ev-1', 'ev-2', 'n-1', 'x-1']));
  });

  it('bad input is a 422 naming the field; other tokens and staff are refused', async () => {
    const bad = await failure(integration.post('/v1/events', { source: 'lab-1', type: 'alarm' }));
    expect(bad?.status).toBe(422);
    expect(bad?.problem.errors?.map((e) => e.field)).toContain('eventId');
    const big = await failure(
      integration.post('/v1/events', { source: 'a', eventId: 'b', type: 'c', payload: { x: 'y'.repeat(70_000) } }),
    );
    expect(big?.status).toBe(422);
    expect(big?.problem.errors?.map((e) => e.field)).toContain('payload');
    const { token } = await admin.post<{ token: string }>('/v1/api-tokens', { name: 'r', scopes: ['processes:read'] });
    expect((await failure(new ApiClient(t.url, token).post('/v1/events', alarm('ev-9', 'high'))))?.status).toBe(403);
    expect((await failure(amy.post('/v1/events', alarm('ev-9', 'high'))))?.status).toBe(403);
    const anonymous = await failure(new ApiClient(t.url).post('/v1/events', alarm('ev-9', 'high')));
    expect(anonymous).toBeInstanceOf(ApiProblem);
    expect(anonymous?.status).toBe(401);
  });

  it('a trigger that cannot start is reported and does not stop the others', async () => {
    const answer = await integration.post<EventAnswer>('/v1/events', {
      source: 'lab-3',
      eventId: 'c-1',
      type: 'checkup',
    });
    expect(answer.started.map((s) => s.trigger)).toEqual(['checkup']);
    expect(answer.failed.map((f) => f.trigger)).toEqual(['checkup_bad']);
    expect(answer.unmatched).toBe(false);
  });
});
