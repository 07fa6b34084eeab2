import type { ProcessChange } from '@opkernel/kernel';

/**
 * socket.io rooms a process change must reach: the process room, the entity room, the admin `monitor`
 * room, and — for both the audience before and after the change — the assignee's `operator:<key>` room or,
 * when unassigned, every candidate `role:<key>` room. Sending to the old audience lets a claimed task leave
 * the other pool members' lists and a transferred task leave the previous owner's list.
 */
export function roomsForProcessChange(c: ProcessChange): string[] {
  const rooms = new Set<string>([`process:${c.pid}`, 'monitor']);
  if (c.entity) rooms.add(`entity:${c.entity.type}:${c.entity.id}`);
  const audience = (assignee: string | null, roles: string[]) => {
    if (assignee) rooms.add(`operator:${assignee}`);
    else for (const r of roles) rooms.add(`role:${r}`);
  };
  audience(c.assignee, c.candidateRoles);
  if (c.fromState !== null) audience(c.previousAssignee, c.previousCandidateRoles);
  return [...rooms];
}
