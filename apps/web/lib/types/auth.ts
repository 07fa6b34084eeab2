/** The signed-in operator (GET /api/v1/me `operator`). */
export type Operator = {
  key: string;
  username: string | null;
  label: string;
  roles: string[];
  admin: boolean;
  staff: boolean;
};

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
