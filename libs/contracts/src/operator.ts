/** An operator as the API shows it to the operator themself (`GET /api/v1/me` → `operator`). */
export type OperatorView = {
  key: string;
  username: string | null;
  label: string;
  /** Role keys. */
  roles: string[];
  admin: boolean;
  staff: boolean;
};
