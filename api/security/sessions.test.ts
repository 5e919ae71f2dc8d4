// Finding 4 (low): signing out must end the session itself, on every replica, so that a copy of
// the cookie taken before (a shared computer, a stolen cookie) stops working everywhere.
import { afterEach, describe, expect, it } from 'vitest';
import { makeRemote, makeTempRepo, waitFor, type TempRemote } from '@mimsy/core/testing';
import { login, makeApp, type TestApp } from '../src/test/helpers.js';

const apps: TestApp[] = [];
let remote: TempRemote | undefined;
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
  remote?.cleanup();
  remote = undefined;
});

async function me(app: TestApp, cookie: string): Promise<number> {
  return (await app.app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode;
}

async function logout(app: TestApp, session: { cookie: string; csrf: string }): Promise<number> {
  return (
    await app.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    })
  ).statusCode;
}

describe('signing out', () => {
  it('ends the session: the old cookie no longer works, and other sessions of the user still do', async () => {
    const t = await makeApp();
    apps.push(t);
    const kept = await login(t.app, 'vera');
    const ended = await login(t.app, 'vera');
    expect(await logout(t, ended)).toBe(204);
    expect(await me(t, ended.cookie)).toBe(401);
    expect(await me(t, kept.cookie)).toBe(200);
  });

  it('ends the session on every replica sharing the Git remote', async () => {
    const seed = makeTempRepo({ example: true });
    remote = makeRemote(seed);
    const replica = async (name: string): Promise<TestApp> => {
      const app = await makeApp({
        repoDir: remote!.clone(name),
        git: { push: 'auto' },
        sessionSyncSeconds: 0.2,
      });
      apps.push(app);
      return app;
    };
    const a = await replica('a');
    const b = await replica('b');
    seed.cleanup();
    const session = await login(a.app, 'eddie');
    expect(await me(b, session.cookie)).toBe(200); // any replica accepts the signed cookie
    expect(await logout(a, session)).toBe(204);
    expect(await me(a, session.cookie)).toBe(401);
    await waitFor(async () => (await me(b, session.cookie)) === 401, {
      message: 'replica b to take in the sign-out made on replica a',
    });
  });
});
