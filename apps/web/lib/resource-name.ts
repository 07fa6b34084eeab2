import type { ResourceView } from './types/scheduler';

/** A room's or machine's display name: its label, else its key. */
export const resourceName = (r: Pick<ResourceView, 'key' | 'label'>): string => r.label ?? r.key;
