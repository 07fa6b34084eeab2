import type { TaskRow } from './task-row';
import type { ProcessState } from './types/process';

/** Who is looking at a list. */
export type Viewer = { key: string; roles: string[]; admin: boolean };

/** My tasks: open tasks assigned to me. */
export const isMine =
  (v: Viewer) =>
  (r: TaskRow): boolean =>
    r.kind === 'task' && r.state !== 'TERMINATED' && r.assignee === v.key;

/** True when my roles (or being an admin) let me claim a task of these candidate roles. */
export const rolesAllow = (v: Viewer, candidateRoles: string[]): boolean =>
  v.admin || candidateRoles.some((r) => v.roles.includes(r));

/** Pool: open unassigned tasks my roles allow. */
export const inPool =
  (v: Viewer) =>
  (r: TaskRow): boolean =>
    r.kind === 'task' && r.assignee === null && r.state !== 'TERMINATED' && rolesAllow(v, r.candidateRoles);

/** Processes of one entity. */
export const ofEntity =
  (type: string, id: string) =>
  (r: TaskRow): boolean =>
    r.entity?.type === type && r.entity.id === id;

/** Every process (the monitor). */
export const everything = (): boolean => true;

/** The entity page's four groups. */
export type EntityGroup = 'scheduled' | 'running' | 'paused' | 'done';
export const ENTITY_GROUPS: readonly EntityGroup[] = ['scheduled', 'running', 'paused', 'done'];

export function entityGroupOf(state: ProcessState): EntityGroup {
  switch (state) {
    case 'NEW':
    case 'READY':
      return 'scheduled';
    case 'RUNNING':
      return 'running';
    case 'TERMINATED':
      return 'done';
    default:
      return 'paused';
  }
}
