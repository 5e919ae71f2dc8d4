// Finding 3 (medium): the login rate limit must hold behind a trusted proxy, where the attacker
// rotates X-Forwarded-For, and against guesses at one account spread over many addresses.
import { afterEach, describe, expect, it } from 'vitest';
import { makeApp, PASSWORD, type TestApp } from '../src/test/helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function attempt(app: TestApp, name: string, password: string, headers: Record<string, string> = {}) {
  return app.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers,
    payload: { name, password },
    remoteAddress: '10.0.0.1', // the proxy
  });
}

describe('login attempts', () => {
  it('behind a trusted proxy, are limited per client even when X-Forwarded-For is rotated', async () => {
    t = await makeApp({ trustProxy: true, loginRateLimit: { max: 5, timeWindowMs: 60_000 } });
    const codes: number[] = [];
    // The client writes a fresh address each time; the proxy appends the real one (203.0.113.7).
    for (let i = 0; i < 30; i++)
      codes.push(
        (
          await attempt(t, `nobody-${i}`, 'wrong', {
            'x-forwarded-for': `198.51.100.${i}, 203.0.113.7`,
          })
        ).statusCode,
      );
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(25);
    // Another real client (another address appended by the proxy) is not locked out by that.
    expect((await attempt(t, 'vera', PASSWORD, { 'x-forwarded-for': '192.0.2.9' })).statusCode).toBe(200);
  });

  it('are limited per account, whatever address they come from', async () => {
    t = await makeApp({ trustProxy: true, loginRateLimit: { max: 5, timeWindowMs: 60_000 } });
    const codes: number[] = [];
    for (let i = 0; i < 12; i++)
      codes.push((await attempt(t, 'Eddie', 'wrong', { 'x-forwarded-for': `203.0.113.${i}` })).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5).every((c) => c === 429)).toBe(true);
    // Even the right password waits now (a guess cannot be confirmed), with a Retry-After.
    const right = await attempt(t, 'eddie', PASSWORD, { 'x-forwarded-for': '203.0.113.200' });
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    // Other accounts are unaffected.
    expect((await attempt(t, 'vera', PASSWORD, { 'x-forwarded-for': '203.0.113.201' })).statusCode).toBe(200);
  });
});
