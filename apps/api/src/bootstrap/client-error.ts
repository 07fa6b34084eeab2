import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE } from '../infra/problem/problem.exception';

/**
 * Answers requests Node's HTTP parser rejects (malformed request line or headers, oversized headers) with an RFC
 * 9457 problem document instead of Node's bare `400 Bad Request`, so every 4xx the server produces is
 * problem+json. Pattern: Node.js docs, `http.Server` event 'clientError'.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
    const title = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    const body = JSON.stringify({ type: 'about:blank', title, status, detail: 'The HTTP request could not be parsed' });
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
