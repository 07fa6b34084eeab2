/** The one thing persistence code needs from a connection or transaction: parameterised SQL. */
export type SqlRunner = { query<T = unknown>(sql: string, params?: unknown[]): Promise<T> };
