import { describe, expect, it } from 'vitest';
import { FormRedactor, REDACTED } from '../src/modules/processes/form-redaction';

describe('snapshot redaction of automation runs', () => {
  const frame = {
    pid: 7,
    localVars: {},
    inherited: {},
    returnValue: null,
    stage: {
      runId: 'p7r1',
      status: 'failed',
      input: { diagnosis: 'secret' },
      outputs: [{ digest: 'abc' }],
      output: null,
      hops: [{ step: 0, error: 'secret too' }],
      failure: { code: 'LAB_DOWN', deck: 'ops', step: 0, attempts: 1, message: 'patient secret' },
    },
  };

  it("hides a run's input, outputs, journal and failure message from a reader who may not see the service", () => {
    const r = new FormRedactor({ all: false, sees: () => false } as never);
    const out = r.frame(frame, 'auto') as typeof frame;
    expect(out.stage).toMatchObject({
      runId: 'p7r1',
      status: 'failed',
      input: REDACTED,
      outputs: REDACTED,
      hops: REDACTED,
      failure: { code: 'LAB_DOWN', message: REDACTED },
    });
    expect(r.hidden).toBeGreaterThan(0);
  });

  it('keeps them for a reader who sees the service', () => {
    const r = new FormRedactor({ all: false, sees: (s: string) => s === 'auto' } as never);
    expect((r.frame(frame, 'auto') as typeof frame).stage).toEqual(frame.stage);
  });
});
