import { Injectable } from '@nestjs/common';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { parseRoom } from './rooms';

/**
 * Decides which rooms a socket may `subscribe` to.
 *
 * LEAD HOOK — refine (e.g. entity/process rooms only for operators who may see that entity or process);
 * keep it an injectable class so the binding in `LiveModule` can change.
 */
@Injectable()
export class LiveAccessPolicy {
  /**
   * Current rules: own `operator:<key>`; `role:<r>` for own roles; `monitor` for administrators;
   * `entity:<type>:<id>` and `process:<pid>` for staff. Anything else is refused.
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
      case 'process':
        return operator.staff;
    }
  }
}
