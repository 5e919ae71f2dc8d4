// Finding 2 (medium): the Git token must never be printed, logged or stored in .git/config. The
// attack: read the error of a failed first clone, the server's log, and the clone's Git config.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitStore } from '@mimsy/core';
import { makeRemote, makeTempRepo } from '@mimsy/core/testing';
import { loadSettings } from '../src/settings.js';
import { createToken, hashPassword } from '../src/users.js';
import { serveGitOverHttp } from './git-http.js';

const TOKEN = 'ghp_NeverPrintThis0123456789';
const saved = { ...process.env };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const k of ['MIMSY_GIT_TOKEN', 'MIMSY_GIT_USERNAME', 'MIMSY_GIT_TOKEN_FILE'])
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
});

/** The example blog on a Git HTTP server that wants `token`, and an empty folder to clone into. */
async function remoteWantingToken(token: string) {
  const seed = makeTempRepo({ example: true });
  const remote = makeRemote(seed);
  const http = await serveGitOverHttp(remote.bare, token);
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-secret-'));
  cleanups.push(
    () => seed.cleanup(),
    () => remote.cleanup(),
    () => http.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return { remote, http, dir };
}

async function setting(repoUrl: string, dir: string) {
  const { token, stored } = createToken();
  writeFileSync(
    path.join(dir, 'users.json'),
    JSON.stringify({
      users: [
        {
          name: 'eddie',
          email: 'e@example.com',
          role: 'editor',
          passwordHash: await hashPassword('pw pw pw pw'),
          tokens: [stored],
        },
      ],
    }),
  );
  return {
    token,
    // Built from the environment a user would set, with the server's own defaults for the rest.
    settings: loadSettings({
      MIMSY_REPO_DIR: path.join(dir, 'work'),
      MIMSY_REPO_URL: repoUrl,
      MIMSY_BRANCH: 'main',
      MIMSY_PORT: '0',
      MIMSY_USERS_FILE: path.join(dir, 'users.json'),
      MIMSY_SESSION_SECRET: 'x'.repeat(40),
      MIMSY_PUSH: 'auto',
      MIMSY_LOG_LEVEL: 'silent',
      MIMSY_WATCH: 'false',
    }),
  };
}

describe('the Git token', () => {
  it('clones and pushes over HTTPS-style auth with a token in MIMSY_REPO_URL, which never reaches .git/config', async () => {
    const { startServer } = await import('../src/server.js');
    const { remote, http, dir } = await remoteWantingToken(TOKEN);
    const withToken = http.url.replace('http://', `http://x-access-token:${TOKEN}@`);
    const { token, settings } = await setting(withToken, dir);
    const server = await startServer(settings);
    cleanups.push(() => server.close());
    const config = readFileSync(path.join(dir, 'work', '.git', 'config'), 'utf8');
    expect(config).not.toContain(TOKEN);
    expect(config).toContain(http.url);
    // A save is pushed through the credential helper, with the token from the environment.
    const entry = (await (
      await fetch(`${server.url}/api/collections/posts/entries/hello-world`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { data: Record<string, unknown>; body: string; version: string };
    const saved = await fetch(`${server.url}/api/collections/posts/entries/hello-world`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'if-match': `"${entry.version}"`,
      },
      body: JSON.stringify({ data: { ...entry.data, title: 'Pushed with a helper' }, body: entry.body }),
    });
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as { commit: { sync: string } }).commit.sync).toBe('pushed');
    expect(
      execFileSync('git', ['log', '-1', '--format=%s', 'main'], {
        cwd: remote.bare,
        encoding: 'utf8',
      }).trim(),
    ).toBe('update posts/hello-world (title)');
  });

  it('is not in the error of a failed first clone, nor in its cause', async () => {
    const { startServer } = await import('../src/server.js');
    const { http, dir } = await remoteWantingToken('the-right-token');
    const { settings } = await setting(
      http.url.replace('http://', `http://bot:${TOKEN}@`) + '?access_token=' + TOKEN,
      dir,
    );
    const error = await startServer(settings).then(
      () => null,
      (e: unknown) => e as Error & { cause?: unknown },
    );
    expect(error).not.toBeNull();
    expect(http.refused).toBeGreaterThan(0);
    const everything = JSON.stringify({
      message: error!.message,
      stack: error!.stack,
      cause: String(error!.cause),
      causeStack: (error!.cause as Error | undefined)?.stack,
      args: (error!.cause as { args?: string[] } | undefined)?.args,
    });
    expect(everything).not.toContain(TOKEN);
    expect(error!.message).toMatch(
      /Cloning http:\/\/127\.0\.0\.1:\d+\/remote\.git\?access_token=\*\*\* failed/,
    );
    // The clone itself, called with the token in the URL (as the CLI may), redacts it too.
    const direct = await GitStore.clone(
      http.url.replace('http://', `http://bot:${TOKEN}@`),
      path.join(dir, 'direct'),
      'main',
    ).then(
      () => null,
      (e: unknown) => e as Error & { cause?: Error & { args?: string[] } },
    );
    expect(direct).not.toBeNull();
    expect(
      JSON.stringify([direct!.message, direct!.stack, direct!.cause?.message, direct!.cause?.args]),
    ).not.toContain(TOKEN);
    expect(direct!.message).toMatch(/Cloning http:\/\/\*\*\*@127\.0\.0\.1/);
  });
});
