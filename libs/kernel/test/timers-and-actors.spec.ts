import { describe, expect, it } from 'vitest';
import {
  deadlineTimerKey,
  INSTRUCTIONS,
  SYS_CALLS,
  type InstructionContext,
  type InstructionRegistry,
  type KernelDesign,
} from '../src';
import { Kernel } from '../src';
import { ruleDef, serviceDef } from '../src/testing';
import { harness } from './harness';

/** `trip` (a program, manual start) starts `step_a`; a completed `step_a` starts `step_b`. */
const design: KernelDesign = {
  services: [
    serviceDef('journey', { kind: 'program', manualStart: true }),
    serviceDef('trip'),
    serviceDef('step_a'),
    serviceDef('step_b'),
    serviceDef('errand', { manualStart: true }),
  ],
  events: [
    { key: 'new', label: 'new', expression: 'state = "NEW"' },
    { key: 'done', label: 'done', expression: 'state = "TERMINATED"' },
  ],
  instructions: [{ key: 'start', label: 'start', sysCall: 'start_service', parameters: [] }],
  rules: [
    ruleDef('entry', 'journey', 1, 'trip', 'new', 'start', 'step_a'),
    ruleDef('next', 'trip', 1, 'step_a', 'done', 'start', 'step_b'),
  ],
  roles: [{ key: 'ke_fu', label: 'ke_fu', services: ['trip', 'step_a', 'step_b', 'errand'] }],
};

const timerActor = { key: 'timer', roles: [], admin: false, kind: 'timer' as const };

describe('timers: a deadline is a timer, set while the process lives and fired once by the timer actor', () => {
  it('starting with a deadline sets its timer; ending the process cancels it', async () => {
    const { kernel, exec, ops, clock } = harness(design);
    const deadline = clock.now() + 3_600_000;
    const started = await exec(
      kernel.startProcess({ service: 'errand', designVersion: 1, entity: null, deadline, actor: ops.fang! }),
    );
    const pid = started.result.pid;
    expect(started.effects).toContainEqual({
      kind: 'timer.set',
      timer: { key: deadlineTimerKey(pid), pid, purpose: 'deadline', dueAt: deadline },
    });
    const done = await exec(kernel.complete(pid, ops.fang!, {}));
    expect(done.effects).toContainEqual({ kind: 'timer.cancel', key: deadlineTimerKey(pid) });
    expect(done.effects.filter((e) => e.kind === 'timer.set')).toHaveLength(0);
  });

  it('a process without a deadline sets no timer', async () => {
    const { kernel, exec, ops } = harness(design);
    const started = await exec(
      kernel.startProcess({ service: 'trip', designVersion: 1, entity: null, actor: ops.fang! }),
    );
    expect(started.effects.filter((e) => e.kind !== 'publish')).toEqual([]);
  });

  it('firing a due deadline audits deadline.passed by the timer actor; an ended process is left alone', async () => {
    const { kernel, exec, ops, clock, store } = harness(design);
    const deadline = clock.now() + 60_000;
    const { result } = await exec(
      kernel.startProcess({ service: 'errand', designVersion: 1, entity: null, deadline, actor: ops.fang! }),
    );
    const timer = { key: deadlineTimerKey(result.pid), pid: result.pid, purpose: 'deadline' as const, dueAt: deadline };
    clock.advance(120_000);
    const fired = await exec(kernel.fireTimer(timer, timerActor));
    expect(fired.audit).toEqual([
      expect.objectContaining({
        pid: result.pid,
        action: 'deadline.passed',
        actor: 'timer',
        actorKind: 'timer',
        details: { deadline: new Date(deadline).toISOString() },
      }),
    ]);
    expect(fired.changes).toEqual([]); // the PCB itself does not change

    // A timer for a moved deadline, or for an ended process, changes nothing.
    expect((await exec(kernel.fireTimer({ ...timer, dueAt: deadline - 1 }, timerActor))).audit).toEqual([]);
    await exec(kernel.complete(result.pid, ops.fang!, {}));
    expect((await exec(kernel.fireTimer(timer, timerActor))).audit).toEqual([]);
    expect(store.audit.filter((a) => a.action === 'deadline.passed')).toHaveLength(1);
  });
});

describe('actors: the audit says who — and what kind of actor — did it', () => {
  it("an integration's command is audited with kind integration; the rules it fires are the kernel's", async () => {
    const { kernel, exec } = harness(design);
    const integration = { key: 'integration:7', roles: ['ke_fu'], admin: false, kind: 'integration' as const };
    const cs = await exec(kernel.startProcess({ service: 'trip', designVersion: 1, entity: null, actor: integration }));
    const own = cs.audit.filter((a) => a.pid === cs.result.pid && a.action === 'created');
    expect(own).toEqual([expect.objectContaining({ actor: 'integration:7', actorKind: 'integration' })]);
    const byRule = cs.audit.filter((a) => a.cause && 'rule' in a.cause);
    expect(byRule.length).toBeGreaterThan(0);
    for (const a of byRule) expect(a).toMatchObject({ actor: null, actorKind: null });
  });

  it('an actor without a kind is an operator', async () => {
    const { kernel, exec, ops } = harness(design);
    const cs = await exec(kernel.startProcess({ service: 'trip', designVersion: 1, entity: null, actor: ops.fang! }));
    expect(cs.audit.find((a) => a.pid === cs.result.pid)).toMatchObject({
      actor: ops.fang!.key,
      actorKind: 'operator',
    });
  });
});

describe('the instruction registry', () => {
  it('has a handler for each system call (the design model builds its SysCall enum from SYS_CALLS)', () => {
    expect(Object.keys(INSTRUCTIONS).sort()).toEqual([...SYS_CALLS].sort());
  });

  it('is injected, and a handler gets the narrow instruction context only', async () => {
    const { store, clock } = harness(design);
    const seen: InstructionContext[] = [];
    const instructions: InstructionRegistry = {
      ...INSTRUCTIONS,
      start_service: async (ctx, subject, rule, index) => {
        seen.push(ctx);
        await INSTRUCTIONS.start_service(ctx, subject, rule, index);
      },
    };
    const kernel = new Kernel({ store, ids: store, designs: store.designSource, clock, instructions });
    const actor = { key: 'xiao_fang', roles: ['ke_fu'], admin: false };
    const cs = await kernel.startProcess({ service: 'trip', designVersion: 1, entity: null, actor });
    expect(seen).toHaveLength(1);
    expect(Object.keys(seen[0]!).sort()).toEqual(
      ['apply', 'children', 'frame', 'load', 'nextSeq', 'now', 'operator', 'setFrame', 'setVars', 'spawn'].sort(),
    );
    expect(cs.created.map((p) => p.service)).toContain('step_a');
  });
});
