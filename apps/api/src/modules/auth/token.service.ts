import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

/** Access-token lifetime in seconds (15 min); a refresh token (`POST /v1/auth/refresh`) gets the next one. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;

type AccessTokenClaims = { sub: string; typ: 'access'; tv: number; exp?: number };

/** What a valid access token says. */
export type AccessTokenSubject = {
  /** The operator's username (the login identity, stable across design re-keying). */
  username: string;
  /** The operator's token version when the token was issued; a token of an older version is revoked. */
  tokenVersion: number;
  /** Expiry, epoch seconds. */
  expiresAt: number;
};

/**
 * Issues and checks the API's access tokens: HS256 JWTs whose `sub` is the operator's username — the login
 * identity, which stays stable when a design import re-keys the operator — and `tv` the operator's token version
 * (every request compares it with the stored one, so a bump revokes all tokens at once). They always expire
 * ({@link ACCESS_TOKEN_TTL_SECONDS}); a token without `exp` is refused.
 */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  /** A signed token for `username` at `tokenVersion`, valid {@link ACCESS_TOKEN_TTL_SECONDS}. */
  issue(username: string, tokenVersion: number): Promise<string> {
    const claims: AccessTokenClaims = { sub: username, typ: 'access', tv: tokenVersion };
    return this.jwt.signAsync(claims, { expiresIn: ACCESS_TOKEN_TTL_SECONDS });
  }

  /** The subject of a valid token, or null (bad signature, expired, no `exp`, malformed, wrong type). */
  async verify(token: string): Promise<AccessTokenSubject | null> {
    try {
      const claims = await this.jwt.verifyAsync<Partial<AccessTokenClaims>>(token, { algorithms: ['HS256'] });
      if (claims.typ !== 'access' || typeof claims.sub !== 'string') return null;
      if (typeof claims.tv !== 'number' || typeof claims.exp !== 'number') return null;
      return { username: claims.sub, tokenVersion: claims.tv, expiresAt: claims.exp };
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
