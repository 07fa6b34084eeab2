import type { Job } from 'bullmq';
import { describe, expect, it } from 'vitest';
import type { StageJob } from '@opkernel/kernel';
import { lostFailure, ReportedFailure } from '../src/modules/decks/hop-runner';

const data: StageJob = {
  v: 1,
  runId: 'p9r1',
  pid: 9,
  gen: 2,
  step: 1,
  steps: [
    {
      deck: 'storage',
      handler: 'ops.echo',
      config: null,
      retry: { attempts: 1, backoff: { type: 'fixed', delayMs: 1, jitter: 0 } },
      timeoutMs: null,
    },
    {
      deck: 'ops',
      handler: 'ops.hash',
      config: null,
      retry: { attempts: 3, backoff: { type: 'fixed', delayMs: 1, jitter: 0 } },
      timeoutMs: null,
    },
  ],
  input: {},
  prev: { a: 1 },
  outputs: [{ a: 1 }],
  hops: [],
  priority: 0,
};
const job = (over: Partial<Job<StageJob>>) => ({ data, attemptsMade: 2, finishedOn: 1_000, ...over }) as Job<StageJob>;

describe('a hop that failed for good without its worker reporting it', () => {
  it('is reported as STAGE_STALLED when BullMQ failed it for stalling too often', () => {
    expect(lostFailure(job({}), new Error('job stalled more than allowable limit'))).toEqual({
      kind: 'failed',
      pid: 9,
      runId: 'p9r1',
      gen: 2,
      failure: {
        code: 'STAGE_STALLED',
        deck: 'ops',
        step: 1,
        attempts: 2,
        message: 'job stalled more than allowable limit',
      },
      outputs: [{ a: 1 }],
      hops: [],
    });
  });

  it('as STAGE_FAILED for any other final failure; nothing while retries remain or after the runner reported', () => {
    expect(lostFailure(job({}), new Error('redis gone'))).toMatchObject({ failure: { code: 'STAGE_FAILED' } });
    expect(lostFailure(job({ finishedOn: undefined }), new Error('retrying'))).toBeNull();
    expect(lostFailure(job({}), new ReportedFailure('already reported'))).toBeNull();
  });
});
