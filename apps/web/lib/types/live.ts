/** Socket.io `task.changed` payload (the wire contract in libs/contracts). */
export type { LiveSlaMilestone, LiveTaskChange } from '@opkernel/contracts';

/** Connection state of the live channel. */
export type LiveState = 'idle' | 'connecting' | 'connected' | 'disconnected';
