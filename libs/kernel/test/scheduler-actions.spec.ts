import { describe, expect, it } from 'vitest';
import type { Actor, Changeset, KernelDesign, Timer } from '../src';
import { clinicDesign, serviceDef } from '../src/testing';
import { harness } from './harness';

const H = 3_600_000;
const admin: Actor = { key: 'admin', roles: [], admin: true };
const amy: Actor = { key: 'amy', roles: ['nurse'], admin: false };
const bob: Actor = { key: 'bob', roles: ['nurse'], admin: false };
const timerActor: Actor = { key: 'timer', roles: [], admin: false, kind: 'timer' };

/** Nurses' services: an SLA that reassigns and notifies, a laser session with an additional skill, a pushed visit. */
function design(): KernelDesign {
  return {
    services: [
      { ...serviceDef('review', { manualStart: true }), routeTo: 'nurse', sla: 'escalate' },
      {
        ...serviceDef('laser', { manualStart: true }),
        routeTo: 'nurse',
        skills: [
          { skill: 'laser', level: 3 },
          { skill: 'french', level: 1, additional: true, dropAfter: 'PT30M' },
        ],
      },
      { ...serviceDef('visit', { manualStart: true }), routeTo: 'visitor' },
    ],
    events: [],
    instructions: [],
    rules: [],
    roles: [
      { key: 'nurse', label: 'Nurse', services: ['review', 'laser'] },
      { key: 'visitor', label: 'Visitor', services: ['visit'], scheduler: { distribution: 'push' } },
    ],
    operators: [
      { key: 'amy', capacity: null, skills: [{ skill: 'laser', level: 3 }] },
      { key: 'bob', capacity: null, skills: [] },
      { key: 'vic', capacity: null, skills: [] },
    ],
    slas: [
      {
        key: 'escalate',
        goal: 'PT1H',
        deadline: 'PT2H',
        actions: {
          goal: [{ kind: 'reassign', to: 'pool', force: false }],
          deadline: [{ kind: 'notify', assignee: true, roles: ['lead'], operators: [] }],
        },
      },
    ],
  } as KernelDesign;
}

function setup() {
  const h = harness(design());
  for (const a of [amy, bob]) h.store.addOperator({ key: a.key, label: a.key, roles: a.roles });
  h.store.addOperator({ key: 'vic', label: 'vic', roles: ['visitor'] });
  const start = async (service: string, scheduledAt: number | null = null) =>
    (await h.exec(h.kernel.startProcess({ service, designVersion: 1, entity: null, actor: admin, scheduledAt })))
      .result;
  const timerOf = (cs: Changeset, purpose: Timer['purpose']): Timer => {
    const e = cs.effects.find((x) => x.kind === 'timer.set' && x.timer.purpose === purpose);
    if (e?.kind !== 'timer.set') throw new Error(`no ${purpose} timer`);
    return e.timer;
  };
  const fire = (timer: Timer) => h.exec(h.kernel.fireTimer(timer, timerActor));
  const next = async (actor: Actor) => {
    const cs = await h.kernel.assignNext(actor, { designVersion: 1 });
    if (cs) h.store.commit(cs);
    return cs?.result ?? null;
  };
  const lanesOfPid = (pid: number) => [...h.store.queue.values()].filter((e) => e.pid === pid).map((e) => e.lane);
  return { ...h, start, timerOf, fire, next, lanesOfPid };
}

describe('SLA actions, skills timeouts and appointments (kernel)', () => {
  it('a goal with reassign takes a claimed task back to the pool; the deadline notifies the holder and a role', async () => {
    const t = setup();
    const cs = await t.exec(t.kernel.startProcess({ service: 'review', designVersion: 1, entity: null, actor: admin }));
    const task = cs.result;
    await t.exec(t.kernel.claim(task.pid, amy));
    t.clock.set(task.createdAt + H);
    const goal = await t.fire(t.timerOf(cs, 'sla'));
    expect(goal.result).toMatchObject({ assignee: null, state: 'READY' });
    expect(t.store.audit.find((a) => a.action === 'reassigned')).toMatchObject({
      pid: task.pid,
      details: { by: 'sla', from: 'amy', to: 'pool' },
    });
    expect(goal.effects.find((e) => e.kind === 'notify')).toMatchObject({
      notice: {
        milestone: 'goal',
        holder: 'amy',
        assignee: null,
        actions: ['reassign'],
        to: { operators: [], roles: [] },
      },
    });
    await t.exec(t.kernel.claim(task.pid, bob));
    t.clock.set(task.createdAt + 2 * H);
    const deadline = await t.fire(t.timerOf(goal, 'sla'));
    expect(deadline.effects.find((e) => e.kind === 'notify')).toMatchObject({
      notice: {
        milestone: 'deadline',
        holder: 'bob',
        actions: ['notify'],
        to: { operators: ['bob'], roles: ['lead'] },
      },
    });
  });

  it('an additional skill drops when its timer fires while the task waits, and not after someone took it', async () => {
    const t = setup();
    const cs = await t.exec(t.kernel.startProcess({ service: 'laser', designVersion: 1, entity: null, actor: admin }));
    const timer = t.timerOf(cs, 'relax_skills');
    expect(timer).toMatchObject({ key: `relax:${cs.result.pid}`, dueAt: cs.result.createdAt + 30 * 60_000 });
    expect(await t.next(amy)).toBeNull(); // no French
    t.clock.set(timer.dueAt);
    const relaxed = await t.fire(timer);
    expect(relaxed.result).toMatchObject({ skillsRelaxed: true });
    expect(t.store.audit.find((a) => a.action === 'skills.relaxed')).toMatchObject({
      details: { dropped: ['french'] },
    });
    expect(t.lanesOfPid(cs.result.pid)).toEqual(['nurse|laser>=3']);
    expect((await t.next(amy))?.pid).toBe(cs.result.pid);
    // A second timer of a task that no longer waits changes nothing.
    const again = await t.kernel.fireTimer(timer, timerActor);
    expect(again.updated).toEqual([]);
  });

  it('an appointment waits in no lane before its time; its timer puts it there (ranked from then) and pushes it', async () => {
    const t = setup();
    const later = t.clock.now() + 2 * H;
    const review = await t.exec(
      t.kernel.startProcess({ service: 'review', designVersion: 1, entity: null, actor: admin, scheduledAt: later }),
    );
    expect(t.lanesOfPid(review.result.pid)).toEqual([]);
    expect(await t.next(bob)).toBeNull();
    const timer = t.timerOf(review, 'scheduled');
    expect(timer).toMatchObject({ key: `scheduled:${review.result.pid}`, dueAt: later });
    t.clock.set(later);
    const due = await t.fire(timer);
    expect(t.store.audit.find((a) => a.action === 'scheduled.due')).toMatchObject({ pid: review.result.pid });
    expect(t.lanesOfPid(review.result.pid)).toEqual(['nurse|']);
    // Its fairness tag counts from its time, not from when it was booked: no aging for the hours before.
    expect(due.result.queueTag).toBeGreaterThanOrEqual(later);
    // So does its SLA clock (booked two hours ahead, none ran before): the goal falls due an hour after its time.
    expect(review.effects.some((e) => e.kind === 'timer.set' && e.timer.purpose === 'sla')).toBe(false);
    expect(t.timerOf(due, 'sla')).toMatchObject({ dueAt: later + H });
    // A claim by hand before its time takes it at once and cancels the timer.
    const early = await t.exec(
      t.kernel.startProcess({
        service: 'review',
        designVersion: 1,
        entity: null,
        actor: admin,
        scheduledAt: later + H,
      }),
    );
    const claimed = await t.exec(t.kernel.claim(early.result.pid, amy));
    expect(claimed.effects).toContainEqual({ kind: 'timer.cancel', key: `scheduled:${early.result.pid}` });
    expect((await t.next(bob))?.pid).toBe(review.result.pid);

    const visit = await t.exec(
      t.kernel.startProcess({ service: 'visit', designVersion: 1, entity: null, actor: admin, scheduledAt: later + H }),
    );
    expect(visit.effects.some((e) => e.kind === 'dispatch')).toBe(false);
    t.clock.set(later + H);
    const fired = await t.fire(t.timerOf(visit, 'scheduled'));
    expect(fired.effects).toContainEqual({ kind: 'dispatch', pid: visit.result.pid });
    const pushed = await t.exec(
      t.kernel.dispatch(visit.result.pid, {
        key: 'scheduler',
        roles: [],
        admin: false,
        kind: 'scheduler',
      }) as Promise<Changeset>,
    );
    expect(pushed.result).toMatchObject({ pid: visit.result.pid, assignee: 'vic' });
  });
});

describe('SLA urgency of a program instance (kernel)', () => {
  it("a milestone of the clinic journey (a program instance) raises its open steps' urgency with it", async () => {
    const design = clinicDesign() as KernelDesign;
    design.services = design.services.map((s) => (s.key === 'ke_hu_fu_wu' ? { ...s, sla: 'journey_sla' } : s));
    design.slas = [{ key: 'journey_sla', goal: 'PT1H', deadline: null, urgency: { goal: 40 } }] as KernelDesign['slas'];
    const h = harness(design);
    const entity = { type: 'Operator', id: 'zhang_san' };
    const started = await h.exec(
      h.kernel.startProcess({ service: 'ke_hu_fu_wu', designVersion: 1, entity, actor: h.ops.fang! }),
    );
    const root = started.result;
    expect(root.kind).toBe('program');
    const booking = h.live('xin_yu_yue');
    expect(booking.parentPid).toBe(root.pid);
    const set = started.effects.find(
      (e) => e.kind === 'timer.set' && e.timer.purpose === 'sla' && e.timer.pid === root.pid,
    );
    if (set?.kind !== 'timer.set') throw new Error('no SLA timer on the journey');
    h.clock.set(set.timer.dueAt);
    await h.exec(h.kernel.fireTimer(set.timer, timerActor));
    expect(h.store.pcbs.get(root.pid)!.urgency).toBe(40);
    expect(h.store.pcbs.get(booking.pid)!.urgency).toBe(40);
    expect(h.store.audit.find((a) => a.action === 'sla.urgency_inherited')).toMatchObject({
      pid: booking.pid,
      details: { from: root.pid, urgencyBefore: 0, urgencyAfter: 40 },
    });
  });
});
