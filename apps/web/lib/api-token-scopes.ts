import type { ApiTokenScope } from './types/auth';

/** Every scope an API token may carry (libs/contracts `ApiTokenScope`), in display order. */
export const API_TOKEN_SCOPES = [
  'processes:read',
  'processes:write',
  'designs:write',
] as const satisfies readonly ApiTokenScope[];

/** The i18n key of a scope's description (`processes:read` → `apiTokens.scopeInfo.processes_read`). */
export const scopeLabelKey = (scope: ApiTokenScope): string => `apiTokens.scopeInfo.${scope.replace(/[^a-z]/g, '_')}`;
