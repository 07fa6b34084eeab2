import type { OperatorView } from '@opkernel/contracts';

/** The signed-in operator (GET /api/v1/me `operator`; the wire contract in libs/contracts). */
export type Operator = OperatorView;

/** GET /api/v1/me. */
export type MeResponse = {
  operator: Operator;
  roles: { key: string; label: string }[];
  services: string[];
};

/** POST /api/v1/auth/login. */
export type LoginResponse = {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  operator: Omit<Operator, 'staff'>;
};
