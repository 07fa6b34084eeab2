import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PROBLEM_CONTENT_TYPE, ProblemException } from './problem.exception';
import { toProblem } from './to-problem.util';

type WsClient = { emit(event: string, payload: unknown): unknown };

/**
 * Global exception filter: every error leaves the HTTP API as `application/problem+json` (see `toProblem`).
 * Unexpected errors (500) are logged with their stack, deliberate 5xx problems as a warning; 4xx are not logged. On WebSocket handlers the client gets an
 * `exception` event `{ status, title, detail }` instead.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /**
   * Renders `exception` (classified by `toProblem`) as problem+json on HTTP or as an `exception` event on a
   * WebSocket; rethrows for other transports.
   */
  catch(exception: unknown, host: ArgumentsHost): void {
    const problem = toProblem(exception);
    if (problem.status >= 500 && exception instanceof ProblemException) {
      this.logger.warn(`${problem.status} ${problem.title}: ${problem.detail ?? ''}`);
    } else if (problem.status >= 500) {
      this.logger.error(
        exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception),
        exception instanceof Error ? exception.stack : undefined,
      );
    }

    if (host.getType() === 'ws') {
      const client = host.switchToWs().getClient<WsClient>();
      client.emit('exception', { status: problem.status, title: problem.title, detail: problem.detail });
      return;
    }
    if (host.getType() !== 'http') throw exception;

    const { httpAdapter } = this.adapterHost;
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<unknown>();
    const response = ctx.getResponse<unknown>();
    const instance = String(httpAdapter.getRequestUrl(request) ?? '').split('?')[0] || undefined;
    for (const [name, value] of Object.entries(problem.headers ?? {})) httpAdapter.setHeader(response, name, value);
    httpAdapter.setHeader(response, 'Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    // Serialised here: the adapter would reset a non-JSON Content-Type for an object body.
    httpAdapter.reply(response, JSON.stringify(problem.toDocument(instance)), problem.status);
  }
}
