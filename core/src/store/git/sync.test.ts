import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRemote, makeTempRepo, SMALL_REPO, type TempRepo } from '../../testing/fixtures.js';
import type { MimsyError } from '../../errors.js';
import { Repository } from '../../repository.js';
import type { EntryEvent } from '../../types.js';
import { GitStore } from './index.js';

const ada = { author: { name: 'Ada', email: 'ada@example.com' } };
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A bare remote seeded from a fixture repository; clones of it on demand. */
function remoteAndClone(): { seed: TempRepo; bare: string; clone: (name: string) => string } {
  const seed = makeTempRepo({ files: SMALL_REPO });
  const remote = makeRemote(seed);
  cleanups.push(
    () => remote.cleanup(),
    () => seed.cleanup(),
  );
  return { seed, bare: remote.bare, clone: remote.clone };
}

describe('sync with a Git remote', () => {
  it('pushes each commit before answering when push is auto, and pulls what others pushed', async () => {
    const { clone, bare } = remoteAndClone();
    const a = await Repository.open(clone('a'), { git: { push: 'auto' } });
    const b = await Repository.open(clone('b'), { git: { push: 'auto' } });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );

    const { commit } = await a.create('posts', { data: { title: 'From A', author: 'ada' }, body: 'a' }, ada);
    await a.settled();
    expect(
      execFileSync('git', ['--git-dir', bare, 'log', '-1', '--format=%H'], { encoding: 'utf8' }).trim(),
    ).not.toBe('');
    expect((await a.status()).pendingPush).toBe(false);

    const events: EntryEvent[] = [];
    b.on((e) => events.push(e));
    const pulled = await b.sync();
    expect(pulled.changed).toEqual(['content/posts/from-a.md']);
    expect(b.get('posts', 'from-a')!.data.title).toBe('From A');
    expect(events).toEqual([expect.objectContaining({ type: 'created', slug: 'from-a', source: 'remote' })]);
    expect(execFileSync('git', ['--git-dir', bare, 'cat-file', '-e', commit.sha]).toString()).toBe('');
  });

  it('rebases local commits onto the remote when both sides changed different entries', async () => {
    const { clone, bare } = remoteAndClone();
    const a = await Repository.open(clone('a'), { git: { push: 'off' } });
    const b = await Repository.open(clone('b'), { git: { push: 'off' } });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    await a.create('posts', { data: { title: 'One', author: 'ada' } }, ada);
    await b.create('posts', { data: { title: 'Two', author: 'ada' } }, ada);
    await a.sync({ push: true });
    const result = await b.sync({ push: true });
    expect(result.pushed).toBe(true);
    expect(result.changed).toEqual(['content/posts/one.md']);
    const log = execFileSync('git', ['--git-dir', bare, 'log', '--format=%s'], { encoding: 'utf8' });
    expect(log.split('\n').slice(0, 2)).toEqual(['create posts/two', 'create posts/one']);
    expect((await b.status()).ahead).toBe(0);
  });

  it('aborts a conflicting pull cleanly: local commits kept, a clear error names the file', async () => {
    const { clone } = remoteAndClone();
    const a = await Repository.open(clone('a'), { git: { push: 'off' } });
    const bDir = clone('b');
    const b = await Repository.open(bDir, { git: { push: 'off' } });
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const first = a.get('posts', 'first')!;
    await a.update(
      'posts',
      'first',
      { data: { ...first.data, title: 'A says' }, body: first.body! },
      { ...ada, ifMatch: first.version },
    );
    await a.sync({ push: true });
    const firstB = b.get('posts', 'first')!;
    const local = await b.update(
      'posts',
      'first',
      { data: { ...firstB.data, title: 'B says' }, body: firstB.body! },
      { ...ada, ifMatch: firstB.version },
    );
    const error = (await b.sync({ push: true }).catch((e: unknown) => e)) as MimsyError;
    expect(error.code).toBe('MIMSY_ERR_SYNC_CONFLICT');
    expect(error.message).toMatch(/content\/posts\/first\.md/);
    expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: bDir, encoding: 'utf8' }).trim()).toBe(
      local.commit.sha,
    );
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: bDir, encoding: 'utf8' })).toBe('');
    expect((await b.status()).lastSync).toMatchObject({ ok: false });
  });

  it('puts uncommitted edits back after a pull, or — when they conflict — undoes the pull entirely', async () => {
    const { clone } = remoteAndClone();
    const theirs = clone('theirs');
    const mine = clone('mine');
    const git = (cwd: string, ...args: string[]): string =>
      execFileSync('git', args, { cwd, encoding: 'utf8' });
    const file = 'content/posts/first.md';
    const edit = (cwd: string, from: string, to: string): void =>
      writeFileSync(path.join(cwd, file), readFileSync(path.join(cwd, file), 'utf8').replace(from, to));
    git(theirs, 'config', 'user.name', 'T');
    git(theirs, 'config', 'user.email', 't@example.com');
    edit(theirs, 'title: First', 'title: Theirs');
    git(theirs, 'commit', '-qam', 'theirs');
    git(theirs, 'push', '-q', 'origin', 'main');

    // An uncommitted edit of the same line: putting it back would conflict.
    edit(mine, 'title: First', 'title: Mine');
    writeFileSync(path.join(mine, 'notes.txt'), 'untracked\n');
    const before = {
      head: git(mine, 'rev-parse', 'HEAD'),
      status: git(mine, 'status', '--porcelain'),
      file: readFileSync(path.join(mine, file), 'utf8'),
    };
    const store = await GitStore.open(mine);
    cleanups.push(() => store.close());
    const error = (await store.remote
      .sync('origin', 'main', { push: true })
      .catch((e: unknown) => e)) as MimsyError;
    expect(error.code, error.message).toBe('MIMSY_ERR_SYNC_CONFLICT');
    expect(error.details).toMatchObject({ files: [file], uncommitted: true });
    expect(git(mine, 'rev-parse', 'HEAD')).toBe(before.head);
    expect(git(mine, 'status', '--porcelain')).toBe(before.status);
    expect(readFileSync(path.join(mine, file), 'utf8')).toBe(before.file);
    expect(readFileSync(path.join(mine, 'notes.txt'), 'utf8')).toBe('untracked\n');
    expect(git(mine, 'stash', 'list')).toBe('');

    // An uncommitted edit elsewhere in the file is kept across the pull.
    git(mine, 'checkout', '-q', '--', file);
    edit(mine, 'Hello.', 'Hello there.');
    const pulled = await store.remote.sync('origin', 'main', { push: true });
    expect(pulled.changed).toEqual([file]);
    const now = readFileSync(path.join(mine, file), 'utf8');
    expect(now).toMatch(/title: Theirs/);
    expect(now).toMatch(/Hello there\./);
    expect(git(mine, 'status', '--porcelain')).toBe(` M ${file}\n?? notes.txt\n`);
    expect(git(mine, 'stash', 'list')).toBe('');
  });

  it('reports a missing remote and keeps writes local', async () => {
    const repo = makeTempRepo({ files: SMALL_REPO });
    cleanups.push(() => repo.cleanup());
    const r = await Repository.open(repo.dir, { git: { push: 'auto' } });
    cleanups.push(() => r.close());
    await expect(r.sync()).rejects.toMatchObject({ code: 'MIMSY_ERR_REMOTE' });
    const status = await r.status();
    expect(status).toMatchObject({ remote: null, pendingPush: false, push: 'auto' });
  });
});

describe('sync when the content root is a folder inside a larger repository', () => {
  it('reports only the content root’s changed files, named from the content root', async () => {
    const seed = makeTempRepo({ files: { 'site/content/a.md': 'a\n', 'README.md': 'r\n' } });
    const remote = makeRemote(seed);
    const mine = remote.clone('mine');
    const theirs = remote.clone('theirs');
    const store = await GitStore.open(path.join(mine, 'site'));
    cleanups.push(
      () => store.close(),
      () => remote.cleanup(),
      () => seed.cleanup(),
    );
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: theirs, encoding: 'utf8' });
    writeFileSync(path.join(theirs, 'site/content/b.md'), 'b\n');
    writeFileSync(path.join(theirs, 'README.md'), 'changed outside the content root\n');
    git('add', '--all');
    git('-c', 'user.name=T', '-c', 'user.email=t@x.io', 'commit', '-q', '-m', 'theirs');
    git('push', '-q', 'origin', 'HEAD:main');

    const result = await store.remote.sync('origin', 'main', { push: false, mode: 'rebase' });
    expect(result.changed).toEqual(['content/b.md']);
    expect(new TextDecoder().decode((await store.read('content/b.md'))!.bytes)).toBe('b\n');
  });
});
