import type { DesignIndex } from '../design/kernel-design';
import type { OperatorView } from '../ports/ports';

/** Where a new task goes: one assignee, or the pool of `candidateRoles` (assignee null). */
export type Assignment = { assignee: string | null; candidateRoles: string[] };

/** Role keys whose holders may work on `service`. */
export function rolesAllowing(index: DesignIndex, service: string): string[] {
  return index.rolesByService.get(service) ?? [];
}

/**
 * Decides who gets a new task (the one place the scheduler will later replace):
 * 1. a service with `routeTo` goes to that role's pool;
 * 2. else to the operator who started the journey, when one of their roles allows the service;
 * 3. else it waits unassigned in the pool of every role that allows the service.
 */
export function assignTask(index: DesignIndex, service: string, journeyStarter: OperatorView | null): Assignment {
  const allowed = rolesAllowing(index, service);
  const routeTo = index.services.get(service)?.routeTo ?? null;
  if (routeTo) return { assignee: null, candidateRoles: [routeTo] };
  if (journeyStarter && journeyStarter.roles.some((r) => allowed.includes(r))) {
    return { assignee: journeyStarter.key, candidateRoles: [...allowed] };
  }
  return { assignee: null, candidateRoles: [...allowed] };
}

/** The pool a task returns to when unclaimed. */
export function poolFor(index: DesignIndex, service: string): string[] {
  const routeTo = index.services.get(service)?.routeTo ?? null;
  return routeTo ? [routeTo] : [...rolesAllowing(index, service)];
}
