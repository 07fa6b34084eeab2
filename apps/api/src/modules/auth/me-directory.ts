import { Injectable } from '@nestjs/common';
import { allowedServices } from '@opkernel/kernel';
import { DesignRegistry } from '../designs/design-registry.service';
import type { RoleView } from './dtos/me.dto';
import type { AuthenticatedOperator } from './types/authenticated-operator.type';

/**
 * Port for what `GET /api/v1/me` shows beyond the operator row. Bound in `AuthModule`
 * (`{ provide: MeDirectory, useClass: DesignMeDirectory }`).
 */
export abstract class MeDirectory {
  /** Labels of `roleKeys`, in the same order. */
  abstract describeRoles(roleKeys: string[]): Promise<RoleView[]>;
  /** Service keys the operator may work on. */
  abstract allowedServices(operator: AuthenticatedOperator): Promise<string[]>;
}

/**
 * Reads `/me`'s role labels and allowed services from the current design version (a role missing from the
 * design shows its key as label).
 */
@Injectable()
export class DesignMeDirectory extends MeDirectory {
  constructor(private readonly designs: DesignRegistry) {
    super();
  }

  /** Labels from the current design; a role missing from it (or no design) shows its key. */
  async describeRoles(roleKeys: string[]): Promise<RoleView[]> {
    const current = await this.designs.current();
    return roleKeys.map((key) => ({ key, label: current?.index.roles.get(key)?.label ?? key }));
  }

  /** Sorted service keys: every non-program service for administrators, else what the roles allow; [] without a design. */
  async allowedServices(operator: AuthenticatedOperator): Promise<string[]> {
    const current = await this.designs.current();
    if (!current) return [];
    return operator.admin
      ? [...current.index.services.values()]
          .filter((s) => s.kind !== 'program')
          .map((s) => s.key)
          .sort()
      : allowedServices(current.index, operator.roles);
  }
}
