import type { EntityRef } from './types/process';

/** Links of the app (static export: ids travel in query strings; trailing slashes). */
export const routes = {
  login: '/login/',
  mine: '/',
  pool: '/pool/',
  customers: '/customers/',
  monitor: '/monitor/',
  accountPassword: '/account/password/',
  staff: '/admin/staff/',
  apiTokens: '/admin/api-tokens/',
  resources: '/resources/',
  calendars: '/admin/calendars/',
  decks: '/admin/decks/',
  /** Bull Board (served by the API; needs a board session: `POST /api/v1/decks/board-session`). */
  bullBoard: '/admin/queues/',
  task: (pid: number) => `/task/?pid=${pid}`,
  process: (pid: number) => `/process/?pid=${pid}`,
  entity: (e: Pick<EntityRef, 'type' | 'id'>) =>
    `/entity/?type=${encodeURIComponent(e.type)}&id=${encodeURIComponent(e.id)}`,
  newEntity: (type: string) => `/entity/?type=${encodeURIComponent(type)}&new=1`,
};

/** Entity type of the clinic's customers (customers are operators in erpsys). */
export const CUSTOMER_ENTITY_TYPE = 'Operator';
