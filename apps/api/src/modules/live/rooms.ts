import type { LiveTaskChange } from './live-events.type';

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

export const MONITOR_ROOM = 'monitor';

export const operatorRoom = (key: string): string => `operator:${key}`;
export const roleRoom = (key: string): string => `role:${key}`;
export const entityRoom = (type: string, id: string): string => `entity:${type}:${id}`;
export const processRoom = (pid: number): string => `process:${pid}`;

/** Parses a room name; null when it is not one of {@link LiveRoom}. */
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
 * Rooms that must hear about a task change: the assignee (`operator:<assignee>`), or while unassigned every
 * candidate role (`role:<r>`); the entity (`entity:<type>:<id>`); the process (`process:<pid>`); and `monitor`.
 */
export function roomsForChange(change: LiveTaskChange): string[] {
  const rooms: string[] = [];
  if (change.assignee) rooms.push(operatorRoom(change.assignee));
  else rooms.push(...change.candidateRoles.map(roleRoom));
  if (change.entity) rooms.push(entityRoom(change.entity.type, change.entity.id));
  rooms.push(processRoom(change.pid), MONITOR_ROOM);
  return [...new Set(rooms)];
}
