import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRemote, makeTempRepo, waitFor, type TempRemote } from '@mimsy/core/testing';
import { makeApp, type TestApp } from './test/helpers.js';

const SECRET = 'webhook-secret-0123456789';
let t: TestApp | undefined;
let remote: TempRemote | undefined;
afterEach(async () => {
  await t?.close();
  remote?.cleanup();
  t = undefined;
  remote = undefined;
});

const sign = (body: string, secret = SECRET): string =>
  createHmac('sha256', secret).update(body).digest('hex');

describe('POST /api/git/webhook', () => {
  it('is off without a secret', async () => {
    t = await makeApp();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/git/webhook',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(res.statusCode).toBe(404);
  });

  it('refuses unsigned and badly signed calls, and ignores pushes to other branches', async () => {
    t = await makeApp({ webhookSecret: SECRET });
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const post = (headers: Record<string, string>, payload = body) =>
      t!.app.inject({
        method: 'POST',
        url: '/api/git/webhook',
        headers: { 'content-type': 'application/json', ...headers },
        payload,
      });
    expect((await post({})).statusCode).toBe(401);
    expect(
      (await post({ 'x-hub-signature-256': `sha256=${sign(body, 'wrong secret value!!')}` })).statusCode,
    ).toBe(401);
    expect((await post({ 'x-hub-signature-256': `sha256=${sign(body)}` }, body + ' ')).statusCode).toBe(401); // the exact bytes are signed
    expect((await post({ 'x-hub-signature-256': 'sha256=zz' })).statusCode).toBe(401);
    const other = JSON.stringify({ ref: 'refs/heads/feature' });
    const ignored = await post({ 'x-gitea-signature': sign(other) }, other);
    expect(ignored.statusCode).toBe(202);
    expect(ignored.json()).toEqual({ accepted: false, reason: 'not a push to main' });
  });

  it('a signed push (GitHub or Gitea) pulls now, and the index sees the change', async () => {
    const repo = makeTempRepo({ example: true });
    remote = makeRemote(repo);
    t = await makeApp({ webhookSecret: SECRET }, repo);
    const other = remote.clone('other');
    execFileSync('git', ['rm', '-q', 'content/authors/linus.json'], { cwd: other });
    execFileSync('git', ['commit', '-qm', 'remove linus'], { cwd: other });
    execFileSync('git', ['push', '-q', 'origin', 'main'], { cwd: other });
    const body = JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'x/y' } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/git/webhook',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${sign(body)}` },
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: true });
    const app = t.app;
    await waitFor(() => app.repo.get('authors', 'linus') === null, {
      message: 'the pull the webhook starts',
    });
  });
});
