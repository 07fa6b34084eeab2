import { describe, expect, it } from 'vitest';
import { KernelError, type Actor, type KernelDesign } from '../src';
import { serviceDef } from '../src/testing';
import { harness } from './harness';

/** Two manual-start intake services for nurses (one heavier), and a doctor's service. */
function design(): KernelDesign {
  return {
    services: [
      { ...serviceDef('intake', { manualStart: true }), routeTo: 'nurse' },
      { ...serviceDef('urgent', { manualStart: true }), routeTo: 'nurse', defaultPriority: 50 },
      { ...serviceDef('heavy', { manualStart: true }), routeTo: 'nurse', capacityWeight: 3 },
      { ...serviceDef('exam', { manualStart: true }), routeTo: 'doctor' },
      { ...serviceDef('laser', { manualStart: true }), routeTo: 'nurse', skills: [{ skill: 'laser', level: 3 }] },
    ],
    events: [],
    instructions: [],
    rules: [],
    roles: [
      { key: 'nurse', label: 'Nurse', services: ['intake', 'urgent', 'heavy', 'laser'] },
      { key: 'doctor', label: 'Doctor', services: ['exam'] },
    ],
    operators: [
      { key: 'amy', capacity: 4, skills: [{ skill: 'laser', level: 2 }] },
      { key: 'bob', capacity: null, skills: [{ skill: 'laser', level: 4 }] },
    ],
  };
}

const admin: Actor = { key: 'admin', roles: [], admin: true };
const amy: Actor = { key: 'amy', roles: ['nurse'], admin: false };
const bob: Actor = { key: 'bob', roles: ['nurse'], admin: false };
const doc: Actor = { key: 'dan', roles: ['doctor'], admin: false };

function setup() {
  const h = harness(design());
  for (const a of [amy, bob, doc]) h.store.addOperator({ key: a.key, label: a.key, roles: a.roles });
  const start = async (service: string, fairnessKey?: string) =>
    (await h.exec(h.kernel.startProcess({ service, designVersion: 1, entity: null, actor: admin, fairnessKey })))
      .result;
  const next = async (actor: Actor, options: { start?: boolean; dryRun?: boolean } = {}) => {
    const cs = await h.kernel.assignNext(actor, { designVersion: 1, ...options });
    if (cs && !options.dryRun) h.store.commit(cs);
    h.clock.advance(1000);
    return cs;
  };
  const lanesOf = (pid: number) => [...h.store.queue.values()].filter((e) => e.pid === pid).map((e) => e.lane);
  return { ...h, start, next, lanesOf };
}

describe('get-next (pull) over the ready queue', () => {
  it('a new pool task waits in its role lane; get-next takes priority first, then the oldest', async () => {
    const t = setup();
    const a1 = await t.start('intake');
    const a2 = await t.start('intake');
    const u = await t.start('urgent');
    expect(t.lanesOf(a1.pid)).toEqual(['nurse|']);
    expect(a1.queueTag).not.toBeNull();
    const first = await t.next(amy);
    expect(first!.result).toMatchObject({ pid: u.pid, assignee: 'amy', state: 'READY' });
    expect(t.lanesOf(u.pid)).toEqual([]);
    const why = t.store.explanations.at(-1)!.explanation;
    expect(why).toMatchObject({ mode: 'pull', operator: 'amy', lane: 'nurse|', task: { pid: u.pid, priority: 50 } });
    expect(why.alternatives).toEqual([]);
    expect((await t.next(bob, { start: true }))!.result).toMatchObject({
      pid: a1.pid,
      assignee: 'bob',
      state: 'RUNNING',
    });
    expect((await t.next(amy))!.result.pid).toBe(a2.pid);
    expect(await t.next(amy)).toBeNull();
    expect(await t.next(doc)).toBeNull();
    expect(t.store.audit.filter((a) => a.action === 'assigned').map((a) => a.pid)).toEqual([u.pid, a1.pid, a2.pid]);
  });

  it('keeps load = Σ weight of assigned live tasks, and refuses get-next at capacity', async () => {
    const t = setup();
    await t.start('heavy');
    const light = await t.start('intake');
    await t.next(amy);
    expect(t.store.operatorStates.get('amy')?.load).toBe(3);
    // 3 + 1 = 4 fits amy's capacity 4; then she is full.
    expect((await t.next(amy))!.result.pid).toBe(light.pid);
    expect(t.store.operatorStates.get('amy')?.load).toBe(4);
    await t.start('intake');
    await expect(t.next(amy)).rejects.toMatchObject({ code: 'CAPACITY_FULL' });
    // Completing frees the weight.
    await t.exec(t.kernel.complete(light.pid, amy, {}));
    expect(t.store.operatorStates.get('amy')?.load).toBe(3);
    expect((await t.next(amy))!.result.service).toBe('intake');
  });

  it('a heavy head that does not fit is passed over for one that does, and explained as an alternative', async () => {
    const t = setup();
    await t.start('intake');
    await t.start('intake');
    await t.next(amy);
    await t.next(amy); // load 2 of 4
    const heavy = await t.start('heavy');
    const other = await t.start('intake');
    const cs = await t.next(amy);
    expect(cs!.result.pid).toBe(other.pid);
    expect(cs!.scheduler.explanations[0]!.explanation.alternatives).toEqual([
      expect.objectContaining({ pid: heavy.pid, lostOn: 'weight' }),
    ]);
    expect(t.lanesOf(heavy.pid)).toEqual(['nurse|']);
  });

  it('unclaim puts a task back with its tag: it keeps its place ahead of newer work', async () => {
    const t = setup();
    const old = await t.start('intake');
    await t.next(amy);
    const newer = await t.start('intake');
    await t.exec(t.kernel.unclaim(old.pid, amy));
    expect(t.lanesOf(old.pid)).toEqual(['nurse|']);
    expect(t.store.operatorStates.get('amy')?.load).toBe(0);
    expect((await t.next(bob))!.result.pid).toBe(old.pid);
    expect((await t.next(bob))!.result.pid).toBe(newer.pid);
  });

  it('a dry run explains without assigning; presence other than available is refused', async () => {
    const t = setup();
    const a = await t.start('intake');
    const preview = await t.next(amy, { dryRun: true });
    expect(preview!.scheduler.explanations[0]!.explanation.mode).toBe('preview');
    expect(t.lanesOf(a.pid)).toEqual(['nurse|']);
    t.store.operatorStates.set('bob', { ...t.store.designState('bob'), presence: 'away' });
    const refused = await t.next(bob).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(KernelError);
    expect(refused).toMatchObject({ code: 'NOT_AVAILABLE', details: { reason: 'presence' } });
  });

  it('fairness keys share a lane by weight: a backlog of 3 : 1 weights is served 3 : 1', async () => {
    const t = setup();
    t.store.fairnessWeights.set('big', 3);
    // Both keys' backlogs arrive at once (the clock does not move): 20 of `big`, then 20 of `small`.
    const arrive = async (fairnessKey: string) =>
      t.store.commit(
        await t.kernel.startProcess({ service: 'intake', designVersion: 1, entity: null, actor: admin, fairnessKey }),
      );
    for (let i = 0; i < 20; i++) await arrive('big');
    for (let i = 0; i < 20; i++) await arrive('small');
    const served: string[] = [];
    for (let i = 0; i < 16; i++) {
      const cs = await t.next(bob);
      served.push(cs!.result.fairnessKey);
    }
    expect(served.filter((k) => k === 'big').length).toBe(12);
    expect(served.filter((k) => k === 'small').length).toBe(4);
  });

  it('skills decide lanes and claims: a task needing laser ≥ 3 goes only to whoever has it; a claim without it is refused naming it', async () => {
    const t = setup();
    const laser = await t.start('laser');
    expect(t.lanesOf(laser.pid)).toEqual(['nurse|laser>=3']);
    expect(await t.next(amy)).toBeNull();
    const refused = await t.kernel.claim(laser.pid, amy).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', details: { skill: 'laser', required: 3, level: 2 } });
    const claimed = await t.exec(t.kernel.claim(laser.pid, bob));
    expect(claimed.scheduler.explanations[0]!.explanation).toMatchObject({
      mode: 'claim',
      operator: 'bob',
      skills: [{ skill: 'laser', required: 3, level: 4, met: true }],
    });
    // A transfer checks the target the same way.
    const bounced = await t.kernel.transfer(laser.pid, bob, 'amy').catch((e: unknown) => e);
    expect(bounced).toMatchObject({ code: 'FORBIDDEN', details: { field: 'operator', skill: 'laser' } });
  });

  it('a claim over capacity is refused (CAPACITY_FULL) and changes nothing', async () => {
    const t = setup();
    await t.start('heavy');
    await t.next(amy); // 3 of 4
    const heavy = await t.start('heavy');
    const refused = await t.kernel.claim(heavy.pid, amy).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CAPACITY_FULL', details: { load: 3, capacity: 4, weight: 3 } });
    expect(t.lanesOf(heavy.pid)).toEqual(['nurse|']);
  });
});

describe('SLA clocks in commands', () => {
  function slaSetup() {
    const d = design();
    d.services.push({ ...serviceDef('triage', { manualStart: true }), routeTo: 'nurse', sla: 'fast' });
    d.roles[0]!.services.push('triage');
    d.slas = [
      {
        key: 'fast',
        goal: 'PT1H',
        deadline: 'PT2H',
        urgency: { goal: 60, deadline: 20 },
        pauseIn: ['WAITING', 'SUSPENDED'],
      },
    ];
    const h = harness(d);
    for (const a of [amy, bob]) h.store.addOperator({ key: a.key, label: a.key, roles: a.roles });
    return h;
  }
  const H = 3_600_000;

  it('starts on READY, fires its goal on time, raises urgency and so reorders get-next; audited with before/after', async () => {
    const t = slaSetup();
    const started = await t.exec(
      t.kernel.startProcess({ service: 'triage', designVersion: 1, entity: null, actor: admin }),
    );
    const triage = started.result;
    const timer = started.effects.find((e) => e.kind === 'timer.set' && e.timer.purpose === 'sla');
    expect(timer).toMatchObject({ timer: { key: `sla:${triage.pid}`, dueAt: triage.createdAt + H } });
    expect(t.store.slaClocks.get(triage.pid)).toMatchObject({ status: 'running', nextMilestone: 'goal' });
    await t.exec(t.kernel.startProcess({ service: 'urgent', designVersion: 1, entity: null, actor: admin }));
    t.clock.set(triage.createdAt + H);
    if (timer?.kind !== 'timer.set') throw new Error('no SLA timer');
    const fired = await t.exec(
      t.kernel.fireTimer(timer.timer, { key: 'timer', roles: [], admin: false, kind: 'timer' }),
    );
    expect(fired.result.urgency).toBe(60);
    expect(t.store.audit.find((a) => a.action === 'sla.goal')).toMatchObject({
      pid: triage.pid,
      details: { urgencyBefore: 0, urgencyAfter: 60, repeat: 0 },
    });
    expect(t.store.slaClocks.get(triage.pid)).toMatchObject({
      nextMilestone: 'deadline',
      nextDueAt: triage.createdAt + 2 * H,
    });
    // Firing the same timer again changes nothing (the clock moved on).
    const again = await t.kernel.fireTimer(timer.timer, { key: 'timer', roles: [], admin: false, kind: 'timer' });
    expect(again.updated).toEqual([]);
    // Both waited an hour; urgent has priority 50, triage now 0 + urgency 60: triage goes first.
    expect((await t.kernel.assignNext(amy, { designVersion: 1 }))!.result.pid).toBe(triage.pid);
  });

  it('pauses while SUSPENDED (its timer cancelled) and resumes with the time already counted', async () => {
    const t = slaSetup();
    const triage = (
      await t.exec(t.kernel.startProcess({ service: 'triage', designVersion: 1, entity: null, actor: admin }))
    ).result;
    await t.exec(t.kernel.claim(triage.pid, amy));
    t.clock.set(triage.createdAt + 0.5 * H);
    const suspended = await t.exec(t.kernel.suspend(triage.pid, amy, 'waiting for the doctor'));
    expect(suspended.effects).toContainEqual({ kind: 'timer.cancel', key: `sla:${triage.pid}` });
    expect(t.store.slaClocks.get(triage.pid)).toMatchObject({ status: 'paused', elapsedMs: 0.5 * H });
    t.clock.set(triage.createdAt + 3 * H);
    const resumed = await t.exec(t.kernel.resume(triage.pid, amy));
    const at = resumed.result.updatedAt;
    expect(t.store.slaClocks.get(triage.pid)).toMatchObject({ status: 'running', nextDueAt: at + 0.5 * H });
    await t.exec(t.kernel.complete(triage.pid, amy, {}));
    expect(t.store.slaClocks.get(triage.pid)).toMatchObject({ status: 'met', nextDueAt: null });
  });
});

describe('push distribution', () => {
  const scheduler: Actor = { key: 'scheduler', roles: [], admin: false, kind: 'scheduler' };
  function pushSetup(assignBy: 'most_capacity' | 'last_assigned' = 'most_capacity') {
    const d = design();
    d.roles[0]!.scheduler = { distribution: 'push', assignBy };
    d.operators = [
      { key: 'amy', capacity: 2 },
      { key: 'bob', capacity: 3 },
    ];
    const h = harness(d);
    for (const a of [amy, bob]) h.store.addOperator({ key: a.key, label: a.key, roles: a.roles });
    const start = async (service = 'intake') =>
      h.exec(h.kernel.startProcess({ service, designVersion: 1, entity: null, actor: admin }));
    const dispatch = async (pid: number) => {
      const cs = await h.kernel.dispatch(pid, scheduler);
      if (cs) h.store.commit(cs);
      return cs;
    };
    return { ...h, start, dispatch };
  }

  it('a task entering a push lane asks for a dispatch, which gives it to the operator with most room, explained', async () => {
    const t = pushSetup();
    const started = await t.start();
    expect(started.effects).toContainEqual({ kind: 'dispatch', pid: started.result.pid });
    const pushed = await t.dispatch(started.result.pid);
    expect(pushed!.result.assignee).toBe('bob'); // bob has 3 free, amy 2
    const why = pushed!.scheduler.explanations[0]!.explanation;
    expect(why.mode).toBe('push');
    expect(why.operatorRanking!.map((r) => [r.operator, r.remaining])).toEqual([
      ['bob', 3],
      ['amy', 2],
    ]);
    expect(await t.dispatch(started.result.pid)).toBeNull(); // already taken: idempotent
  });

  it('when everybody is full the task waits; a completion offers it to the operator who has room again', async () => {
    const t = pushSetup();
    const pids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = await t.start();
      pids.push(s.result.pid);
      await t.dispatch(s.result.pid);
    }
    expect(t.store.operatorStates.get('amy')?.load).toBe(2);
    expect(t.store.operatorStates.get('bob')?.load).toBe(3);
    const waiting = await t.start();
    expect(await t.dispatch(waiting.result.pid)).toBeNull();
    const amysTask = pids.find((p) => t.store.pcbs.get(p)!.assignee === 'amy')!;
    const done = await t.exec(t.kernel.complete(amysTask, amy, {}));
    expect(done.effects).toContainEqual({ kind: 'offer', operator: 'amy', designVersion: 1 });
    const offered = await t.kernel.offer('amy', 1, scheduler);
    expect(offered!.result).toMatchObject({ pid: waiting.result.pid, assignee: 'amy' });
    expect(offered!.scheduler.explanations[0]!.explanation.mode).toBe('push');
  });

  it('by last assigned: whoever waited longest since their last assignment gets the next push', async () => {
    const t = pushSetup('last_assigned');
    const first = await t.start();
    expect((await t.dispatch(first.result.pid))!.result.assignee).toBe('amy'); // neither assigned yet: by key
    const second = await t.start();
    expect((await t.dispatch(second.result.pid))!.result.assignee).toBe('bob');
  });
});

describe('co-allocation: the operator and the room together, or neither', () => {
  function roomSetup() {
    const d = design();
    d.services.push({
      ...serviceDef('laser', { manualStart: true }),
      routeTo: 'nurse',
      expectedDuration: 'PT30M',
      resourceRequirements: [{ resourceType: 'room', quantity: 1 }],
    });
    d.services.push({
      ...serviceDef('combo', { manualStart: true }),
      routeTo: 'nurse',
      resourceRequirements: [
        { resourceType: 'room', quantity: 1 },
        { resourceType: 'machine', quantity: 1 },
      ],
    });
    d.roles[0]!.services.push('laser', 'combo');
    const h = harness(d);
    for (const a of [amy, bob]) h.store.addOperator({ key: a.key, label: a.key, roles: a.roles });
    h.store.resources.set('room-a', { key: 'room-a', type: 'room', capacity: 1, calendar: null, state: 'available' });
    h.store.resources.set('m1', { key: 'm1', type: 'machine', capacity: 1, calendar: null, state: 'available' });
    const start = async (service: string) =>
      (await h.exec(h.kernel.startProcess({ service, designVersion: 1, entity: null, actor: admin }))).result;
    const next = async (actor: Actor) => {
      const cs = await h.kernel.assignNext(actor, { designVersion: 1 });
      if (cs) h.store.commit(cs);
      return cs;
    };
    return { ...h, start, next };
  }
  const MIN = 60_000;

  it('books the room with the assignment; the next task waits for it and comes back when it frees', async () => {
    const t = roomSetup();
    const first = await t.start('laser');
    const second = await t.start('laser');
    const got = await t.next(amy);
    const at = got!.result.updatedAt;
    expect(got!.result.pid).toBe(first.pid);
    expect(got!.scheduler.bookings.hold).toEqual([
      { pid: first.pid, resource: 'room-a', slot: 0, from: at, to: at + 30 * MIN },
    ]);
    expect(got!.scheduler.explanations[0]!.explanation.resources).toEqual([
      { type: 'room', resource: 'room-a', slot: 0, from: at, to: at + 30 * MIN },
    ]);
    // bob asks: the only head needs the busy room — it waits until the booking ends, nobody is assigned.
    const waited = await t.next(bob);
    expect(waited!.scheduler.explanations).toEqual([]);
    expect(t.store.pcbs.get(second.pid)).toMatchObject({
      state: 'WAITING',
      assignee: null,
      waitReason: 'resource:room busy',
      waitUntil: at + 30 * MIN,
    });
    expect(waited!.effects).toContainEqual({
      kind: 'timer.set',
      timer: { key: `resource_retry:${second.pid}`, pid: second.pid, purpose: 'resource_retry', dueAt: at + 30 * MIN },
    });
    expect([...t.store.queue.values()].filter((e) => e.pid === second.pid)).toEqual([]);
    // amy finishes early: the room is released (cut at now) and the waiters are woken.
    const done = await t.exec(t.kernel.complete(first.pid, amy, {}));
    expect(done.effects).toContainEqual({ kind: 'wake', types: ['room'] });
    expect(t.store.bookings[0]).toMatchObject({ status: 'released', to: done.result.updatedAt });
    const woken = await t.exec(t.kernel.wakeWaiters(['room'], admin) as Promise<never>);
    expect(woken.result).toMatchObject({ pid: second.pid, state: 'READY' });
    // Woken before its retry time: the retry timer is cancelled.
    expect((woken as { effects: unknown[] }).effects).toContainEqual({
      kind: 'timer.cancel',
      key: `resource_retry:${second.pid}`,
    });
    const again = await t.next(bob);
    expect(again!.result).toMatchObject({ pid: second.pid, assignee: 'bob' });
    expect(again!.scheduler.bookings.hold[0]).toMatchObject({ resource: 'room-a', slot: 0 });
  });

  it('all or nothing: a free room is not held while the machine is busy', async () => {
    const t = roomSetup();
    t.store.bookings.push({
      id: 99,
      pid: null,
      resource: 'm1',
      slot: 0,
      from: 0,
      to: Date.UTC(2030, 0, 1),
      status: 'held',
    });
    const combo = await t.start('combo');
    const cs = await t.next(amy);
    expect(cs!.scheduler.bookings.hold).toEqual([]);
    expect(t.store.pcbs.get(combo.pid)).toMatchObject({ state: 'WAITING', assignee: null, waitUntil: null });
    // Only the busy machine is named (the room is free): the wait is woken when a machine frees.
    expect(t.store.pcbs.get(combo.pid)!.waitReason).toMatch(/^resource:machine busy/);
  });

  it('a resource retry timer brings the task back READY into its lane', async () => {
    const t = roomSetup();
    await t.start('laser');
    const second = await t.start('laser');
    await t.next(amy);
    const waited = await t.next(bob);
    const timer = waited!.effects.find((e) => e.kind === 'timer.set');
    if (timer?.kind !== 'timer.set') throw new Error('no retry timer');
    t.clock.set(timer.timer.dueAt);
    const fired = await t.exec(
      t.kernel.fireTimer(timer.timer, { key: 'timer', roles: [], admin: false, kind: 'timer' }),
    );
    expect(fired.result).toMatchObject({ pid: second.pid, state: 'READY', waitReason: null });
    expect([...t.store.queue.values()].some((e) => e.pid === second.pid)).toBe(true);
  });
});

describe('review fixes', () => {
  it('an SLA milestone at the urgency cap still moves its clock on to the next milestone', async () => {
    const d = design();
    d.services.push({ ...serviceDef('triage', { manualStart: true }), routeTo: 'nurse', sla: 'fast' });
    d.roles[0]!.services.push('triage');
    d.slas = [{ key: 'fast', goal: 'PT1H', deadline: 'PT2H', urgency: { goal: 0, deadline: 0 } }];
    const t = harness(d);
    const started = await t.exec(
      t.kernel.startProcess({ service: 'triage', designVersion: 1, entity: null, actor: admin }),
    );
    const timer = started.effects.find((e) => e.kind === 'timer.set' && e.timer.purpose === 'sla');
    if (timer?.kind !== 'timer.set') throw new Error('no SLA timer');
    t.clock.set(timer.timer.dueAt);
    const fired = await t.exec(
      t.kernel.fireTimer(timer.timer, { key: 'timer', roles: [], admin: false, kind: 'timer' }),
    );
    expect(t.store.slaClocks.get(started.result.pid)).toMatchObject({ nextMilestone: 'deadline' });
    expect(fired.effects.some((e) => e.kind === 'timer.set' && e.timer.purpose === 'sla')).toBe(true);
    expect(t.store.audit.some((a) => a.action === 'sla.goal')).toBe(true);
  });

  it('a sticky spawn assignment that would overfill the starter goes to the pool instead', async () => {
    const d = design();
    d.services[0] = { ...d.services[0]!, routeTo: null }; // intake: sticky to whoever starts it
    const t = harness(d);
    t.store.addOperator({ key: 'amy', label: 'amy', roles: ['nurse'] });
    const amyStarts = () =>
      t.exec(t.kernel.startProcess({ service: 'intake', designVersion: 1, entity: null, actor: amy }));
    const assignees = [];
    for (let i = 0; i < 6; i++) assignees.push((await amyStarts()).result.assignee);
    expect(assignees.filter((a) => a === 'amy').length).toBe(4); // amy's capacity
    expect(assignees.filter((a) => a === null).length).toBe(2);
    expect(t.store.operatorStates.get('amy')?.load).toBe(4);
  });

  it('an admin cancels a pool task needing a skill they lack', async () => {
    const t = setupLaser();
    const laser = await t.start('laser');
    await t.exec(t.kernel.cancel(laser.pid, admin, 'not needed'));
    expect(t.store.pcbs.get(laser.pid)!.state).toBe('TERMINATED');
  });

  function setupLaser() {
    const h = harness(design());
    for (const a of [amy, bob]) h.store.addOperator({ key: a.key, label: a.key, roles: a.roles });
    const start = async (service: string) =>
      (await h.exec(h.kernel.startProcess({ service, designVersion: 1, entity: null, actor: admin }))).result;
    return { ...h, start };
  }

  it('push leaves tasks that need rooms to get-next, which books them', async () => {
    const d = design();
    d.roles[0]!.scheduler = { distribution: 'push' };
    d.services.push({
      ...serviceDef('laser2', { manualStart: true }),
      routeTo: 'nurse',
      resourceRequirements: [{ resourceType: 'room', quantity: 1 }],
    });
    d.roles[0]!.services.push('laser2');
    const t = harness(d);
    for (const a of [amy, bob]) t.store.addOperator({ key: a.key, label: a.key, roles: a.roles });
    t.store.resources.set('room-a', { key: 'room-a', type: 'room', capacity: 1, calendar: null, state: 'available' });
    const s = await t.exec(t.kernel.startProcess({ service: 'laser2', designVersion: 1, entity: null, actor: admin }));
    expect(
      await t.kernel.dispatch(s.result.pid, { key: 'scheduler', roles: [], admin: false, kind: 'scheduler' }),
    ).toBeNull();
    const offered = await t.kernel.offer('bob', 1, { key: 'scheduler', roles: [], admin: false, kind: 'scheduler' });
    expect(offered!.scheduler.bookings.hold).toEqual([
      expect.objectContaining({ pid: s.result.pid, resource: 'room-a' }),
    ]);
  });
});
