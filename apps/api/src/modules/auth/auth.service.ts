import { Injectable } from '@nestjs/common';
import { BAD_CREDENTIALS, unauthorized } from './auth.errors';
import type { LoginBody, LoginResponse } from './dtos/login.dto';
import { OperatorDirectory } from './operator-directory.service';
import { PasswordHasher } from './password-hasher.service';
import { ACCESS_TOKEN_TTL_SECONDS, TokenService } from './token.service';

/** Password login. */
@Injectable()
export class AuthService {
  constructor(
    private readonly directory: OperatorDirectory,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
  ) {}

  /**
   * Checks `username`/`password` (argon2) and issues an access token.
   * @throws ProblemException 401 with the same message for an unknown user, a user without password and a
   *   wrong password.
   */
  async login(body: LoginBody): Promise<LoginResponse> {
    const found = await this.directory.findLogin(body.username);
    const ok = found?.passwordHash
      ? await this.hasher.verify(found.passwordHash, body.password)
      : await this.hasher.verifyNothing(body.password);
    if (!found || !ok) throw unauthorized(BAD_CREDENTIALS);

    const { operator } = found;
    return {
      accessToken: await this.tokens.issue(body.username),
      tokenType: 'Bearer',
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      operator: {
        key: operator.key,
        username: operator.username,
        label: operator.label,
        roles: operator.roles,
        admin: operator.admin,
      },
    };
  }
}
