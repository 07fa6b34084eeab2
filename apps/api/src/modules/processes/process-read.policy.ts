import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { allowedServices } from '@opkernel/kernel';
import { ProblemException } from '../../infra/problem/problem.exception';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';
import { DesignRegistry } from '../designs/design-registry.service';

/**
 * What one operator may read, resolved once per request (or per live socket):
 * - `all`: administrators (and integrator API tokens) see every process and every form;
 * - `staff`: the staff rule of {@link ProcessReadPolicy}, with the (design version, service) pairs their roles
 *   allow in every stored design version (parallel arrays, for `unnest`).
 */
export type ReadScope =
  { kind: 'all' } | { kind: 'staff'; operator: string; roles: string[]; versions: number[]; services: string[] };

/** The fields of a process the read policy looks at (a PCB, a row view or a live change all have them). */
export type ProcessFacts = {
  kind: string;
  service: string;
  designVersion: number;
  assignee: string | null;
  creator: string | null;
  candidateRoles: readonly string[];
  /** The business entity (customer) it serves; absent or null: none (or not known to the caller). */
  entity?: { type: string; id: string } | null;
};

/** The key of an entity in {@link ProcessReadPolicy.casesHeld}'s answer: `type\0id`. */
export const caseKey = (e: { type: string; id: string }): string => `${e.type}\u0000${e.id}`;

/** Whose form data (in one design version) the reader may see: every service's (`all`), or those `sees` accepts. */
export type FormVisibility = { all: boolean; sees(service: string): boolean };

const SEES_ALL: FormVisibility = { all: true, sees: () => true };
const SEES_NONE: FormVisibility = { all: false, sees: () => false };

/**
 * The one read policy for processes, used by every reader — REST reads and lists (`ProcessQueries`, the tasks
 * controller), every command (404 before any other check), every live push (filtered per recipient) and the
 * live rooms:
 *
 * - administrators read everything;
 * - operators that are not staff (customers) read no process and no entity (403 problem); on the live
 *   channel they only have their own `operator:<key>` room;
 * - staff read a process when ONE of these holds: its service is allowed by one of their roles in the
 *   process's own design version (kernel `allowedServices`, the grant `mayWorkOn` checks for commands), they
 *   are its assignee, they created it, one of their roles is a candidate role, it is a program instance, or it
 *   serves a business entity (a customer) for which they hold an open task — the case's other steps, as a Pega
 *   or Camunda case worker sees the case (the doctor sees the nurse's intake beside their own form);
 * - of a process they may read, staff see form data (the process's `formData`, and the forms inside frames,
 *   snapshots and return values) only of services their roles allow in that design version, or — for a step's
 *   own `formData` — of the steps serving a customer for whom they hold an open task; other forms are redacted — keys
 *   kept, values replaced by `REDACTED` (see `form-redaction.ts`).
 * - of an open step they may read, staff also see the status (service, state, assignee's name — never the form)
 *   of the steps it requested (started by a rule on it, e.g. on its suspension), so its owner knows when to
 *   resume (`GET /processes/{pid}/context`, `TaskContextService`).
 *
 * Lists filter in SQL ({@link ProcessReadPolicy.where}); single facts are judged in memory by
 * {@link ProcessReadPolicy.mayRead}, which states the same rule. A process that exists but is not readable is
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
      for (const version of await this.designs.versions()) {
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
      OR (${alias}.design_version, ${alias}.service) IN (SELECT * FROM unnest(${$(scope.versions)}::int[], ${$(scope.services)}::text[]))
      OR (${alias}.entity_id IS NOT NULL AND EXISTS (SELECT 1 FROM processes held
            WHERE held.entity_type = ${alias}.entity_type AND held.entity_id = ${alias}.entity_id
              AND held.assignee = ${me} AND held.kind = 'task' AND held.state <> 'TERMINATED')))`;
  }

  /**
   * The in-memory form of {@link where}: true when `scope` may read a process with these facts. The service grant
   * is looked up in the process's design version directly, so versions imported after the scope was resolved
   * (a long-lived socket) count too.
   */
  async mayRead(scope: ReadScope, p: ProcessFacts): Promise<boolean> {
    if (scope.kind === 'all') return true;
    if (p.kind === 'program' || p.assignee === scope.operator || p.creator === scope.operator) return true;
    if (p.candidateRoles.some((r) => scope.roles.includes(r))) return true;
    if ((await this.formVisibility(scope, p.designVersion)).sees(p.service)) return true;
    return p.entity != null && (await this.casesHeld(scope, [p.entity])).size > 0;
  }

  /**
   * Of the business entities `entities`, those for which `scope`'s operator holds an open task (one indexed
   * query; none for administrators, who need no grant): the steps serving them are readable, forms included.
   * @returns their {@link caseKey}s
   */
  async casesHeld(
    scope: ReadScope,
    entities: readonly ({ type: string; id: string } | null | undefined)[],
  ): Promise<Set<string>> {
    const wanted = new Map<string, { type: string; id: string }>();
    for (const e of entities) if (e) wanted.set(caseKey(e), e);
    if (scope.kind === 'all' || wanted.size === 0) return new Set();
    const refs = [...wanted.values()];
    const rows = await this.db.query<{ entity_type: string; entity_id: string }[]>(
      `SELECT DISTINCT entity_type, entity_id FROM processes
        WHERE (entity_type, entity_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
          AND assignee = $3 AND kind = 'task' AND state <> 'TERMINATED'`,
      [refs.map((r) => r.type), refs.map((r) => r.id), scope.operator],
    );
    return new Set(rows.map((r) => caseKey({ type: r.entity_type, id: r.entity_id })));
  }

  /** Which services' form data `scope` may see in design version `designVersion` (every one for `all`). */
  async formVisibility(scope: ReadScope, designVersion: number): Promise<FormVisibility> {
    if (scope.kind === 'all') return SEES_ALL;
    const index = await this.designs.get(designVersion).catch(() => null);
    if (!index) return SEES_NONE;
    const allowed = new Set(allowedServices(index, scope.roles));
    return { all: false, sees: (service) => allowed.has(service) };
  }

  /**
   * The service and design version of process `pid` when `scope` may read it (one indexed query, no labels);
   * null when it does not exist or is not readable. What a command checks first.
   */
  async readable(scope: ReadScope, pid: number): Promise<{ service: string; designVersion: number } | null> {
    const params: unknown[] = [pid];
    const cond = this.where(scope, params);
    const rows = await this.db.query<{ service: string; design_version: number }[]>(
      `SELECT p.service, p.design_version FROM processes p WHERE p.pid = $1 AND ${cond}`,
      params,
    );
    return rows[0] ? { service: rows[0].service, designVersion: rows[0].design_version } : null;
  }

  /**
   * True when `operator` may read process `pid` (and it exists). Never throws for customers: they get false.
   * Used by the live channel for `process:<pid>` rooms.
   */
  async canReadProcess(operator: AuthenticatedOperator, pid: number): Promise<boolean> {
    if (!this.maySeeProcesses(operator)) return false;
    return (await this.readable(await this.scope(operator), pid)) !== null;
  }
}
