/**
 * Wire contracts shared by the API and the web app: types only (no runtime code), so the web app can import them
 * with `import type` across the project boundary.
 */
export type { LiveTaskChange } from './live';
export type { ProblemDocument, ProblemFieldError } from './problem';
export type { OperatorView } from './operator';
export type {
  ApiTokenScope,
  ApiTokenView,
  ChangeMyPasswordBody,
  CreateApiTokenBody,
  CreatedApiToken,
  SetRolesBody,
  StaffView,
  TokenPair,
} from './auth';
