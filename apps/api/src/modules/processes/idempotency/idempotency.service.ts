import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canonicalJson } from '@opkernel/kernel';
import type { AuthenticatedOperator } from '../../auth/types/authenticated-operator.type';
import { ProblemException } from '../../../infra/problem/problem.exception';
import type { SqlRunner } from '../persistence/sql-runner';
import { ProcessQueries } from '../process-queries.service';

/** Request header carrying the client's idempotency key. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Response header set on an answer that was replayed from a stored one. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
/** Longest accepted key (characters). */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;
/** How long a replay waits for the first request's answer to be stored after its command committed, ms. */
export const IDEMPOTENCY_PENDING_WAIT_MS = 3000;
/** A pending key older than this is taken as abandoned (crash between commit and storing the answer), ms. */
export const IDEMPOTENCY_ABANDONED_AFTER_MS = 60_000;

/** `response` of a key whose command is running or committed but whose answer was not stored (yet). */
type PendingResponse = { pending: true; pid?: number };

/** One request carrying an `Idempotency-Key`, as the interceptor resolved it. */
export type IdempotentRequest = {
  /** Primary key in `idempotency_keys`: `<operatorKey>:<header value>` (keys are scoped per operator). */
  storeKey: string;
  operator: string;
  /** The operator as authenticated, for reading a process under the read policy on a crash-recovery replay. */
  reader?: AuthenticatedOperator;
  /** SHA-256 (hex) of method, path and canonical JSON body. */
  requestHash: string;
  /** Process the request acts on (`/processes/{pid}/<action>`), null for `POST /processes`. */
  pid: number | null;
};

/** A stored (or reconstructed) answer to replay. */
export type StoredAnswer = { status: number; body: unknown };

/** A stored `idempotency_keys` row. */
type KeyRow = { operator: string | null; request_hash: string; response: unknown; status: number; age_ms: number };

/**
 * Thrown by the before-hook of a command when its key is already taken: another request with the same key
 * committed first (the insert waited for its row lock). The interceptor answers with that request's answer.
 */
export class IdempotencyKeyTaken extends Error {
  override readonly name = 'IdempotencyKeyTaken';
  constructor(readonly request: IdempotentRequest) {
    super(`idempotency key ${request.storeKey} is already taken`);
  }
}

/**
 * `Idempotency-Key` semantics for the process commands (like Stripe's): the first request with a key runs
 * and its answer (status and body) is stored; a repeat with the same method, path and body gets that answer
 * again without running anything; the same key with another request is refused (422).
 *
 * Safety: the key row is inserted by {@link claim} INSIDE the command's transaction (ProcessCommands'
 * `before` hook), `{"pending":true}` with status 0, so it exists exactly when the command committed. A
 * concurrent repeat blocks on that row until the first commits, then finds it taken and waits for the
 * answer. The answer is stored by {@link complete} right after commit; a crash in between leaves the row
 * pending — a replay then answers 200/201 with the process's CURRENT view (pid recorded in the transaction
 * by {@link notePid}) and an empty `cascade`. Failed requests store nothing (their transaction rolled back),
 * so they may be retried with the same key.
 */
@Injectable()
export class IdempotencyService {
  private readonly log = new Logger('Idempotency');

  constructor(
    private readonly db: DataSource,
    private readonly queries: ProcessQueries,
  ) {}

  /**
   * Validates the header value and describes the request.
   * @throws ProblemException 422 (field `Idempotency-Key`) for an empty or longer than 200 characters key.
   */
  static describe(input: {
    header: string;
    operator: string;
    method: string;
    path: string;
    body: unknown;
    pid: number | null;
    reader?: AuthenticatedOperator;
  }): IdempotentRequest {
    const { header } = input;
    if (header.length < 1 || header.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
      throw ProblemException.unprocessable(`the ${IDEMPOTENCY_HEADER} header must have 1 to 200 characters`, [
        { field: IDEMPOTENCY_HEADER, message: `must have 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters` },
      ]);
    }
    const requestHash = createHash('sha256')
      .update(`${input.method.toUpperCase()}\n${input.path}\n${canonicalJson(input.body ?? {})}`)
      .digest('hex');
    return {
      storeKey: `${input.operator}:${header}`,
      operator: input.operator,
      requestHash,
      pid: input.pid,
      reader: input.reader,
    };
  }

  /**
   * Records the key inside the command's transaction (pending, status 0). Waits for a concurrent holder of
   * the same key to commit or roll back.
   * @throws IdempotencyKeyTaken when the key already exists (the transaction must roll back).
   */
  async claim(tx: SqlRunner, request: IdempotentRequest): Promise<void> {
    const rows = await tx.query<{ key: string }[]>(
      `INSERT INTO idempotency_keys (key, operator, request_hash, response, status)
       VALUES ($1, $2, $3, '{"pending":true}', 0) ON CONFLICT (key) DO NOTHING RETURNING key`,
      [request.storeKey, request.operator, request.requestHash],
    );
    if (rows.length === 0) throw new IdempotencyKeyTaken(request);
  }

  /** Records, in the command's transaction, which process the command answered with (for crash recovery). */
  async notePid(tx: SqlRunner, request: IdempotentRequest, pid: number): Promise<void> {
    await tx.query(
      `UPDATE idempotency_keys SET response = jsonb_build_object('pending', true, 'pid', $2::bigint)
       WHERE key = $1 AND status = 0`,
      [request.storeKey, pid],
    );
  }

  /**
   * Stores the answer of a committed command. A failure is logged, not thrown: the client still gets its
   * answer, and a replay falls back to the current view.
   */
  async complete(request: IdempotentRequest, answer: StoredAnswer): Promise<void> {
    try {
      await this.db.query(`UPDATE idempotency_keys SET response = $2::jsonb, status = $3 WHERE key = $1`, [
        request.storeKey,
        JSON.stringify(answer.body ?? null),
        answer.status,
      ]);
    } catch (e) {
      this.log.warn(`could not store the answer of idempotency key ${request.storeKey}: ${String(e)}`);
    }
  }

  /**
   * The answer to replay for `request` when its key is already stored, or null when the key is unknown
   * (the request must run). Waits (up to {@link IDEMPOTENCY_PENDING_WAIT_MS}) for a committed but not yet
   * stored answer, then answers with the current view of the process.
   * @throws ProblemException 422 (field `Idempotency-Key`) when the key was used for another request.
   */
  async replay(request: IdempotentRequest, status: number): Promise<StoredAnswer | null> {
    const deadline = Date.now() + IDEMPOTENCY_PENDING_WAIT_MS;
    for (;;) {
      const row = await this.read(request.storeKey);
      if (!row) return null;
      if (row.request_hash !== request.requestHash || row.operator !== request.operator) {
        throw ProblemException.unprocessable(
          `the ${IDEMPOTENCY_HEADER} was already used for a different request (method, path or body)`,
          [{ field: IDEMPOTENCY_HEADER, message: 'already used for a different request' }],
        );
      }
      if (row.status !== 0) return { status: row.status, body: row.response };
      if (row.age_ms > IDEMPOTENCY_ABANDONED_AFTER_MS || Date.now() >= deadline) {
        return this.currentView(request, row.response as PendingResponse, status);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async read(storeKey: string): Promise<KeyRow | null> {
    const rows = await this.db.query<KeyRow[]>(
      `SELECT operator, request_hash, response, status,
              (extract(epoch FROM now() - created_at) * 1000)::float8 AS age_ms
         FROM idempotency_keys WHERE key = $1`,
      [storeKey],
    );
    return rows[0] ?? null;
  }

  /** The crash-recovery answer: the current view of the process the command answered with. */
  private async currentView(
    request: IdempotentRequest,
    pending: PendingResponse,
    status: number,
  ): Promise<StoredAnswer> {
    const pid = typeof pending.pid === 'number' ? pending.pid : request.pid;
    // Through the read policy (filtered and redacted as a GET would be), never the raw row.
    const view = pid !== null && request.reader ? await this.queries.one(pid, request.reader) : null;
    if (!view) {
      throw ProblemException.conflict(
        `the first request with this ${IDEMPOTENCY_HEADER} has not finished; retry later`,
      );
    }
    this.log.warn(`idempotency key ${request.storeKey}: answer was never stored; replaying the current view`);
    return { status, body: { ...view, cascade: [] } };
  }
}
