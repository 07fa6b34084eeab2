/** An RFC 9457 problem answered by the API. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: { title?: string; detail?: string; errors?: { field: string; message: string }[] } & Record<
      string,
      unknown
    >,
  ) {
    super(`${status} ${problem.title ?? ''}${problem.detail ? `: ${problem.detail}` : ''}`);
  }
}

/** A minimal JSON client for the opkernel REST API (fetch), logged in as one operator. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private token: string | null = null,
  ) {}

  /** The bearer token (for socket.io `/live`), or null when anonymous. */
  get accessToken(): string | null {
    return this.token;
  }

  /**
   * Sends `method` `/api<path>` with an optional JSON body and the bearer token.
   * @returns the parsed JSON answer (null for an empty body).
   * @throws ApiProblem for a non-2xx answer, with its status and problem document.
   */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new ApiProblem(res.status, data ?? {});
    return data as T;
  }

  /** `GET /api<path>`. @throws ApiProblem for a non-2xx answer. */
  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  /** `POST /api<path>` with a JSON body (`{}` by default). @throws ApiProblem for a non-2xx answer. */
  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  /** `PUT /api<path>` with a JSON body. @throws ApiProblem for a non-2xx answer. */
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  /** Logs in and returns a client carrying the access token. */
  static async login(baseUrl: string, username: string, password: string): Promise<ApiClient> {
    const anon = new ApiClient(baseUrl);
    const { accessToken } = await anon.post<{ accessToken: string }>('/v1/auth/login', { username, password });
    return new ApiClient(baseUrl, accessToken);
  }
}
