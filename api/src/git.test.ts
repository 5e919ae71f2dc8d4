import { execFileSync } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { makeRemote, makeTempRepo, type TempRemote } from '@mimsy/core/testing';
import { makeApp, type TestApp } from './test/helpers.js';

let t: TestApp;
let remote: TempRemote;
afterEach(async () => {
  await t?.close();
  remote?.cleanup();
});

it('reports status, pushes commits (push=auto), and pulls what others pushed on sync', async () => {
  const repo = makeTempRepo({ example: true });
  remote = makeRemote(repo);
  const bare = remote.bare;
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
  const other = remote.clone('other');
  execFileSync('git', ['rm', '-q', 'content/authors/linus.json'], { cwd: other });
  execFileSync('git', ['commit', '-qm', 'remove linus'], { cwd: other });
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
