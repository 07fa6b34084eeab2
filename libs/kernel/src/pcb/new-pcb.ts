import type { Pcb } from './pcb';

/** The fields a new PCB must be given; everything else starts empty (see {@link newPcb}). */
export type NewPcbInput = Pick<Pcb, 'pid' | 'service' | 'designVersion' | 'kind'> & Partial<Pcb>;

/**
 * A PCB in state NEW at version 1: unassigned, no links, no times but `createdAt`/`updatedAt` (`now`, epoch ms),
 * with `fields` overriding any default.
 */
export function newPcb(fields: NewPcbInput, now = 0): Pcb {
  return {
    state: 'NEW',
    priority: 0,
    parentPid: null,
    previousPid: null,
    program: null,
    callerPid: null,
    join: null,
    entity: null,
    assignee: null,
    candidateRoles: [],
    creator: null,
    scheduledAt: null,
    deadline: null,
    startedAt: null,
    endedAt: null,
    waitReason: null,
    suspendReason: null,
    resumeState: null,
    terminatedReason: null,
    formData: null,
    urgency: 0,
    fairnessKey: '',
    queueTag: null,
    queuedMs: 0,
    weight: 1,
    waitUntil: null,
    skillsRelaxed: false,
    version: 1,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}
