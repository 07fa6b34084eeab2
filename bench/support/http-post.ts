import http from 'node:http';

/**
 * A JSON POSTer over keep-alive HTTP/1.1 (at most `sockets` connections; further requests queue in the agent, so
 * an open-loop driver's backlog is on the client, inside the measured latency).
 */
export function jsonPoster(sockets = 64): {
  /**
   * POSTs `body` as JSON to `url` with an optional bearer token.
   * @returns the parsed JSON answer
   * @throws Error for a non-2xx answer (status and body in the message) or a network error
   */
  post<T>(url: string, body: unknown, token?: string): Promise<T>;
  close(): void;
} {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  return {
    post: <T>(url: string, body: unknown, token?: string) =>
      new Promise<T>((resolve, reject) => {
        const text = JSON.stringify(body);
        const req = http.request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(text),
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              const answer = Buffer.concat(chunks).toString('utf8');
              if ((res.statusCode ?? 0) >= 300) reject(new Error(`POST ${url}: ${res.statusCode} ${answer}`));
              else resolve((answer ? JSON.parse(answer) : null) as T);
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(text);
      }),
    close: () => agent.destroy(),
  };
}
