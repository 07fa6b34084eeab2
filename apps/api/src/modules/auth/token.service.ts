import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

/** Access-token lifetime in seconds (12 h). */
export const ACCESS_TOKEN_TTL_SECONDS = 12 * 60 * 60;

type AccessTokenClaims = { sub: string; typ: 'access' };

/**
 * Issues and checks the API's access tokens: HS256 JWTs whose `sub` is the operator's username — the login
 * identity, which stays stable when a design import re-keys the operator (the bootstrap `admin` account
 * becomes erpsys's 经理 `Manager`).
 */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  /** A signed token for `username`, valid {@link ACCESS_TOKEN_TTL_SECONDS}. */
  issue(username: string): Promise<string> {
    const claims: AccessTokenClaims = { sub: username, typ: 'access' };
    return this.jwt.signAsync(claims);
  }

  /** The username of a valid token, or null (bad signature, expired, malformed, wrong type). */
  async verify(token: string): Promise<string | null> {
    try {
      const claims = await this.jwt.verifyAsync<Partial<AccessTokenClaims>>(token, { algorithms: ['HS256'] });
      return claims.typ === 'access' && typeof claims.sub === 'string' ? claims.sub : null;
    } catch {
      return null;
    }
  }

  /** The token of an `Authorization: Bearer <token>` header value, or null. */
  static fromAuthorizationHeader(header: string | string[] | undefined): string | null {
    const value = Array.isArray(header) ? header[0] : header;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
    return match ? match[1] : null;
  }
}
