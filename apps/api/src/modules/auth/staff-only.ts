import { ProblemException } from '../../infra/problem/problem.exception';
import type { AuthenticatedOperator } from './types/authenticated-operator.type';

/**
 * Customers take no work and see no rooms: routes of the workspace call this first.
 * @throws ProblemException 403 for a customer (an operator who is neither staff nor admin)
 */
export function staffOnly(op: AuthenticatedOperator): void {
  if (!op.admin && !op.staff) throw ProblemException.forbidden('customers do not work tasks');
}
