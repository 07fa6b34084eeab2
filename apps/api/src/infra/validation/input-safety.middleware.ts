import { Injectable, NestMiddleware } from '@nestjs/common';
import { PROBLEM_TYPES, ProblemException } from '../problem/problem.exception';
import { assertSafeInput, unsafeText } from './input-safety';

/** The part of an Express request the middleware reads. */
type InputRequest = {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  query: unknown;
  body: unknown;
};

/** Routes (method + path under `/api`) that also read a text body: native YAML design imports. */
const TEXT_ROUTES = new Set(['POST /api/v1/designs']);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const TEXT_TYPE = /^(?:application\/(?:x-)?yaml|text\/yaml|text\/plain)\s*(?:;|$)/i;

const hasBody = (req: InputRequest) =>
  (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') ||
  req.headers['transfer-encoding'] !== undefined;

/**
 * The one global input rule, before any controller sees a request under `/api`:
 * - a request with a body must send it as JSON (`application/json` or `+json`), or as YAML/plain text where a
 *   route reads text (`POST /api/v1/designs`): anything else is 415;
 * - the path, every query parameter and every string and key of the body must be storable text — no NUL, no lone
 *   surrogate — and the body nests at most 64 levels: else 400 naming the field (`entity.label`, `state`, `path`).
 * Nothing has been read or written when it refuses. Errors are rendered as problem+json by the global filter.
 */
@Injectable()
export class InputSafetyMiddleware implements NestMiddleware {
  /** @throws ProblemException 415 / 400 as described on the class. */
  use(req: InputRequest, _res: unknown, next: (error?: unknown) => void): void {
    if (hasBody(req)) {
      const type = String(req.headers['content-type'] ?? '');
      const textAllowed = TEXT_ROUTES.has(`${req.method} ${req.path.replace(/\/+$/, '')}`);
      if (!JSON_TYPE.test(type) && !(textAllowed && TEXT_TYPE.test(type))) {
        throw new ProblemException({
          status: 415,
          type: PROBLEM_TYPES.unsupportedMedia,
          title: 'Unsupported Media Type',
          detail: `send the body as application/json${textAllowed ? ' or YAML (application/yaml, text/yaml, text/plain)' : ''}`,
          errors: [{ field: 'Content-Type', message: type ? `"${type}" is not accepted here` : 'is missing' }],
        });
      }
    }
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      throw ProblemException.badRequest('the path is not valid percent-encoded UTF-8');
    }
    const reason = unsafeText(path);
    if (reason) {
      throw new ProblemException({
        status: 400,
        type: PROBLEM_TYPES.validation,
        title: 'Bad Request',
        detail: `the path ${reason}`,
        errors: [{ field: 'path', message: reason }],
      });
    }
    assertSafeInput(req.query, 'query');
    if (req.body !== undefined) assertSafeInput(req.body, 'body');
    next();
  }
}
