import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../errors.js';
import { Repository } from '../../repository.js';
import { gitRunner } from './run.js';
import { redact } from '../../redact.js';
import { replayCommits } from './replay.js';
import { makeRemote, makeTempRepo, SMALL_REPO } from '../../testing/fixtures.js';
import { waitFor } from '../../testing/wait.js';
import type { EntryEvent } from '../../types.js';

/**
 * Replicas on one remote (docs/scaling.md): with push "auto" every write is pushed before it is
 * acknowledged; an edit whose base changed upstream is a 409; a remote that is down leaves writes
 * pending and they go out when it is back.
 */

const ada = { author: { name: 'Ada', email: 'ada@example.com' } };
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
}

async function replicas(n: number): Promise<{ bare: string; dirs: string[]; repos: Repository[] }> {
  const seed = makeTempRepo({ files: SMALL_REPO });
  const remote = makeRemote(seed);
  cleanups.push(
    () => remote.cleanup(),
    () => seed.cleanup(),
  );
  const dirs: string[] = [];
  const repos: Repository[] = [];
  for (let i = 0; i < n; i++) {
    const dir = remote.clone(`replica-${i}`);
    const repo = await Repository.open(dir, { git: { push: 'auto' } });
    cleanups.push(() => repo.close());
    dirs.push(dir);
    repos.push(repo);
  }
  return { bare: remote.bare, dirs, repos };
}

/** Replica `a` saves version 2 of posts/first (and pushes it). */
function versionTwo(a: Repository): ReturnType<Repository['update']> {
  const first = a.get('posts', 'first')!;
  return a.update(
    'posts',
    'first',
    { data: { ...first.data, title: 'Version 2' }, body: first.body! },
    { ...ada, ifMatch: first.version },
  );
}

/**
 * Replica A loses its remote; after `offline(a)` it saves an edit of posts/first (pending), B
 * saves another edit of the same entry (published); then A's remote is back and A restarts on its
 * clone. Returns A's pending answer and the restarted A, its pending commit not yet pushed.
 */
async function editOfflineAndOnline(
  { bare, dirs, repos }: Awaited<ReturnType<typeof replicas>>,
  offline: (a: Repository) => Promise<void> = () => Promise.resolve(),
): Promise<{ pending: Awaited<ReturnType<Repository['update']>>; again: Repository }> {
  const [a, b] = repos as [Repository, Repository];
  const url = git(dirs[0]!, 'remote', 'get-url', 'origin');
  git(dirs[0]!, 'remote', 'set-url', 'origin', path.join(path.dirname(bare), 'nowhere.git'));
  await offline(a);
  const first = a.get('posts', 'first')!;
  const pending = await a.update(
    'posts',
    'first',
    { data: { ...first.data, title: 'Offline edit' }, body: first.body! },
    { ...ada, ifMatch: first.version },
  );
  await b.update(
    'posts',
    'first',
    { data: { ...first.data, title: 'Online edit' }, body: first.body! },
    { ...ada, ifMatch: first.version },
  );
  git(dirs[0]!, 'remote', 'set-url', 'origin', url);
  await a.close(); // stop the background retry; sync by hand
  const again = await Repository.open(dirs[0]!, { git: { push: 'auto' } });
  cleanups.push(() => again.close());
  await again.settled();
  return { pending, again };
}

function remoteHead(bare: string): string {
  return git(bare, 'rev-parse', 'refs/heads/main');
}

describe('messages from git', () => {
  it('never show credentials from a remote URL', () => {
    expect(redact("fatal: unable to access 'https://bot:ghp_secret@github.com/o/r.git/': 503")).toBe(
      "fatal: unable to access 'https://***@github.com/o/r.git/': 503",
    );
    expect(redact('git://127.0.0.1:9418/content.git')).toBe('git://127.0.0.1:9418/content.git');
  });
});

describe('replicas on one Git remote', () => {
  it('pushes a write before acknowledging it', async () => {
    const { bare, dirs, repos } = await replicas(1);
    const { commit } = await repos[0]!.create('posts', { data: { title: 'Hello', author: 'ada' } }, ada);
    expect(commit).toMatchObject({ sync: 'pushed' });
    expect(remoteHead(bare)).toBe(commit.sha);
    expect(git(dirs[0]!, 'rev-parse', 'HEAD')).toBe(commit.sha);
    expect(await repos[0]!.status()).toMatchObject({ ahead: 0, pendingPush: false });
  });

  it('turns an edit whose base changed upstream into a 409 with the remote version, leaving no trace', async () => {
    const { bare, dirs, repos } = await replicas(2);
    const [a, b] = repos as [Repository, Repository];
    const seenByB = b.get('posts', 'first')!;
    const fromA = await a.update(
      'posts',
      'first',
      { data: { ...seenByB.data, title: 'A wins' }, body: seenByB.body! },
      { ...ada, ifMatch: seenByB.version },
    );
    const events: EntryEvent[] = [];
    b.on((e) => events.push(e));
    const error = await b
      .update(
        'posts',
        'first',
        { data: { ...seenByB.data, title: 'B loses' }, body: seenByB.body! },
        { ...ada, ifMatch: seenByB.version },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError<{ data: Record<string, unknown> }>).current!.data.title).toBe('A wins');
    expect(remoteHead(bare)).toBe(fromA.commit.sha);
    expect(git(dirs[1]!, 'rev-parse', 'HEAD')).toBe(fromA.commit.sha);
    expect(git(dirs[1]!, 'status', '--porcelain')).toBe('');
    expect(git(bare, 'log', '--format=%s', 'main')).not.toMatch(/B loses/);
    expect(b.get('posts', 'first')!.data.title).toBe('A wins');
    await waitFor(() => events.some((e) => e.source === 'remote' && e.slug === 'first'));
  });

  it('replays a write onto what another replica pushed when they touch different entries', async () => {
    const { bare, dirs, repos } = await replicas(2);
    const [a, b] = repos as [Repository, Repository];
    await a.create('posts', { data: { title: 'From A', author: 'ada' } }, ada);
    const { commit } = await b.create('posts', { data: { title: 'From B', author: 'ada' } }, ada);
    expect(commit.sync).toBe('pushed');
    expect(git(bare, 'log', '--format=%s', '-2', 'main').split('\n')).toEqual([
      'create posts/from-b',
      'create posts/from-a',
    ]);
    expect(git(bare, 'log', '--format=%an', '-1', 'main')).toBe('Ada');
    expect(git(dirs[1]!, 'rev-parse', 'HEAD')).toBe(remoteHead(bare));
    expect(b.get('posts', 'from-a')).not.toBeNull();
    expect(git(dirs[1]!, 'status', '--porcelain')).toBe('');
  });

  it('takes an edit based on a version only another replica has seen: it pulls, then saves', async () => {
    const { bare, repos } = await replicas(2);
    const [a, b] = repos as [Repository, Repository];
    const fromA = await versionTwo(a);
    // The editor loaded version 2 from A; the load balancer sends the save to B, which lags.
    const saved = await b.update(
      'posts',
      'first',
      { data: { ...fromA.entry.data, title: 'Version 3' }, body: fromA.entry.body! },
      { ...ada, ifMatch: fromA.entry.version },
    );
    expect(saved.commit.sync).toBe('pushed');
    expect(git(bare, 'log', '--format=%s', '-2', 'main')).toMatch(/Version 3|update posts\/first/);
    expect(remoteHead(bare)).toBe(saved.commit.sha);
  });

  it('says 503 REMOTE_UNAVAILABLE, not a stale 409, when it is behind and cannot reach the remote', async () => {
    const { bare, repos } = await replicas(2);
    const [a, b] = repos as [Repository, Repository];
    const first = a.get('posts', 'first')!;
    const fromA = await versionTwo(a);
    const hidden = `${bare}.away`;
    execFileSync('mv', [bare, hidden]);
    try {
      // B lags and the remote is away: it cannot know the editor's version 2.
      const behind = b.update(
        'posts',
        'first',
        { data: { ...fromA.entry.data, title: 'Version 3' }, body: fromA.entry.body! },
        { ...ada, ifMatch: fromA.entry.version },
      );
      await expect(behind).rejects.toMatchObject({ code: 'MIMSY_ERR_REMOTE_UNAVAILABLE' });
      // A version B has seen (the one before version 2, on A): a real conflict, told as one.
      const stale = a.update(
        'posts',
        'first',
        { data: { ...first.data, title: 'Based on version 1' }, body: first.body! },
        { ...ada, ifMatch: first.version },
      );
      await expect(stale).rejects.toBeInstanceOf(ConflictError);
    } finally {
      execFileSync('mv', [hidden, bare]);
    }
    expect(git(bare, 'log', '-1', '--format=%s', 'main')).toBe('update posts/first (title)');
    expect(b.get('posts', 'first')!.data.title).toBe(first.data.title);
  });

  it('serves writes that find their copy stale at the same time with one pull', async () => {
    const { repos } = await replicas(2);
    const [a, b] = repos as [Repository, Repository];
    const slugs = ['one', 'two', 'three', 'four'];
    for (const slug of slugs) await a.create('posts', { slug, data: { title: slug, author: 'ada' } }, ada);
    await b.sync({ push: false });
    // A moves every entry on; B has not pulled since. Four editors who loaded A's versions save on B.
    const latest = await Promise.all(
      slugs.map(async (slug) => {
        const entry = a.get('posts', slug)!;
        const { entry: updated } = await a.update(
          'posts',
          slug,
          { data: { ...entry.data, title: `${slug} 2` }, body: entry.body! },
          { ...ada, ifMatch: entry.version },
        );
        return updated;
      }),
    );
    const store = (b as unknown as { store: { remote: { sync: (...args: unknown[]) => Promise<unknown> } } })
      .store.remote;
    const sync = store.sync.bind(store);
    let pulls = 0;
    store.sync = (...args) => {
      pulls++;
      return sync(...args);
    };
    const saved = await Promise.all(
      latest.map((entry) =>
        b.update(
          'posts',
          entry.slug,
          { data: { ...entry.data, title: `${entry.slug} 3` }, body: entry.body! },
          { ...ada, ifMatch: entry.version },
        ),
      ),
    );
    expect(saved.map((s) => s.entry.data.title)).toEqual(slugs.map((slug) => `${slug} 3`));
    expect(pulls).toBe(1);
  });

  it('keeps writes local while the remote is down and pushes them when it is back', async () => {
    const { bare, dirs, repos } = await replicas(1);
    const repo = repos[0]!;
    const errors: unknown[] = [];
    const hidden = `${bare}.away`;
    execFileSync('mv', [bare, hidden]);
    const { commit } = await repo.create('posts', { data: { title: 'Offline', author: 'ada' } }, ada);
    expect(commit.sync).toBe('pending');
    const status = await repo.status();
    expect(status.pendingPush).toBe(true);
    expect(status.ahead).toBe(1);
    expect(status.lastSync).toMatchObject({ ok: false, error: expect.stringMatching(/cannot be reached/) });
    expect(git(dirs[0]!, 'log', '-1', '--format=%s')).toBe('create posts/offline');
    expect(errors).toEqual([]);
    execFileSync('mv', [hidden, bare]);
    await waitFor(() => git(bare, 'log', '-1', '--format=%s', 'main') === 'create posts/offline', {
      timeout: 15_000,
    });
    await repo.settled();
    expect((await repo.status()).pendingPush).toBe(false);
  });

  it('sets aside a pending commit the remote made impossible, on a branch it pushes, and moves on', async () => {
    const cluster = await replicas(2);
    const { bare, dirs } = cluster;
    const { pending, again } = await editOfflineAndOnline(cluster);
    expect(pending.commit.sync).toBe('pending');
    await again.sync();
    const status = await again.status();
    expect(status.parked).toEqual([
      expect.objectContaining({ files: ['content/posts/first.md'], pushed: true }),
    ]);
    const branch = status.parked[0]!.branch;
    expect(branch).toMatch(/^mimsy\/unpublished-\d{14}-[0-9a-f]{7}$/);
    expect(git(bare, 'log', '-1', '--format=%s', branch)).toBe('update posts/first (title)');
    expect(git(bare, 'show', `${branch}:content/posts/first.md`)).toMatch(/Offline edit/);
    expect(git(dirs[0]!, 'rev-parse', 'HEAD')).toBe(remoteHead(bare));
    expect(again.get('posts', 'first')!.data.title).toBe('Online edit');
    expect(status).toMatchObject({ ahead: 0, pendingPush: false });
    // The branch outlives the process: a later start (or `mimsy status`) still lists it.
    await again.close();
    const later = await Repository.open(dirs[0]!, { git: { push: 'auto' } });
    cleanups.push(() => later.close());
    expect((await later.status()).parked).toEqual([
      { branch, at: expect.any(String), files: ['content/posts/first.md'], pushed: true },
    ]);
  });

  it('parks only the commits it sets aside: one published meanwhile is not on the parked branch', async () => {
    const cluster = await replicas(2);
    const { bare, dirs } = cluster;
    // Offline on A: a new entry (nobody else touches it), then an edit of "first" (B edits it too).
    const { again } = await editOfflineAndOnline(cluster, async (a) => {
      const created = await a.create('posts', { data: { title: 'Made offline', author: 'ada' } }, ada);
      expect(created.commit.sync).toBe('pending');
    });
    await again.sync();
    // The new entry is published; the edit of "first" alone waits on its branch.
    expect(git(bare, 'log', '--format=%s', 'main')).toContain('create posts/made-offline');
    const [parked] = (await again.status()).parked;
    expect(parked).toMatchObject({ files: ['content/posts/first.md'], pushed: true });
    const only = git(bare, 'log', '--format=%s', `main..${parked!.branch}`).split('\n');
    expect(only).toEqual(['update posts/first (title)']);
    expect(git(bare, 'merge-base', '--is-ancestor', `${parked!.branch}~1`, 'main')).toBe('');
    // After a restart the listing is the same: the set-aside file, not everything since the base.
    await again.close();
    const later = await Repository.open(dirs[0]!, { git: { push: 'auto' } });
    cleanups.push(() => later.close());
    expect((await later.status()).parked).toEqual([
      { branch: parked!.branch, at: expect.any(String), files: ['content/posts/first.md'], pushed: true },
    ]);
  });

  it('settles a pull interrupted by a crash: the files match HEAD again', async () => {
    const { dirs, repos } = await replicas(1);
    const dir = dirs[0]!;
    await repos[0]!.close();
    const file = path.join(dir, 'content/posts/first.md');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, 'half of a pull');
    writeFileSync(path.join(dir, 'content/posts/stray.md'), 'not in HEAD');
    const gitDir = path.join(dir, '.git');
    writeFileSync(
      path.join(gitDir, 'mimsy-move.json'),
      JSON.stringify({ from: 'x', to: 'y', paths: ['content/posts/first.md', 'content/posts/stray.md'] }),
    );
    const notes: string[] = [];
    const reopened = await Repository.open(dir, { onRecover: (m) => notes.push(m) });
    cleanups.push(() => reopened.close());
    expect(notes.join('\n')).toMatch(/interrupted pull/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(existsSync(path.join(dir, 'content/posts/stray.md'))).toBe(false);
    expect(existsSync(path.join(gitDir, 'mimsy-move.json'))).toBe(false);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('rebuilds a damaged .git/index at open without touching files', async () => {
    const { dirs, repos } = await replicas(1);
    const dir = dirs[0]!;
    await repos[0]!.close();
    writeFileSync(path.join(dir, '.git/index'), 'garbage, not an index');
    const notes: string[] = [];
    const reopened = await Repository.open(dir, { onRecover: (m) => notes.push(m) });
    cleanups.push(() => reopened.close());
    expect(notes.join('\n')).toMatch(/damaged \.git\/index/);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const first = reopened.get('posts', 'first')!;
    const saved = await reopened.update(
      'posts',
      'first',
      { data: { ...first.data, title: 'After repair' }, body: first.body! },
      { ...ada, ifMatch: first.version },
    );
    expect(saved.commit.sync).toBe('pushed');
  });

  it('gives the error of a remote that refuses pushes, keeping the write', async () => {
    const { bare, repos } = await replicas(1);
    const hook = path.join(bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "main is protected" >&2\nexit 1\n', { mode: 0o755 });
    const { commit } = await repos[0]!.create('posts', { data: { title: 'Refused', author: 'ada' } }, ada);
    expect(commit.sync).toBe('pending');
    const status = await repos[0]!.status();
    expect(status.lastSync?.error).toMatch(/refused it.*main is protected/);
    expect(status.pendingPush).toBe(true);
    writeFileSync(hook, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    await waitFor(() => git(bare, 'log', '-1', '--format=%s', 'main') === 'create posts/refused', {
      timeout: 15_000,
    });
  });
});

describe('replaying local commits onto another commit', () => {
  it('re-creates each commit exactly (changes, modes, author, date, message), whatever the file names', async () => {
    const repo = makeTempRepo({ files: { 'content/keep.md': 'k\n', 'content/gone.md': 'g\n' } });
    cleanups.push(() => repo.cleanup());
    const base = git(repo.dir, 'rev-parse', 'HEAD');
    const names = [
      'content/with space.md',
      'content/"quoted".md',
      'content/back\\slash.md',
      'content/é ü 🙂.md',
      'content/new\nline.md',
    ];
    const commit = (message: string, author: string, date: string): string => {
      execFileSync('git', ['commit', '-q', '-m', message], {
        cwd: repo.dir,
        env: { ...process.env, GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: 'a@x.io', GIT_AUTHOR_DATE: date },
      });
      return git(repo.dir, 'rev-parse', 'HEAD');
    };
    names.forEach((n, i) => repo.write(n, `file ${i}\n`));
    git(repo.dir, 'add', '--all');
    const first = commit(
      'add awkward names\n\nwith a body line',
      'Ada Lovelace',
      '2026-01-02T03:04:05+01:00',
    );
    repo.write('content/run.sh', '#!/bin/sh\n');
    git(repo.dir, 'add', 'content/run.sh');
    git(repo.dir, 'update-index', '--chmod=+x', 'content/run.sh');
    git(repo.dir, 'rm', '-q', 'content/gone.md');
    const second = commit('script and a deletion', 'Grace Hopper', '2026-02-03T04:05:06-05:00');
    // The commits they land on: someone else's change to another file.
    git(repo.dir, 'checkout', '-q', '-f', base);
    repo.write('content/theirs.md', 't\n');
    git(repo.dir, 'add', 'content/theirs.md');
    const onto = commit('theirs', 'Them', '2026-03-01T00:00:00Z');

    const store = {
      run: gitRunner(repo.dir, process.env),
      gitDir: path.join(repo.dir, '.git'),
      committerArgs: [],
    };
    const { tip, replayed } = await replayCommits(store, [first, second], onto);
    expect([...replayed.keys()]).toEqual([first, second]);
    expect(replayed.get(second)).toBe(tip);
    expect(git(repo.dir, 'rev-parse', `${tip}^^`)).toBe(onto);
    for (const [old, made] of replayed) {
      const show = (sha: string): string =>
        git(repo.dir, 'show', '--format=%an|%ae|%aI|%B', '--raw', '--no-abbrev', sha);
      // Same author, date, message and the same changes (mode, blob, path) — only parents differ.
      expect(show(made)).toBe(show(old));
    }
    const files = (sha: string): string[] =>
      git(repo.dir, 'ls-tree', '-r', '-z', '--name-only', sha).split('\0').filter(Boolean);
    expect(files(tip).sort()).toEqual([...files(second), 'content/theirs.md'].sort());
    expect(files(tip)).toContain('content/"quoted".md');
    expect(git(repo.dir, 'for-each-ref', 'refs/mimsy')).toBe(''); // no helper branch left behind
    expect(git(repo.dir, 'fsck', '--strict', '--no-dangling')).toBe('');
  });
});
