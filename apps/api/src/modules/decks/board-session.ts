import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { BoardSession } from '@opkernel/contracts';
import { AppConfig } from '../../infra/config/app-config';
import { PROBLEM_CONTENT_TYPE, ProblemException } from '../../infra/problem/problem.exception';
import { OperatorDirectory } from '../auth/operator-directory.service';
import type { AuthenticatedOperator } from '../auth/types/authenticated-operator.type';

/** Where Bull Board is served (outside `/api`: its own UI and API). */
export const BOARD_PATH = '/admin/queues';
/** Name of the board's session cookie. */
export const BOARD_COOKIE = 'opk_board';
/** How long a board session lasts (s); the Decks page opens a new one on every click. */
export const BOARD_SESSION_SECONDS = 30 * 60;
/** Where a browser without a board session is sent: the web app's Decks page (which signs in first). */
export const BOARD_LANDING = '/admin/decks/';

type Claims = { sub: string; tv: number; exp: number };

/** The parts of an Express request the board's guard reads. */
export type BoardRequest = {
  method: string;
  originalUrl: string;
  secure: boolean;
  headers: { cookie?: string; accept?: string };
};
/** The parts of an Express response the board's session and guard write. */
export type BoardResponse = {
  req: { secure: boolean };
  setHeader(name: string, value: string): unknown;
  status(code: number): BoardResponse;
  type(mediaType: string): BoardResponse;
  send(body: string): unknown;
  redirect(status: number, url: string): void;
};
type Next = (error?: unknown) => void;

const b64 = (s: string) => Buffer.from(s).toString('base64url');

/** The value of cookie `name` in a `Cookie` header, or null. */
export function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

/**
 * Bull Board sessions. Page loads of `/admin/queues` carry no bearer token (the web app keeps its tokens in
 * localStorage), so an admin's Decks page asks `POST /v1/decks/board-session` with its token; the answer sets a
 * cookie that only the board's path receives: HttpOnly (no script reads it), SameSite=Strict (no other site's
 * page sends it: the board's POST routes need no CSRF token), Secure on HTTPS. Its value is
 * `<claims>.<HMAC-SHA256>` signed with the API's JWT secret under its own label, so it is never taken for an access
 * token. Every board request checks it and the operator as the bearer guard does: still an admin, not locked, and
 * the same token version (a logout, password or role change revokes the board session too).
 */
@Injectable()
export class BoardSessions {
  constructor(
    private readonly config: AppConfig,
    private readonly directory: OperatorDirectory,
  ) {}

  private sign(payload: string): string {
    return createHmac('sha256', this.config.jwtSecret).update(`board-session|${payload}`).digest('base64url');
  }

  /** A signed session value for `username` at `tokenVersion`, expiring at `exp` (epoch s). */
  issue(claims: Claims): string {
    const payload = b64(JSON.stringify(claims));
    return `${payload}.${this.sign(payload)}`;
  }

  /** The claims of a valid, unexpired session value, or null. */
  verify(value: string | null, now = Date.now()): Claims | null {
    if (!value) return null;
    const [payload, mac, extra] = value.split('.');
    if (!payload || !mac || extra !== undefined) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const c = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Partial<Claims>;
      if (typeof c.sub !== 'string' || typeof c.tv !== 'number' || typeof c.exp !== 'number') return null;
      return c.exp * 1000 > now ? (c as Claims) : null;
    } catch {
      return null;
    }
  }

  /**
   * Opens a board session for the admin `op` (the route is admin-only): sets the cookie on `res`.
   * @throws ProblemException 403 for an operator without a login name (an integration)
   */
  async open(
    op: AuthenticatedOperator,
    res: Pick<BoardResponse, 'req' | 'setHeader'>,
    now = Date.now(),
  ): Promise<BoardSession> {
    const found = op.username ? await this.directory.cachedCredentials(op.username) : null;
    if (!found || !found.operator.admin) throw ProblemException.forbidden('Bull Board is for administrators');
    const exp = Math.floor(now / 1000) + BOARD_SESSION_SECONDS;
    const value = this.issue({ sub: op.username!, tv: found.tokenVersion, exp });
    const secure = res.req.secure ? '; Secure' : '';
    res.setHeader(
      'Set-Cookie',
      `${BOARD_COOKIE}=${value}; Path=${BOARD_PATH}; Max-Age=${BOARD_SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure}`,
    );
    res.setHeader('Cache-Control', 'no-store');
    return { url: `${BOARD_PATH}/`, expiresIn: BOARD_SESSION_SECONDS };
  }

  /**
   * Express middleware in front of the board: no (valid) session → a browser's page load is redirected (303) to
   * {@link BOARD_LANDING}, anything else gets 401; a session whose operator is no longer an admin, is locked, or
   * whose tokens were revoked → 403 / 401. Answers are problem+json.
   */
  guard() {
    return (req: BoardRequest, res: BoardResponse, next: Next): void => {
      void this.check(req).then(
        (status) => {
          if (status === 'ok') return next();
          if (status === 401 && req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
            res.redirect(303, BOARD_LANDING);
            return;
          }
          const problem =
            status === 401
              ? ProblemException.unauthorized('A Bull Board session is required: open it from the Decks page')
              : ProblemException.forbidden('Bull Board is for administrators');
          res
            .status(status)
            .type(PROBLEM_CONTENT_TYPE)
            .send(JSON.stringify(problem.toDocument(req.originalUrl)));
        },
        (e: unknown) => next(e),
      );
    };
  }

  private async check(req: BoardRequest): Promise<'ok' | 401 | 403> {
    const claims = this.verify(cookieValue(req.headers.cookie, BOARD_COOKIE));
    if (!claims) return 401;
    const found = await this.directory.cachedCredentials(claims.sub);
    if (!found || found.locked || found.tokenVersion !== claims.tv) return 401;
    return found.operator.admin ? 'ok' : 403;
  }
}
