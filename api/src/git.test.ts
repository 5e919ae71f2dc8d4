import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { makeTempRepo } from '@mimsy/core/testing';
import { makeApp, type TestApp } from './test/helpers.js';

let t: TestApp;
let remoteRoot: string;
afterEach(async () => {
  await t?.close();
  rmSync(remoteRoot, { recursive: true, force: true });
});

it('reports status, pushes commits (push=auto), and pulls what others pushed on sync', async () => {
  remoteRoot = mkdtempSync(path.join(tmpdir(), 'mimsy-api-remote-'));
  const bare = path.join(remoteRoot, 'content.git');
  const repo = makeTempRepo({ example: true });
  execFileSync('git', ['clone', '--quiet', '--bare', repo.dir, bare]);
  repo.git('remote', 'add', 'origin', bare);
  repo.git('fetch', '--quiet', 'origin');
  t = await makeApp({ git: { push: 'auto' } }, repo);

  const status = (await t.app.inject({ url: '/api/git/status', headers: t.as('viewer') })).json();
  expect(status).toMatchObject({
    branch: 'main',
    remote: 'origin',
    ahead: 0,
    behind: 0,
    pendingPush: false,
    push: 'auto',
  });

  const created = await t.app.inject({
    method: 'POST',
    url: '/api/collections/authors/entries',
    headers: t.as('editor'),
    payload: { data: { name: 'New Author' } },
  });
  expect(created.statusCode).toBe(201);
  await t.app.repo.settled();
  expect(
    execFileSync('git', ['--git-dir', bare, 'log', '-1', '--format=%an|%s'], { encoding: 'utf8' }).trim(),
  ).toBe('eddie|create authors/new-author');

  // Someone else pushes; a sync pulls it in and the index sees it.
  const other = path.join(remoteRoot, 'other');
  execFileSync('git', ['clone', '--quiet', bare, other]);
  execFileSync(
    'git',
    ['-c', 'user.name=Other', '-c', 'user.email=o@example.com', 'rm', '-q', 'content/authors/linus.json'],
    { cwd: other },
  );
  execFileSync(
    'git',
    ['-c', 'user.name=Other', '-c', 'user.email=o@example.com', 'commit', '-qm', 'remove linus'],
    { cwd: other },
  );
  execFileSync('git', ['push', '-q', 'origin', 'main'], { cwd: other });
  const sync = await t.app.inject({ method: 'POST', url: '/api/git/sync', headers: t.as('editor') });
  expect(sync.statusCode).toBe(200);
  expect(sync.json()).toMatchObject({
    changed: ['content/authors/linus.json'],
    status: { ahead: 0, behind: 0 },
  });
  expect(
    (await t.app.inject({ url: '/api/collections/authors/entries/linus', headers: t.as('viewer') }))
      .statusCode,
  ).toBe(404);
  expect(
    (await t.app.inject({ method: 'POST', url: '/api/git/sync', headers: t.as('viewer') })).statusCode,
  ).toBe(403);
});
