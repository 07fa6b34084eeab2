import { CallHandler, createParamDecorator, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, from, mergeMap, type Observable, of, switchMap, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../../auth/types/authenticated-operator.type';
import {
  IDEMPOTENCY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotencyKeyTaken,
  IdempotencyService,
  type IdempotentRequest,
  type StoredAnswer,
} from './idempotency.service';

type HttpRequest = AuthenticatedRequest & {
  method: string;
  originalUrl: string;
  body?: unknown;
  params?: Record<string, string>;
  idempotency?: IdempotentRequest;
};
type HttpResponse = {
  statusCode: number;
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
};

/**
 * `Idempotency-Key` on POST routes (see {@link IdempotencyService}): validates the header, replays a stored
 * answer without calling the handler, otherwise lets the handler run — it passes {@link Idempotent} to the
 * command's `before` hook — and stores the answer after it committed. When the handler's hook finds the key
 * taken by a concurrent request, the answer of that request is replayed instead. Requests without the header
 * (and non-POST requests) pass through untouched.
 * @throws ProblemException 422 (field `Idempotency-Key`) for a malformed key or a key reused for another request.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyService) {}

  /** Replays, or runs the handler and stores its answer (see the class comment). */
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<HttpRequest>();
    const res = http.getResponse<HttpResponse>();
    const raw = req.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    if (req.method !== 'POST' || raw === undefined || !req.operator) return next.handle();
    const pid = req.params?.pid !== undefined && /^\d+$/.test(req.params.pid) ? Number(req.params.pid) : null;
    const request = IdempotencyService.describe({
      header: Array.isArray(raw) ? raw.join(', ') : raw,
      operator: req.operator.key,
      method: req.method,
      path: req.originalUrl.split('?')[0]!,
      body: req.body,
      pid: pid !== null && Number.isSafeInteger(pid) ? pid : null,
      reader: req.operator,
    });
    req.idempotency = request;
    // Nest has already set the route's status (201, or @HttpCode) before interceptors run.
    const status = res.statusCode;
    const answer = (stored: StoredAnswer) => {
      res.status(stored.status);
      res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
      return stored.body;
    };
    const replayTaken = (error: unknown): Observable<unknown> => {
      if (!(error instanceof IdempotencyKeyTaken)) return throwError(() => error);
      return from(this.keys.replay(request, status)).pipe(
        mergeMap((stored) =>
          stored ? of(answer(stored)) : throwError(() => new Error('idempotency key vanished during replay')),
        ),
      );
    };
    return from(this.keys.replay(request, status)).pipe(
      switchMap((stored) => {
        if (stored) return of(answer(stored));
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.keys.complete(request, { status: res.statusCode, body });
            return body;
          }),
          catchError(replayTaken),
        );
      }),
    );
  }
}

/**
 * Injects the request's {@link IdempotentRequest} (set by {@link IdempotencyInterceptor}), or null when the
 * request carries no `Idempotency-Key`.
 */
export const Idempotent = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): IdempotentRequest | null =>
    ctx.switchToHttp().getRequest<HttpRequest>().idempotency ?? null,
);
