import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_FAILURES_PER_USERNAME } from '../src/modules/auth/login-throttle.service';
import { createOperator } from './utils/factories';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from './utils/test-app';

type Pair = { accessToken: string; refreshToken: string; expiresIn: number; refreshExpiresIn: number };

const claims = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

describe('sessions and accounts: expiry, refresh, revocation, throttling, password policy (real app)', () => {
  let t: TestApp;
  let admin: string;
  const sockets: Socket[] = [];

  const login = async (username: string, password: string): Promise<Pair> => {
    const response = await t.request('POST', '/v1/auth/login', { body: { username, password } });
    expect(response.status).toBe(200);
    return (await response.json()) as Pair;
  };
  const me = (token: string) => t.request('GET', '/v1/me', { token });
  const connect = (token: string): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const s = io(`${t.url}/live`, {
        auth: { token },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(s);
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  const disconnected = (s: Socket) =>
    new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await login('admin', TEST_ADMIN_PASSWORD)).accessToken;
    for (const key of ['wu', 'zhou', 'zheng', 'feng', 'chu', 'wei']) {
      await createOperator(t.app, { key, password: `${key}-long-password-7`, roles: ['hu_shi'], staff: true });
    }
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  it('access tokens always expire (15 minutes) and carry the token version', async () => {
    const pair = await login('wu', 'wu-long-password-7');
    const c = claims(pair.accessToken);
    expect(typeof c.exp).toBe('number');
    expect((c.exp as number) - (c.iat as number)).toBe(15 * 60);
    expect(pair.expiresIn).toBe(900);
    expect(c.tv).toBe(0);
    expect(pair.refreshToken.length).toBeGreaterThan(30);
  });

  it('a token without exp, or signed with another key, is refused', async () => {
    const { JwtService } = await import('@nestjs/jwt');
    const forged = new JwtService({ secret: process.env.JWT_SECRET });
    const noExp = await forged.signAsync({ sub: 'wu', typ: 'access', tv: 0 }, { issuer: 'opkernel' });
    expect((await me(noExp)).status).toBe(401);
    const otherKey = await new JwtService({ secret: 'another-secret-0123456789abcdef' }).signAsync(
      { sub: 'wu', typ: 'access', tv: 0 },
      { issuer: 'opkernel', expiresIn: 60 },
    );
    expect((await me(otherKey)).status).toBe(401);
  });

  it('a refresh token gives the next pair once; presenting it again revokes every session', async () => {
    const first = await login('zhou', 'zhou-long-password-7');
    const refreshed = await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as Pair;
    expect((await me(second.accessToken)).status).toBe(200);
    // Replay of the used refresh token: refused, and the operator's live sessions die with it.
    const replay = await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: first.refreshToken } });
    expect(replay.status).toBe(401);
    expect((await me(second.accessToken)).status).toBe(401);
    const again = await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: second.refreshToken } });
    expect(again.status).toBe(401);
    expect((await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: 'nonsense' } })).status).toBe(401);
  });

  it('logout revokes every token of the operator at once and disconnects their sockets', async () => {
    const a = await login('zheng', 'zheng-long-password-7');
    const b = await login('zheng', 'zheng-long-password-7');
    const socket = await connect(b.accessToken);
    const gone = disconnected(socket);
    expect((await t.request('POST', '/v1/auth/logout', { token: a.accessToken })).status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    expect((await me(a.accessToken)).status).toBe(401);
    expect((await me(b.accessToken)).status).toBe(401);
    expect((await t.request('POST', '/v1/auth/refresh', { body: { refreshToken: b.refreshToken } })).status).toBe(401);
    await expect(connect(b.accessToken)).rejects.toThrow('unauthorized');
  });

  it('a password change by an admin, a role change and a lock revoke tokens and disconnect sockets', async () => {
    let password = 'feng-long-password-7';
    const changes: [() => Promise<Response>, string][] = [
      [
        () =>
          t.request('PUT', '/v1/operators/feng/password', { token: admin, body: { password: 'feng-new-password-8' } }),
        'feng-new-password-8',
      ],
      [
        () => t.request('PUT', '/v1/operators/feng/roles', { token: admin, body: { roles: [] } }),
        'feng-new-password-8',
      ],
      [() => t.request('POST', '/v1/operators/feng/lock', { token: admin }), 'feng-new-password-8'],
    ];
    for (const [change, passwordAfter] of changes) {
      await t.app.get(DataSource).query("UPDATE operators SET locked_at = NULL, roles = '{hu_shi}' WHERE key = 'feng'");
      const pair = await login('feng', password);
      const socket = await connect(pair.accessToken);
      const gone = disconnected(socket);
      const answer = await change();
      expect(answer.status).toBeLessThan(300);
      expect(await gone).toBe('io server disconnect');
      expect((await me(pair.accessToken)).status).toBe(401);
      password = passwordAfter;
    }
    // Locked: no login at all, with the same message as a wrong password.
    const locked = await t.request('POST', '/v1/auth/login', {
      body: { username: 'feng', password: 'feng-new-password-8' },
    });
    expect(locked.status).toBe(401);
    const unlocked = await t.request('POST', '/v1/operators/feng/unlock', { token: admin });
    expect(((await unlocked.json()) as { locked: boolean }).locked).toBe(false);
    await login('feng', 'feng-new-password-8');
  });

  it('operators change their own password with the current one; weak ones are refused with the reason', async () => {
    const pair = await login('chu', 'chu-long-password-7');
    const other = await login('chu', 'chu-long-password-7');
    const wrong = await t.request('PUT', '/v1/me/password', {
      token: pair.accessToken,
      body: { currentPassword: 'not-it-at-all', newPassword: 'Kangaroo-Violin-47' },
    });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('currentPassword');
    for (const weak of ['12345678', 'password123', 'chu-chu-chu-chu']) {
      const refused = await t.request('PUT', '/v1/me/password', {
        token: pair.accessToken,
        body: { currentPassword: 'chu-long-password-7', newPassword: weak },
      });
      expect(refused.status).toBe(422);
      const body = (await refused.json()) as { errors: { field: string; message: string }[] };
      expect(body.errors[0]!.field).toBe('newPassword');
      expect(body.errors[0]!.message.length).toBeGreaterThan(10);
    }
    const changed = await t.request('PUT', '/v1/me/password', {
      token: pair.accessToken,
      body: { currentPassword: 'chu-long-password-7', newPassword: 'Kangaroo-Violin-47' },
    });
    expect(changed.status).toBe(200);
    const next = (await changed.json()) as Pair;
    expect((await me(next.accessToken)).status).toBe(200);
    expect((await me(other.accessToken)).status).toBe(401); // the other session is revoked
    expect(
      (await t.request('POST', '/v1/auth/login', { body: { username: 'chu', password: 'chu-long-password-7' } }))
        .status,
    ).toBe(401);
    await login('chu', 'Kangaroo-Violin-47');
    // Admins are held to the same policy.
    const weakByAdmin = await t.request('PUT', '/v1/operators/chu/password', {
      token: admin,
      body: { password: '12345678' },
    });
    expect(weakByAdmin.status).toBe(422);
  });

  it('throttles failed logins per username with 429 + Retry-After, without starving good logins', async () => {
    // The attacker's address and a colleague's (RFC 5737 documentation addresses, sent as X-Forwarded-For only).
    const attacker = { 'x-forwarded-for': '203.0.113.5' };
    const bad = () =>
      t.request('POST', '/v1/auth/login', {
        body: { username: 'wei', password: 'wrong-password-x' },
        headers: attacker,
      });
    const answers = await Promise.all(Array.from({ length: 40 }, bad));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(LOGIN_FAILURES_PER_USERNAME);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(40 - LOGIN_FAILURES_PER_USERNAME);
    const throttled = answers.find((a) => a.status === 429)!;
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(throttled.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // Even the right password is refused while the username is throttled…
    const right = await t.request('POST', '/v1/auth/login', {
      body: { username: 'wei', password: 'wei-long-password-7' },
    });
    expect(right.status).toBe(429);
    // … but another operator signs in at once, while a new burst of bad logins (many usernames) is going on.
    const spray = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        t.request('POST', '/v1/auth/login', { body: { username: `u${i}`, password: 'x' }, headers: attacker }),
      ),
    );
    const started = Date.now();
    const good = await t.request('POST', '/v1/auth/login', {
      body: { username: 'wu', password: 'wu-long-password-7' },
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    expect(good.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    // The attacker's address is throttled as a whole once its budget is spent.
    const sprayed = (await spray).map((a) => a.status);
    expect(sprayed).toContain(429);
  });

  it('ADMIN_PASSWORD only creates the admin: a changed admin password survives a restart', async () => {
    const pair = await login('admin', TEST_ADMIN_PASSWORD);
    const changed = await t.request('PUT', '/v1/me/password', {
      token: pair.accessToken,
      body: { currentPassword: TEST_ADMIN_PASSWORD, newPassword: 'Admin-Changed-Password-9' },
    });
    expect(changed.status).toBe(200);
    // A second app on the same database with ADMIN_PASSWORD still set (a restart).
    const { createApp } = await import('../src/bootstrap/create-app');
    const again = await createApp({ databaseUrl: t.db.url, port: 0, seed: false });
    try {
      const old = await fetch(`${again.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: TEST_ADMIN_PASSWORD }),
      });
      expect(old.status).toBe(401);
      const fresh = await fetch(`${again.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'Admin-Changed-Password-9' }),
      });
      expect(fresh.status).toBe(200);
    } finally {
      await again.close();
    }
  });
});
