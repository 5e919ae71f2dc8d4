import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@mimsy/core/testing';
import { login, makeApp, makeUsers, PASSWORD, type TestApp } from './test/helpers.js';
import { hashPassword } from './users.js';

let t: TestApp;
afterEach(() => t?.close());

describe('sign in', () => {
  it('sets an HttpOnly, SameSite=Strict, signed session cookie and returns a CSRF token', async () => {
    t = await makeApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name: 'eddie', password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user: { name: 'eddie', role: 'editor', email: 'editor@example.com' },
      csrfToken: expect.any(String),
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^mimsy_session=[^;]+\.[^;]+;/); // value.signature
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure behind a TLS-terminating proxy', async () => {
    t = await makeApp({ trustProxy: true });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { name: 'eddie', password: PASSWORD },
    });
    expect(String(res.headers['set-cookie'])).toMatch(/Secure/);
  });

  it('accepts the email as the name, and refuses wrong passwords and unknown users alike', async () => {
    t = await makeApp();
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { name: 'EDITOR@example.com', password: PASSWORD },
        })
      ).statusCode,
    ).toBe(200);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name: 'eddie', password: 'nope' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name: 'mallory', password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json()).toEqual({
      error: { code: 'MIMSY_ERR_UNAUTHORIZED', message: 'The name or password is wrong.' },
    });
  });

  it('rate-limits login attempts', async () => {
    t = await makeApp({ loginRateLimit: { max: 3, timeWindowMs: 60_000 } });
    const codes = [];
    for (let i = 0; i < 5; i++)
      codes.push(
        (
          await t.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            payload: { name: 'eddie', password: 'wrong' },
          })
        ).statusCode,
      );
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    const limited = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { name: 'eddie', password: PASSWORD },
    });
    expect(limited.json()).toMatchObject({ error: { code: 'MIMSY_ERR_RATE_LIMITED' } });
    expect(limited.headers['retry-after']).toBeDefined();
  });
});

describe('sessions and CSRF', () => {
  it('needs X-CSRF-Token for cookie writes, not for reads, and not for bearer tokens', async () => {
    t = await makeApp();
    const { cookie, csrf } = await login(t.app, 'eddie');
    const site = await t.app.inject({ url: '/api/singletons/site', headers: { cookie } });
    expect(site.statusCode).toBe(200);
    const put = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/singletons/site',
        headers: { 'if-match': site.headers.etag as string, ...headers },
        payload: { data: { ...site.json<{ data: object }>().data, title: 'New title' } },
      });
    const without = await put({ cookie });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ error: { code: 'MIMSY_ERR_CSRF' } });
    expect((await put({ cookie, 'x-csrf-token': 'forged' })).statusCode).toBe(403);
    expect((await put({ cookie, 'x-csrf-token': csrf })).statusCode).toBe(200);
    expect(t.repo.git('log', '-1', '--format=%an <%ae>').trim()).toBe('eddie <editor@example.com>');
  });

  it('/api/auth/me returns the user and a CSRF token; logout clears the cookie', async () => {
    t = await makeApp();
    const { cookie, csrf } = await login(t.app, 'vera');
    const me = await t.app.inject({ url: '/api/auth/me', headers: { cookie } });
    expect(me.json()).toEqual({
      user: { name: 'vera', email: 'viewer@example.com', role: 'viewer' },
      csrfToken: csrf,
    });
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/mimsy_session=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('refuses a tampered or unsigned cookie', async () => {
    t = await makeApp();
    const { cookie } = await login(t.app, 'vera');
    const [name, value] = cookie.split('=');
    const [payload, signature] = value!.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), u: 'alice' }),
    ).toString('base64url');
    expect(
      (await t.app.inject({ url: '/api/auth/me', headers: { cookie: `${name}=${forged}.${signature}` } }))
        .statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ url: '/api/auth/me', headers: { cookie: `${name}=${forged}` } })).statusCode,
    ).toBe(401);
  });

  it('ends sessions when the password changes, re-reading the users file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-users-'));
    const file = path.join(dir, 'users.json');
    const { users } = await makeUsers();
    writeFileSync(file, JSON.stringify({ users }));
    t = await makeApp({ users: file });
    const { cookie } = await login(t.app, 'vera');
    expect((await t.app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
    const changed = users.map((u) => ({ ...u }));
    changed.find((u) => u.name === 'vera')!.passwordHash = await hashPassword('a brand new password');
    writeFileSync(file, JSON.stringify({ users: changed }, null, 1));
    // The server notices a changed file by its mtime (checked at most every 500 ms): make it differ.
    const later = new Date(Date.now() + 10_000);
    utimesSync(file, later, later);
    await waitFor(
      async () => (await t.app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode === 401,
      { message: 'the old session to end' },
    );
  });

  it('rejects unknown and malformed bearer tokens', async () => {
    t = await makeApp();
    for (const token of ['nope', 'mimsy_abcdef123456_' + 'x'.repeat(32), t.tokens.admin + 'x', '']) {
      expect(
        (await t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } }))
          .statusCode,
      ).toBe(401);
    }
    expect((await t.app.inject({ url: '/api/auth/me', headers: t.as('admin') })).json()).toMatchObject({
      user: { role: 'admin' },
    });
  });
});
