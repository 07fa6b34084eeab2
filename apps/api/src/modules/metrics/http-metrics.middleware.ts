import { Injectable, NestMiddleware } from '@nestjs/common';
import type { Histogram } from 'prom-client';
import { MetricsService } from './metrics.service';

/** The `route` label of a request no route matched (404s, refused before routing): one series, whatever the URL. */
export const UNMATCHED_ROUTE = '<unmatched>';

/** The parts of an Express request and response the middleware reads. */
type TimedRequest = { method: string; route?: { path?: unknown } };
type TimedResponse = { statusCode: number; once(event: 'finish', listener: () => void): unknown };

/**
 * The route pattern that answered `req`, or {@link UNMATCHED_ROUTE}. Nest registers middleware as Express routes
 * too (`/api/*path`), so a request no controller took still has a `req.route`: a wildcard pattern — which no
 * controller route uses — counts as unmatched.
 */
function routeOf(req: TimedRequest): string {
  const path = req.route?.path;
  return typeof path === 'string' && !path.includes('*') ? path : UNMATCHED_ROUTE;
}

/**
 * Times every API request into `opkernel_http_request_duration_seconds{method,route,status}`, from this
 * middleware to the last byte of the answer handed to the socket (`finish`; a request whose client went away
 * first is not counted). `route` is the Express route pattern (`/api/v1/processes/:pid`), never the URL, so ids
 * make no series of their own; requests no route took (404, or refused by a middleware before routing) are
 * {@link UNMATCHED_ROUTE} (see {@link routeOf}). Guards' 401/403 answers are counted under their route.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly seconds: Histogram<'method' | 'route' | 'status'>;

  constructor(metrics: MetricsService) {
    this.seconds = metrics.histogram('http_request_duration_seconds', 'HTTP requests by route pattern, seconds', [
      'method',
      'route',
      'status',
    ]);
  }

  /** Starts the clock and observes the request when its answer is finished. */
  use(req: TimedRequest, res: TimedResponse, next: () => void): void {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      this.seconds.observe(
        { method: req.method, route: routeOf(req), status: String(res.statusCode) },
        Number(process.hrtime.bigint() - start) / 1e9,
      );
    });
    next();
  }
}
