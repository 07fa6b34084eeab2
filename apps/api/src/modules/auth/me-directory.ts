import { Injectable } from '@nestjs/common';
import type { RoleView } from './dtos/me.dto';
import type { AuthenticatedOperator } from './types/authenticated-operator.type';

/**
 * Port for what `GET /api/v1/me` shows beyond the operator row. Bound in `AuthModule`
 * (`{ provide: MeDirectory, useClass: DefaultMeDirectory }`).
 */
export abstract class MeDirectory {
  /** Labels of `roleKeys`, in the same order. */
  abstract describeRoles(roleKeys: string[]): Promise<RoleView[]>;
  /** Service keys the operator may work on. */
  abstract allowedServices(operator: AuthenticatedOperator): Promise<string[]>;
}

/**
 * LEAD HOOK — placeholder until designs are stored: labels are the role keys, no services. Replace with an
 * implementation reading the current design version (roles[].label, roles[].services) and rebind it.
 */
@Injectable()
export class DefaultMeDirectory extends MeDirectory {
  async describeRoles(roleKeys: string[]): Promise<RoleView[]> {
    // TODO(lead): labels from the current design version.
    return roleKeys.map((key) => ({ key, label: key }));
  }

  async allowedServices(_operator: AuthenticatedOperator): Promise<string[]> {
    // TODO(lead): services of the operator's roles in the current design version.
    return [];
  }
}
