import { Injectable } from '@nestjs/common';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { ProcessReadPolicy } from '../processes/process-read.policy';
import { parseRoom } from './rooms';

/**
 * Decides which rooms a socket may `subscribe` to, with the same rules as the REST reads
 * ({@link ProcessReadPolicy}). The gateway passes the operator as freshly loaded from the database.
 */
@Injectable()
export class LiveAccessPolicy {
  constructor(private readonly processes: ProcessReadPolicy) {}

  /**
   * Rules: own `operator:<key>`; `role:<r>` for own roles; `monitor` for administrators;
   * `entity:<type>:<id>` for staff and administrators; `process:<pid>` when that process exists and the
   * operator may read it. Customers (non-staff) therefore only get their own operator room. Anything else —
   * including unparseable room names — is refused.
   * @returns true when the socket may join `room`.
   */
  async canJoin(operator: AuthenticatedOperator, room: string): Promise<boolean> {
    const parsed = parseRoom(room);
    if (!parsed) return false;
    switch (parsed.kind) {
      case 'operator':
        return parsed.key === operator.key;
      case 'role':
        return operator.roles.includes(parsed.key);
      case 'monitor':
        return operator.admin;
      case 'entity':
        return this.processes.maySeeProcesses(operator);
      case 'process':
        return this.processes.canReadProcess(operator, parsed.pid);
    }
  }
}
