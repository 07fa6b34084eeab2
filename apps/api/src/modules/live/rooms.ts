import type { ProcessChange } from '@opkernel/kernel';

/**
 * Room names of the live channel:
 * - `operator:<key>`: one operator (every socket joins its own);
 * - `role:<key>`: holders of a role (every socket joins its roles);
 * - `monitor`: administrators (joined on connect), gets every task change;
 * - `entity:<type>:<id>`: changes of processes serving one business entity (`id` may contain `:`);
 * - `process:<pid>`: changes of one process.
 */
export type LiveRoom =
  | { kind: 'operator'; key: string }
  | { kind: 'role'; key: string }
  | { kind: 'monitor' }
  | { kind: 'entity'; type: string; id: string }
  | { kind: 'process'; pid: number };

/** Name of the administrators' room: every task change is sent there. */
export const MONITOR_ROOM = 'monitor';

/** `operator:<key>`: the room of one operator. */
export const operatorRoom = (key: string): string => `operator:${key}`;
/** `role:<key>`: the room of every holder of a role. */
export const roleRoom = (key: string): string => `role:${key}`;
/** `entity:<type>:<id>`: changes of processes serving one business entity. */
export const entityRoom = (type: string, id: string): string => `entity:${type}:${id}`;
/** `process:<pid>`: changes of one process. */
export const processRoom = (pid: number): string => `process:${pid}`;

/**
 * Parses a room name.
 * @returns the room, or null when it is not one of {@link LiveRoom} (unknown prefix, empty key, a pid that is
 *   not a positive integer of at most 16 digits, an entity room without `<type>:<id>`).
 * @example parseRoom('entity:Operator:a:b') // { kind: 'entity', type: 'Operator', id: 'a:b' }
 */
export function parseRoom(room: string): LiveRoom | null {
  if (room === MONITOR_ROOM) return { kind: 'monitor' };
  const colon = room.indexOf(':');
  if (colon <= 0) return null;
  const prefix = room.slice(0, colon);
  const rest = room.slice(colon + 1);
  if (rest.length === 0) return null;
  switch (prefix) {
    case 'operator':
      return { kind: 'operator', key: rest };
    case 'role':
      return { kind: 'role', key: rest };
    case 'process':
      return /^[1-9]\d{0,15}$/.test(rest) ? { kind: 'process', pid: Number(rest) } : null;
    case 'entity': {
      const split = rest.indexOf(':');
      if (split <= 0 || split === rest.length - 1) return null;
      return { kind: 'entity', type: rest.slice(0, split), id: rest.slice(split + 1) };
    }
    default:
      return null;
  }
}

/**
 * socket.io rooms a process change must reach: `process:<pid>`, `monitor`, `entity:<type>:<id>` (when the
 * process serves an entity), and — for both the audience before and after the change — the assignee's
 * `operator:<key>` room or, when unassigned, every candidate `role:<key>` room. Sending to the old audience
 * lets a claimed task leave the other pool members' lists and a transferred task leave the previous owner's
 * list. The one implementation: the live outbox handler computes them for each `process.changed` message.
 *
 * @param change the kernel's change record (a created process has `fromState` null: no previous audience).
 * @returns distinct room names, process room first.
 * @example roomsForProcessChange(c) // ['process:7', 'monitor', 'entity:Operator:42', 'operator:fang']
 */
export function roomsForProcessChange(change: ProcessChange): string[] {
  const rooms = new Set<string>([processRoom(change.pid), MONITOR_ROOM]);
  if (change.entity) rooms.add(entityRoom(change.entity.type, change.entity.id));
  const audience = (assignee: string | null, roles: readonly string[]) => {
    if (assignee) rooms.add(operatorRoom(assignee));
    else for (const r of roles) rooms.add(roleRoom(r));
  };
  audience(change.assignee, change.candidateRoles);
  if (change.fromState !== null) audience(change.previousAssignee, change.previousCandidateRoles);
  return [...rooms];
}
