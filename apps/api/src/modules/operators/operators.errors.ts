import { ProblemException } from '../../infra/problem/problem.exception';

/** 404 for an unknown operator key. */
export function operatorNotFound(key: string): ProblemException {
  return ProblemException.notFound(`No operator with key "${key}"`);
}
