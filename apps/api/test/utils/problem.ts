import { ApiProblem } from '../../src/journey/api-client';

/** Awaits a request that must fail and returns its problem+json answer. @throws when it succeeds or fails otherwise */
export async function problem(p: Promise<unknown>): Promise<ApiProblem> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiProblem) return e;
    throw e;
  }
  throw new Error('expected the request to fail');
}
