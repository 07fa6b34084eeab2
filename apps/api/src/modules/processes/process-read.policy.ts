import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { allowedServices } from '@opkernel/kernel';
import { ProblemException } from '../../infra/problem/problem.exception';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { DesignRegistry } from '../designs/design-registry.service';

/**
 * What one operator may read, resolved once per request:
 * - `all`: administrators see every process;
 * - `staff`: the staff rule of {@link ProcessReadPolicy}, with the (design version, service) pairs their roles
 *   allow in every stored design version (parallel arrays, for `unnest`).
 */
export type ReadScope =
  { kind: 'all' } | { kind: 'staff'; operator: string; roles: string[]; versions: number[]; services: string[] };

/**
 * The one read policy for processes, over REST (`ProcessQueries`, the tasks controller) and the live channel:
 *
 * - administrators read everything;
 * - operators that are not staff (customers) read no process and no entity (403 problem); on the live
 *   channel they only have their own `operator:<key>` room;
 * - staff read a process when ONE of these holds:
 *   its service is allowed by one of their roles in the process's own design version (kernel
 *   `allowedServices`, the same grant `mayWorkOn` checks for commands), they are its assignee, they created
 *   it, one of their roles is a candidate role, or it is a program instance (`kind = 'program'`: it carries
 *   no form data).
 *
 * Lists filter in SQL ({@link ProcessReadPolicy.where}); a single process that exists but is not readable is
 * reported like a missing one (404), so existence is not revealed.
 */
@Injectable()
export class ProcessReadPolicy {
  constructor(
    private readonly db: DataSource,
    private readonly designs: DesignRegistry,
  ) {}

  /** True when `operator` may read entities and processes at all (staff or administrator). */
  maySeeProcesses(operator: Pick<AuthenticatedOperator, 'admin' | 'staff'>): boolean {
    return operator.admin || operator.staff;
  }

  /**
   * Resolves what `operator` may read.
   * @throws ProblemException 403 for an operator that is neither staff nor administrator.
   */
  async scope(operator: AuthenticatedOperator): Promise<ReadScope> {
    if (operator.admin) return { kind: 'all' };
    if (!operator.staff) throw ProblemException.forbidden('customers may not read processes or entities');
    const versions: number[] = [];
    const services: string[] = [];
    if (operator.roles.length > 0) {
      const rows = await this.db.query<{ version: number }[]>('SELECT version FROM design_versions ORDER BY version');
      for (const { version } of rows) {
        // Each version is indexed once per process and cached by the registry (versions are immutable).
        for (const service of allowedServices(await this.designs.get(version), operator.roles)) {
          versions.push(version);
          services.push(service);
        }
      }
    }
    return { kind: 'staff', operator: operator.key, roles: [...operator.roles], versions, services };
  }

  /**
   * The SQL condition over `processes` aliased `alias` that keeps only the processes `scope` may read. Its
   * parameters are appended to `params` (placeholders continue from `params.length`).
   * @returns a parenthesised boolean expression (`TRUE` for administrators).
   * @example const params = [pid]; const cond = policy.where(scope, params); // `p.pid = $1 AND ${cond}`
   */
  where(scope: ReadScope, params: unknown[], alias = 'p'): string {
    if (scope.kind === 'all') return 'TRUE';
    const $ = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const me = $(scope.operator);
    return `(${alias}.kind = 'program'
      OR ${alias}.assignee = ${me}
      OR ${alias}.creator = ${me}
      OR ${alias}.candidate_roles && ${$(scope.roles)}::text[]
      OR (${alias}.design_version, ${alias}.service) IN (SELECT * FROM unnest(${$(scope.versions)}::int[], ${$(scope.services)}::text[])))`;
  }

  /**
   * True when `operator` may read process `pid` (and it exists). Never throws for customers: they get false.
   * Used by the live channel for `process:<pid>` rooms.
   */
  async canReadProcess(operator: AuthenticatedOperator, pid: number): Promise<boolean> {
    if (!this.maySeeProcesses(operator)) return false;
    const params: unknown[] = [pid];
    const cond = this.where(await this.scope(operator), params);
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM processes p WHERE p.pid = $1 AND ${cond}`, params);
    return rows.length > 0;
  }
}
