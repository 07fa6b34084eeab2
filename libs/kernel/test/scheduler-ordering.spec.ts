import { describe, expect, it } from 'vitest';
import { checkSkills, laneKey, lanesFor, lanesOf, parseSig, skillSig } from '../src/scheduler/lanes';
import { fitsCapacity, loadDelta, mergeLoadDeltas } from '../src/scheduler/load';
import {
  compareLaneOrder,
  effectiveArrival,
  effectivePoints,
  enqueueTag,
  MAX_POINTS,
  pointsOf,
  rankOf,
  starvationBoundMs,
} from '../src/scheduler/rank';
import { chooseTask, rankOperators, type QueueCandidate } from '../src/scheduler/select';
import { DEFAULT_SCHEDULER_SETTINGS as S } from '../src/scheduler/types';

const H = 3_600_000;

describe('lanes: role + skill signature', () => {
  it('signs requirements canonically and parses them back', () => {
    const reqs = [
      { skill: 'laser', level: 3 },
      { skill: 'french', level: 1, additional: true },
      { skill: 'laser', level: 2 },
    ];
    expect(skillSig(reqs)).toBe('french>=1,laser>=3');
    expect(skillSig(reqs, true)).toBe('laser>=3');
    expect(skillSig([])).toBe('');
    expect(parseSig('french>=1,laser>=3')).toEqual([
      { skill: 'french', level: 1 },
      { skill: 'laser', level: 3 },
    ]);
    expect(lanesOf(['nurse', 'doctor', 'nurse'], reqs)).toEqual([
      'nurse|french>=1,laser>=3',
      'doctor|french>=1,laser>=3',
    ]);
    expect(lanesOf(['nurse'], [])).toEqual([laneKey('nurse', '')]);
  });

  it('checks levels, names the first missing skill and sums the surplus', () => {
    const r = checkSkills(
      [
        { skill: 'laser', level: 5 },
        { skill: 'french', level: 1 },
      ],
      [
        { skill: 'laser', level: 3 },
        { skill: 'german', level: 2 },
      ],
    );
    expect(r.met).toBe(false);
    expect(r.missing).toEqual({ skill: 'german', required: 2, level: 0, met: false });
    expect(r.surplus).toBe(2);
    expect(checkSkills([{ skill: 'laser', level: 3 }], [{ skill: 'laser', level: 3 }]).met).toBe(true);
  });

  it('gives an operator the lanes of their roles whose levels they meet', () => {
    const lanes = ['nurse|', 'nurse|laser>=3', 'nurse|laser>=6', 'doctor|', 'nurse|french>=1,laser>=3'];
    expect(lanesFor(['nurse'], [{ skill: 'laser', level: 4 }], lanes)).toEqual(['nurse|', 'nurse|laser>=3']);
    expect(lanesFor(['doctor', 'nurse'], [], lanes)).toEqual(['doctor|', 'nurse|']);
  });
});

describe('the static key: priority + urgency + aging + fairness', () => {
  const order = (tag: number, points: number, pid: number) => ({ ...rankOf(tag, points, S), pid });

  it('orders by points, then arrival (FIFO), then pid', () => {
    const t = 1_000_000;
    const high = order(enqueueTag(null, t + 5, 1, 1, S), pointsOf(50, 0), 3);
    const lowOld = order(enqueueTag(null, t, 1, 1, S), 0, 1);
    const lowNew = order(enqueueTag(null, t + 1, 1, 1, S), 0, 2);
    expect([lowNew, high, lowOld].sort(compareLaneOrder).map((o) => o.pid)).toEqual([3, 1, 2]);
    expect(compareLaneOrder({ class: 0, rank: 5, pid: 1 }, { class: 0, rank: 5, pid: 2 })).toBeLessThan(0);
  });

  it('ages linearly: an hour of waiting is worth agingPointsPerHour points', () => {
    const old = order(enqueueTag(null, 0, 1, 1, S), 0, 1);
    // 59 points newer arrives an hour later: the old one still goes first; 61 points goes first.
    expect(compareLaneOrder(old, order(enqueueTag(null, H, 1, 1, S), 59, 2))).toBeLessThan(0);
    expect(compareLaneOrder(old, order(enqueueTag(null, H, 1, 1, S), 61, 2))).toBeGreaterThan(0);
    expect(effectivePoints(10, 0, H, S)).toBeCloseTo(70, 6);
  });

  it('strict priority (or aging off) makes points a class: arrival only orders within it', () => {
    const strict = { ...S, strictPriority: true };
    const low = { ...rankOf(0, 0, strict), pid: 1 };
    const high = { ...rankOf(100 * H, 1, strict), pid: 2 };
    expect(compareLaneOrder(high, low)).toBeLessThan(0);
    expect(rankOf(7, 3, { ...S, agingPointsPerHour: 0 })).toEqual({ class: -3, rank: 7 });
    expect(starvationBoundMs(strict)).toBe(Infinity);
  });

  it('no starvation: after the bound nothing that arrives later overtakes a waiting task', () => {
    const bound = starvationBoundMs(S);
    expect(bound).toBe(MAX_POINTS * 60_000);
    const x = order(enqueueTag(null, 0, 1, 1, S), 0, 1);
    const justBefore = order(enqueueTag(null, bound - 5_000, 1, 1, S), MAX_POINTS, 2);
    const after = order(enqueueTag(null, bound, 1, 1, S), MAX_POINTS, 3);
    expect(compareLaneOrder(justBefore, x)).toBeLessThan(0);
    expect(compareLaneOrder(x, after)).toBeLessThan(0);
  });

  it('keeps queued time across re-entry: the effective arrival is now minus the time already waited', () => {
    expect(effectiveArrival(10_000, 4_000)).toBe(6_000);
    expect(effectiveArrival(10_000, -1)).toBe(10_000);
  });

  it('shares a lane between backlogged keys in proportion to their weights (±10 % over 1,000 dispatches)', () => {
    // Keys A (w=1), B (w=3), C (w=1, capacity weight 2) each enqueue 2,000 tasks at once; dispatch the 1,000 best.
    const weights: Record<string, number> = { A: 1, B: 3, C: 1 };
    const rows: Array<{ key: string; pid: number; class: number; rank: number }> = [];
    let pid = 0;
    for (const key of Object.keys(weights)) {
      let last: number | null = null;
      for (let i = 0; i < 2000; i++) {
        const c = key === 'C' ? 2 : 1;
        const tag = enqueueTag(last, 0, c, weights[key]!, S);
        last = tag;
        rows.push({ key, pid: ++pid, ...rankOf(tag, 0, S) });
      }
    }
    const served = rows.sort(compareLaneOrder).slice(0, 1000);
    const share = (key: string) => served.filter((r) => r.key === key).length;
    // Service in capacity units per unit of weight is equal: A 1·n, B n/3·…, C 2·n.
    const units = { A: share('A') / 1, B: share('B') / 3, C: (share('C') * 2) / 1 };
    const mean = (units.A + units.B + units.C) / 3;
    for (const v of Object.values(units)) expect(Math.abs(v - mean) / mean).toBeLessThan(0.1);
  });

  it('serves a newcomer behind a flood within about one quantum', () => {
    let last: number | null = null;
    const flood = Array.from({ length: 500 }, (_, i) => {
      last = enqueueTag(last, 0, 1, 1, S);
      return { pid: i + 1, ...rankOf(last, 0, S) };
    });
    const newcomer = { pid: 9999, ...rankOf(enqueueTag(null, 10, 1, 1, S), 0, S) };
    const position = [...flood, newcomer].sort(compareLaneOrder).findIndex((r) => r.pid === 9999);
    expect(position).toBeLessThanOrEqual(2);
  });

  it('refuses a weight that is not positive', () => {
    expect(() => enqueueTag(null, 0, 0, 1, S)).toThrow(RangeError);
    expect(() => enqueueTag(null, 0, 1, 0, S)).toThrow(RangeError);
  });
});

describe('load: Σ capacity weight of assigned READY/RUNNING/WAITING tasks', () => {
  const pcb = (state: string, assignee: string | null, kind = 'task') =>
    ({ state, assignee, kind }) as Parameters<typeof loadDelta>[1];

  it('moves with claim, transfer, completion and suspension', () => {
    expect(loadDelta(pcb('READY', null), pcb('READY', 'amy'), 2)).toEqual([{ operator: 'amy', delta: 2 }]);
    expect(loadDelta(pcb('RUNNING', 'amy'), pcb('RUNNING', 'bob'), 1)).toEqual([
      { operator: 'amy', delta: -1 },
      { operator: 'bob', delta: 1 },
    ]);
    expect(loadDelta(pcb('RUNNING', 'amy'), pcb('TERMINATED', 'amy'), 1)).toEqual([{ operator: 'amy', delta: -1 }]);
    expect(loadDelta(pcb('RUNNING', 'amy'), pcb('SUSPENDED', 'amy'), 1)).toEqual([{ operator: 'amy', delta: -1 }]);
    expect(loadDelta(pcb('READY', 'amy'), pcb('RUNNING', 'amy'), 1)).toEqual([]);
    expect(loadDelta(null, pcb('READY', 'amy'), 1)).toEqual([{ operator: 'amy', delta: 1 }]);
    expect(loadDelta(null, pcb('RUNNING', 'amy', 'program'), 1)).toEqual([]);
  });

  it('merges deltas per operator and checks fit', () => {
    expect(
      mergeLoadDeltas([
        { operator: 'amy', delta: 1 },
        { operator: 'bob', delta: 1 },
        { operator: 'amy', delta: -1 },
      ]),
    ).toEqual([{ operator: 'bob', delta: 1 }]);
    expect(fitsCapacity(2, 3, 1)).toBe(true);
    expect(fitsCapacity(2, 3, 2)).toBe(false);
    expect(fitsCapacity(1e9, null, 5)).toBe(true);
  });
});

describe('choosing', () => {
  const cand = (pid: number, rank: number, extra: Partial<QueueCandidate> = {}): QueueCandidate => ({
    lane: 'nurse|',
    pid,
    class: 0,
    rank,
    tag: rank,
    fairnessKey: '',
    weight: 1,
    resourceTypes: [],
    priority: 0,
    urgency: 0,
    ...extra,
  });

  it('pull takes the best head that fits the weight and whose resources fit; the rest are alternatives', () => {
    const heavy = cand(1, 10, { weight: 5 });
    const roomless = cand(2, 20, { resourceTypes: ['room'] });
    const ok = cand(3, 30, { resourceTypes: ['room'] });
    const later = cand(4, 40);
    const choice = chooseTask(
      [later, ok, roomless, heavy, cand(3, 30, { lane: 'nurse|x>=1' })],
      { load: 1, capacity: 3 },
      (c) => (c.pid === 2 ? { fit: false, reason: 'busy', retryAt: 99 } : { fit: true, plan: `room-for-${c.pid}` }),
    );
    expect(choice.chosen?.pid).toBe(3);
    expect(choice.plan).toBe('room-for-3');
    expect(choice.deferred).toEqual([{ candidate: roomless, reason: 'busy', retryAt: 99 }]);
    expect(choice.alternatives.map((a) => [a.candidate.pid, a.lostOn])).toEqual([
      [1, 'weight'],
      [2, 'resources'],
      [4, 'rank'],
    ]);
  });

  it('pull gives nothing when nothing fits', () => {
    const choice = chooseTask([cand(1, 1, { weight: 2 })], { load: 0, capacity: 1 }, () => ({ fit: true, plan: null }));
    expect(choice.chosen).toBeNull();
  });

  const op = (key: string, extra: Partial<Parameters<typeof rankOperators>[0][number]> = {}) => ({
    key,
    available: true,
    load: 0,
    capacity: 3 as number | null,
    skills: [{ skill: 'laser', level: 3 }],
    lastAssignedAt: null as number | null,
    ...extra,
  });
  const task = { weight: 1, requirements: [{ skill: 'laser', level: 3 }], starter: null as string | null };

  it('push: most capacity, skill surplus, the starter first; unavailable, full and unskilled left out', () => {
    const ops = [
      op('amy', { load: 2 }),
      op('bob', { load: 0 }),
      op('cai', { load: 1, capacity: null }),
      op('dan', { available: false }),
      op('eve', { load: 3 }),
      op('fay', { skills: [{ skill: 'laser', level: 2 }] }),
    ];
    const plain = rankOperators(ops, task, { ...S, evaluateSkillLevel: false });
    expect(plain.ranked.map((r) => r.operator)).toEqual(['cai', 'bob', 'amy']);
    expect(plain.excluded).toEqual([
      { operator: 'dan', reason: 'unavailable' },
      { operator: 'eve', reason: 'capacity' },
      { operator: 'fay', reason: 'skills', missing: { skill: 'laser', required: 3, level: 2, met: false } },
    ]);
    const skilled = rankOperators([...ops, op('gus', { load: 2, skills: [{ skill: 'laser', level: 9 }] })], task, S);
    expect(skilled.ranked[0]).toMatchObject({ operator: 'gus', skillSurplus: 6 });
    expect(rankOperators(ops, { ...task, starter: 'amy' }, S).ranked[0]!.operator).toBe('amy');
  });

  it('push by last assigned: never assigned first, then longest ago', () => {
    const ops = [op('amy', { lastAssignedAt: 50 }), op('bob', { lastAssignedAt: 10 }), op('cai')];
    expect(rankOperators(ops, task, { ...S, assignBy: 'last_assigned' }).ranked.map((r) => r.operator)).toEqual([
      'cai',
      'bob',
      'amy',
    ]);
  });
});
