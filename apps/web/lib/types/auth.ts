import type { OperatorView } from '@opkernel/contracts';

/** Sessions, API tokens and staff administration (the wire contract in libs/contracts). */
export type {
  ApiTokenScope,
  ApiTokenView,
  ChangeMyPasswordBody,
  CreateApiTokenBody,
  CreatedApiToken,
  SetRolesBody,
  StaffView,
  TokenPair,
} from '@opkernel/contracts';

/** The signed-in operator (GET /api/v1/me `operator`; the wire contract in libs/contracts). */
export type Operator = OperatorView;

/** GET /api/v1/me. */
export type MeResponse = {
  operator: Operator;
  roles: { key: string; label: string }[];
  services: string[];
};
