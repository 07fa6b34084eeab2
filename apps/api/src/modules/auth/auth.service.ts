import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BAD_CREDENTIALS, unauthorized } from './auth.errors';
import type { ChangeMyPasswordBody, LoginBody, LoginResponse } from './dtos/login.dto';
import { LoginThrottle } from './login-throttle.service';
import { OperatorDirectory } from './operator-directory.service';
import { PasswordHasher } from './password-hasher.service';
import { PasswordPolicy } from './password-policy.service';
import { SessionsService } from './sessions.service';
import { ProblemException } from '../../infra/problem/problem.exception';
import type { AuthenticatedOperator } from './types/authenticated-operator.type';

/** Password login, logout and changing one's own password. */
@Injectable()
export class AuthService {
  constructor(
    private readonly db: DataSource,
    private readonly directory: OperatorDirectory,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly sessions: SessionsService,
    private readonly policy: PasswordPolicy,
  ) {}

  /**
   * Checks `username`/`password` (argon2) and issues an access + refresh token pair. Throttled per username and
   * per client address ({@link LoginThrottle}) before the hash is checked.
   * @param address the client's address (Express `req.ip`).
   * @throws ProblemException 429 when throttled; 401 with the same message for an unknown user, a user without
   *   password, a locked user and a wrong password.
   */
  async login(body: LoginBody, address: string): Promise<LoginResponse> {
    await this.throttle.take(body.username, address);
    const found = await this.directory.credentials(body.username);
    const ok = found?.passwordHash
      ? await this.hasher.verify(found.passwordHash, body.password)
      : await this.hasher.verifyNothing(body.password);
    if (!found || !ok || found.locked) throw unauthorized(BAD_CREDENTIALS);
    await this.throttle.succeeded(body.username, address);
    return this.sessions.issue(found);
  }

  /** Revokes every token of `operator` (all devices) and disconnects their sockets. */
  async logout(operator: AuthenticatedOperator): Promise<void> {
    await this.sessions.revokeAll([operator.key]);
  }

  /**
   * Changes the operator's own password after checking the current one; every other session is revoked and a new
   * token pair is returned for this one.
   * @throws ProblemException 422 naming `currentPassword` (wrong) or `newPassword` (too weak, with the reason).
   */
  async changeMyPassword(
    operator: AuthenticatedOperator,
    body: ChangeMyPasswordBody,
    address: string,
  ): Promise<LoginResponse> {
    if (!operator.username) throw ProblemException.forbidden('this operator cannot log in with a password');
    await this.throttle.take(operator.username, address);
    const found = await this.directory.credentials(operator.username);
    if (!found?.passwordHash || !(await this.hasher.verify(found.passwordHash, body.currentPassword))) {
      throw ProblemException.unprocessable('the current password is wrong', [
        { field: 'currentPassword', message: 'is wrong' },
      ]);
    }
    await this.throttle.succeeded(operator.username, address);
    this.policy.enforce(body.newPassword, 'newPassword', [operator.username, operator.label, operator.key]);
    const hash = await this.hasher.hash(body.newPassword);
    const pair = await this.db.transaction(async (em) => {
      await em.query('UPDATE operators SET password_hash = $2, updated_at = now() WHERE key = $1', [
        operator.key,
        hash,
      ]);
      const versions = await this.sessions.revokeAll([operator.key], em);
      return this.sessions.issue({ ...found, passwordHash: hash, tokenVersion: versions.get(operator.key)! }, em);
    });
    this.sessions.notify([operator.key]);
    return pair;
  }
}
