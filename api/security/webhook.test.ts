// Finding 8 (low): a captured, correctly signed webhook delivery must not be replayable, and an
// old one must not be accepted late. Git hosts sign only the body, so headers are the attacker's.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from '../src/test/helpers.js';

const SECRET = 'webhook-secret-0123456789';
let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ webhookSecret: SECRET });
});
afterAll(() => t.close());

function deliver(body: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/git/webhook',
    headers: {
      'content-type': 'application/json',
      'x-github-delivery': randomUUID(), // the attacker picks a fresh id each time
      'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    },
    payload: body,
  });
}

describe('webhook deliveries', () => {
  it('a replay of a signed delivery is refused, even with a new delivery id', async () => {
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      after: 'a'.repeat(40),
      repository: { pushed_at: Math.floor(Date.now() / 1000) },
    });
    expect((await deliver(body)).statusCode).toBe(202);
    const replay = await deliver(body);
    expect(replay.statusCode).toBe(409);
    expect(replay.json<{ error: { code: string } }>().error.code).toBe('MIMSY_ERR_CONFLICT');
    // Another real push (another body) still goes through.
    const next = JSON.stringify({
      ref: 'refs/heads/main',
      after: 'b'.repeat(40),
      repository: { pushed_at: Math.floor(Date.now() / 1000) },
    });
    expect((await deliver(next)).statusCode).toBe(202);
  });

  it('a delivery for a push older than the window is refused as stale', async () => {
    const body = JSON.stringify({
      ref: 'refs/heads/main',
      after: 'c'.repeat(40),
      repository: { pushed_at: Math.floor(Date.now() / 1000) - 3600 },
    });
    const res = await deliver(body);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/stale/);
  });
});
