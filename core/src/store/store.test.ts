import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../testing/fixtures.js';
import { ConflictError, InvalidPathError } from '../errors.js';
import { blobId } from '../version.js';
import { GitStore } from './git/index.js';
import { MemoryStore } from './memory.js';
import type { ContentStore, ContentWriter, StoredFile } from './port.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const ada = { name: 'Ada Lovelace', email: 'ada@example.com' };
const grace = { name: 'Grace Hopper', email: 'grace@example.com' };
const opts = (message: string, author = ada) => ({ author, message });

interface Harness {
  store: ContentStore & ContentWriter;
  cleanup(): Promise<void>;
}

const adapters: [string, (files?: Record<string, string>) => Promise<Harness>][] = [
  [
    'memory',
    (files = {}) => Promise.resolve({ store: new MemoryStore(files), cleanup: () => Promise.resolve() }),
  ],
  [
    'git',
    async (files = {}) => {
      const repo = makeTempRepo({ files: { 'README.md': 'seed\n', ...files } });
      const store = await GitStore.open(repo.dir);
      return { store, cleanup: async () => (await store.close(), repo.cleanup()) };
    },
  ],
];

describe.each(adapters)('ContentStore contract: %s adapter', (_name, make) => {
  let h: Harness;
  afterEach(async () => h?.cleanup());

  it('reads null for a missing file and the blob id for an existing one', async () => {
    h = await make({ 'content/a.md': 'A\n' });
    expect(await h.store.read('content/missing.md')).toBeNull();
    const file = (await h.store.read('content/a.md'))!;
    expect(dec.decode(file.bytes)).toBe('A\n');
    expect(file.version).toBe(blobId(enc.encode('A\n')));
    expect(file.version).toBe('f70f10e4db19068f79bc43844b49f3eece45c4e8'); // `printf 'A\n' | git hash-object --stdin`
  });

  it('creates, refuses to create twice, updates with the right version, refuses a stale one', async () => {
    h = await make();
    const created = await h.store.commit(
      [{ path: 'content/x.md', bytes: enc.encode('one'), expected: null }],
      opts('create x'),
    );
    expect(created.versions['content/x.md']).toBe(blobId(enc.encode('one')));
    expect(created.author).toEqual(ada);
    const again = h.store.commit(
      [{ path: 'content/x.md', bytes: enc.encode('other'), expected: null }],
      opts('create x again'),
    );
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    const conflict = (await again.catch((e: unknown) => e)) as ConflictError<StoredFile>;
    expect(dec.decode(conflict.current!.bytes)).toBe('one');

    const v1 = created.versions['content/x.md']!;
    await h.store.commit(
      [{ path: 'content/x.md', bytes: enc.encode('two'), expected: v1 }],
      opts('update x', grace),
    );
    const stale = h.store.commit(
      [{ path: 'content/x.md', bytes: enc.encode('three'), expected: v1 }],
      opts('stale'),
    );
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    expect(dec.decode((await h.store.read('content/x.md'))!.bytes)).toBe('two');
    const history = await h.store.history('content/x.md');
    expect(history.map((c) => c.message)).toEqual(['update x', 'create x']);
    expect(history[0]!.author).toEqual(grace);
  });

  it('deletes, and answers a conflict when deleting what is already gone', async () => {
    h = await make({ 'content/a.md': 'A\n' });
    const v = (await h.store.read('content/a.md'))!.version;
    await h.store.commit([{ path: 'content/a.md', bytes: null, expected: v }], opts('delete a'));
    expect(await h.store.read('content/a.md')).toBeNull();
    await expect(
      h.store.commit([{ path: 'content/a.md', bytes: null, expected: v }], opts('delete again')),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('commits a rename as one commit, and history follows it', async () => {
    h = await make();
    const c1 = await h.store.commit(
      [
        {
          path: 'content/old.md',
          bytes: enc.encode('a long enough body so that git detects the rename\n'),
          expected: null,
        },
      ],
      opts('create old'),
    );
    const v = c1.versions['content/old.md']!;
    const c2 = await h.store.commit(
      [
        { path: 'content/old.md', bytes: null, expected: v },
        {
          path: 'content/new.md',
          bytes: enc.encode('a long enough body so that git detects the rename\n'),
          expected: null,
        },
      ],
      opts('rename'),
    );
    expect(await h.store.read('content/old.md')).toBeNull();
    const history = await h.store.history('content/new.md');
    expect(history.map((c) => c.sha)).toEqual([c2.sha, c1.sha]);
    expect(history[1]!.path).toBe('content/old.md');
    expect(dec.decode(await h.store.readAt('content/old.md', c1.sha))).toMatch(/long enough/);
    expect(await h.store.readAt('content/new.md', c1.sha)).toBeNull();
  });

  it('a failed precondition in a multi-file commit writes nothing', async () => {
    h = await make({ 'content/a.md': 'A\n', 'content/b.md': 'B\n' });
    const before = await h.store.history('content/a.md');
    await expect(
      h.store.commit(
        [
          {
            path: 'content/a.md',
            bytes: enc.encode('A2'),
            expected: (await h.store.read('content/a.md'))!.version,
          },
          { path: 'content/b.md', bytes: enc.encode('B2'), expected: 'deadbeef' },
        ],
        opts('both'),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(dec.decode((await h.store.read('content/a.md'))!.bytes)).toBe('A\n');
    expect(await h.store.history('content/a.md')).toEqual(before);
  });

  it('lists files recursively in order, skipping dotfiles', async () => {
    h = await make({
      'content/b.md': 'b',
      'content/a/c.md': 'c',
      'content/.hidden.md': 'h',
      'other/x.md': 'x',
    });
    expect(await h.store.list('content')).toEqual(['content/a/c.md', 'content/b.md']);
    expect(await h.store.list('nothing-here')).toEqual([]);
  });

  it('refuses unsafe paths', async () => {
    h = await make();
    await expect(
      h.store.commit([{ path: '../escape.md', bytes: enc.encode('x') }], opts('x')),
    ).rejects.toBeInstanceOf(InvalidPathError);
    await expect(h.store.read('/etc/passwd')).rejects.toBeInstanceOf(InvalidPathError);
  });

  it('serializes 16 concurrent writers: distinct paths all land, one path lets exactly one win', async () => {
    h = await make({ 'content/shared.md': 'v0' });
    const distinct = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        h.store.commit(
          [{ path: `content/w${i}.md`, bytes: enc.encode(`w${i}`), expected: null }],
          opts(`w${i}`),
        ),
      ),
    );
    expect(new Set(distinct.map((c) => c.sha)).size).toBe(16);
    const base = (await h.store.read('content/shared.md'))!.version;
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        h.store.commit(
          [{ path: 'content/shared.md', bytes: enc.encode(`edit ${i}`), expected: base }],
          opts(`edit ${i}`),
        ),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(
      15,
    );
    const history = await h.store.history('content/shared.md');
    expect(history).toHaveLength(1 + (_name === 'git' ? 1 : 0)); // the seed commit exists only in git
  });

  it('reports the last commit of each path', async () => {
    h = await make();
    await h.store.commit([{ path: 'content/a.md', bytes: enc.encode('a'), expected: null }], opts('a', ada));
    await h.store.commit(
      [{ path: 'content/b.md', bytes: enc.encode('b'), expected: null }],
      opts('b', grace),
    );
    const last = await h.store.lastCommits(['content']);
    expect(last.get('content/a.md')!.author).toEqual(ada);
    expect(last.get('content/b.md')!.author).toEqual(grace);
  });
});

describe('Git adapter specifics', () => {
  let repo: TempRepo;
  let store: GitStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
    repo?.cleanup();
  });

  it('commits only the written paths, with the editor as author, and leaves other work alone', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n', 'notes.txt': 'n\n' } });
    repo.write('notes.txt', 'uncommitted edit\n');
    repo.write('staged.txt', 'staged by someone\n');
    repo.git('add', 'staged.txt');
    store = await GitStore.open(repo.dir);
    await store.commit([{ path: 'content/a.md', bytes: enc.encode('A2\n') }], opts('update a'));
    expect(repo.git('show', '--name-only', '--format=%an <%ae>|%cn', 'HEAD').trim().split('\n')).toEqual([
      'Ada Lovelace <ada@example.com>|Fixture',
      '',
      'content/a.md',
    ]);
    expect(repo.git('status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([
      ' M notes.txt',
      'A  staged.txt',
    ]);
    expect(repo.git('fsck', '--strict').trim()).toBe('');
  });

  it('keeps the index in step after a burst of concurrent writes, and leaves no journal', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    repo.write('notes.txt', 'staged by someone\n');
    repo.git('add', 'notes.txt');
    store = await GitStore.open(repo.dir);
    const s = store;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        s.commit([{ path: `content/p${i}.md`, bytes: enc.encode(`${i}\n`), expected: null }], opts(`p${i}`)),
      ),
    );
    await s.commit([{ path: 'content/a.md', bytes: null }], opts('delete a'));
    expect(repo.git('status', '--porcelain')).toBe('A  notes.txt\n');
    expect(repo.git('rev-list', '--count', 'HEAD').trim()).toBe('14');
    expect(existsSync(path.join(repo.dir, '.git', 'mimsy-journal.json'))).toBe(false);
  });

  it('writes each batch as one pack, not a file per object, and rolls small packs up in the background', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    repo.git('gc', '--quiet'); // the fixture's own commit: packed, no loose object left
    store = await GitStore.open(repo.dir);
    for (let i = 0; i < 60; i++) {
      await store.commit(
        [{ path: `content/p${i}.md`, bytes: enc.encode(`${i}\n`), expected: null }],
        opts(`p${i}`),
      );
    }
    await store.close(); // waits for a roll-up under way
    const objects = Object.fromEntries(
      repo
        .git('count-objects', '-v')
        .trim()
        .split('\n')
        .map((line) => line.split(': ') as [string, string]),
    );
    expect(Number(objects.count)).toBe(0); // no loose object: 60 commits would have made 240
    expect(Number(objects.packs)).toBeLessThan(32);
    expect(repo.git('rev-list', '--count', 'HEAD').trim()).toBe('61');
    expect(repo.git('fsck', '--strict', '--no-progress').trim()).toBe('');
  });

  it('makes a burst of queued writes in one batch: a commit each, with its author, one branch move', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    store = await GitStore.open(repo.dir);
    const s = store;
    const moves = () =>
      Number(repo.git('reflog', 'show', '--format=%H', 'refs/heads/main').trim().split('\n').length);
    const before = moves();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s.commit(
          [{ path: `content/p${i}.md`, bytes: enc.encode(`${i}\n`), expected: null }],
          opts(`create p${i}`, i % 2 ? ada : grace),
        ),
      ),
    );
    // 20 commits, each holding exactly its own file, its own author and message, in order.
    const log = repo
      .git('log', '--reverse', '--format=%H%x00%an%x00%s', '-n', '20')
      .trim()
      .split('\n')
      .map((l) => l.split('\0'));
    expect(log.map((l) => l[2])).toEqual(results.map((r) => r.message));
    expect(log.map((l) => l[0])).toEqual(results.map((r) => r.sha));
    for (const [i, [sha, author]] of log.entries()) {
      expect(author).toBe(i % 2 ? ada.name : grace.name);
      expect(repo.git('show', '--name-only', '--format=', sha!).trim()).toBe(`content/p${i}.md`);
    }
    // Fewer branch moves than commits: the writes queued behind the first went out together.
    expect(moves() - before).toBeLessThan(20);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('fsck', '--strict').trim()).toBe('');
  });

  it('checks each write of a batch against the writes before it: a stale one is refused alone', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    store = await GitStore.open(repo.dir);
    const s = store;
    const v0 = (await s.read('content/a.md'))!.version;
    const v1 = blobId(enc.encode('A1\n'));
    const results = await Promise.allSettled([
      s.commit([{ path: 'content/x.md', bytes: enc.encode('x\n'), expected: null }], opts('x')),
      s.commit([{ path: 'content/a.md', bytes: enc.encode('A1\n'), expected: v0 }], opts('a1')),
      // Based on the version the write before it in the same batch makes: goes on.
      s.commit([{ path: 'content/a.md', bytes: enc.encode('A2\n'), expected: v1 }], opts('a2', grace)),
      // Based on the old version: a conflict, alone.
      s.commit([{ path: 'content/a.md', bytes: enc.encode('lost\n'), expected: v0 }], opts('stale')),
      // A new file and the deletion of one that exists in the same write.
      s.commit(
        [
          { path: 'content/y.md', bytes: enc.encode('y\n'), expected: null },
          { path: 'content/x.md', bytes: null },
        ],
        opts('y, not x'),
      ),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(readFileSync(path.join(repo.dir, 'content/a.md'), 'utf8')).toBe('A2\n');
    expect(existsSync(path.join(repo.dir, 'content/x.md'))).toBe(false);
    expect(repo.git('log', '--format=%s', '-n', '4').trim().split('\n')).toEqual([
      'y, not x',
      'a2',
      'a1',
      'x',
    ]);
    expect(repo.git('show', 'HEAD~1:content/a.md')).toBe('A2\n');
    expect(repo.git('show', 'HEAD~2:content/a.md')).toBe('A1\n');
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('rolls a whole batch back when its commit cannot be made, and the next batch works', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    store = await GitStore.open(repo.dir);
    const s = store;
    // Another process moves the branch between the check and the commit: fast-import refuses.
    const plumbing = (
      s as unknown as { ctx: { plumbing: { run: (a: string[], o?: unknown) => Promise<string> } } }
    ).ctx.plumbing;
    const run = plumbing.run;
    let once = true;
    plumbing.run = async (args, options) => {
      if (args.includes('fast-import') && once) {
        once = false;
        repo.git('commit', '--quiet', '--allow-empty', '-m', 'outside');
      }
      return run(args, options);
    };
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) =>
        s.commit([{ path: `content/n${i}.md`, bytes: enc.encode(`${i}\n`), expected: null }], opts(`n${i}`)),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected').length;
    expect(failed).toBeGreaterThan(0);
    for (const [i, r] of results.entries())
      expect(existsSync(path.join(repo.dir, `content/n${i}.md`))).toBe(r.status === 'fulfilled');
    await s.commit(
      [{ path: 'content/later.md', bytes: enc.encode('later\n'), expected: null }],
      opts('later'),
    );
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(existsSync(path.join(repo.dir, '.git', 'mimsy-journal.json'))).toBe(false);
  });

  it('splits only its private index, and leaves no shared index behind when it rebuilds that', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    const sharedIndexes = (): string[] =>
      readdirSync(path.join(repo.dir, '.git')).filter((n) => n.startsWith('sharedindex'));
    for (let round = 0; round < 4; round++) {
      store = await GitStore.open(repo.dir);
      for (let i = 0; i < 3; i++)
        await store.commit(
          [{ path: `content/r${round}-${i}.md`, bytes: enc.encode('x\n'), expected: null }],
          opts('r'),
        );
      repo.git('commit', '--quiet', '--allow-empty', '-m', 'a commit made outside Mimsy');
      await store.commit(
        [{ path: `content/after-${round}.md`, bytes: enc.encode('x\n'), expected: null }],
        opts('r'),
      );
      await store.close();
      store = undefined;
    }
    expect(sharedIndexes().length).toBeLessThanOrEqual(1);
    expect(repo.git('rev-parse', '--shared-index-path').trim()).toBe(''); // the repository's index is not split
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(repo.git('fsck', '--strict', '--no-dangling').trim()).toBe('');
  });

  it('commits on a detached HEAD, moving HEAD and leaving no scratch ref', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    const before = repo.git('rev-parse', 'HEAD').trim();
    repo.git('checkout', '--quiet', '--detach');
    store = await GitStore.open(repo.dir);
    const made = await store.commit([{ path: 'content/a.md', bytes: enc.encode('A2\n') }], opts('update a'));
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(made.sha);
    expect(repo.git('rev-parse', 'HEAD^').trim()).toBe(before);
    expect(repo.git('rev-parse', 'main').trim()).toBe(before); // the branch stays where it was
    expect(repo.git('for-each-ref', 'refs/mimsy').trim()).toBe('');
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('fails and puts the files back when the branch moved while the write was made', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    store = await GitStore.open(repo.dir);
    // Someone commits between the write's check of HEAD and its commit: the moment the store
    // looks up the branch to commit on.
    const ctx = (store as unknown as { ctx: { branch: () => Promise<string | null> } }).ctx;
    const branch = ctx.branch.bind(ctx);
    ctx.branch = async () => {
      repo.git('commit', '--quiet', '--allow-empty', '-m', 'made meanwhile');
      return branch();
    };
    await expect(
      store.commit([{ path: 'content/a.md', bytes: enc.encode('A2\n') }], opts('update a')),
    ).rejects.toThrow(/Not updating refs\/heads\/main/);
    expect(repo.git('log', '--format=%s', '-1').trim()).toBe('made meanwhile'); // kept, not dropped
    expect(readFileSync(path.join(repo.dir, 'content/a.md'), 'utf8')).toBe('A\n');
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('commits paths with spaces, quotes, brackets and non-ASCII letters, and binary bytes', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    store = await GitStore.open(repo.dir);
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const names = [
      'content/with space.md',
      'content/quote"d.md',
      'content/#hash and [brackets].md',
      'content/café.md',
    ];
    await store.commit(
      [
        ...names.map((p) => ({ path: p, bytes: enc.encode(`${p}\n`), expected: null })),
        { path: 'content/b.bin', bytes, expected: null },
      ],
      opts('odd names'),
    );
    const listed = repo
      .git('-c', 'core.quotePath=false', 'ls-tree', '-r', '-z', '--name-only', 'HEAD')
      .split('\0');
    for (const p of [...names, 'content/b.bin']) expect(listed).toContain(p);
    expect(execFileSync('git', ['cat-file', 'blob', 'HEAD:content/b.bin'], { cwd: repo.dir })).toEqual(
      Buffer.from(bytes),
    );
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('writes nothing and makes no commit when the bytes are unchanged', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    store = await GitStore.open(repo.dir);
    const head = repo.git('rev-parse', 'HEAD').trim();
    const result = await store.commit([{ path: 'content/a.md', bytes: enc.encode('A\n') }], opts('noop'));
    expect(result.sha).toBe(head);
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(head);
  });

  it('works when the content root is a folder inside a larger Git repository', async () => {
    repo = makeTempRepo({ files: { 'site/content/a.md': 'A\n', 'package.json': '{}' } });
    store = await GitStore.open(path.join(repo.dir, 'site'));
    const c = await store.commit(
      [{ path: 'content/b.md', bytes: enc.encode('B\n'), expected: null }],
      opts('b'),
    );
    expect(repo.git('show', '--name-only', '--format=', 'HEAD').trim()).toBe('site/content/b.md');
    expect((await store.history('content/b.md'))[0]!.sha).toBe(c.sha);
    expect(dec.decode(await store.readAt('content/b.md', c.sha))).toBe('B\n');
    expect([...(await store.lastCommits(['content'])).keys()].sort()).toEqual([
      'content/a.md',
      'content/b.md',
    ]);
  });

  it('commits even when Git has no identity configured (committer falls back to Mimsy)', async () => {
    repo = makeTempRepo({ files: { 'a.md': 'a' } });
    repo.git('config', '--unset', 'user.name');
    repo.git('config', '--unset', 'user.email');
    const home = mkdtempSync(path.join(tmpdir(), 'mimsy-home-'));
    const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = home;
    try {
      store = await GitStore.open(repo.dir);
      await store.commit([{ path: 'b.md', bytes: enc.encode('b'), expected: null }], opts('b'));
    } finally {
      Object.assign(process.env, saved);
    }
    expect(repo.git('log', '-1', '--format=%an|%cn').trim()).toBe('Ada Lovelace|Mimsy');
  });

  it('refuses to write through a symlink that leads outside the repository', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'a' } });
    const outside = mkdtempSync(path.join(tmpdir(), 'mimsy-outside-'));
    symlinkSync(outside, path.join(repo.dir, 'content', 'evil'));
    store = await GitStore.open(repo.dir);
    await expect(
      store.commit([{ path: 'content/evil/x.md', bytes: enc.encode('x') }], opts('x')),
    ).rejects.toBeInstanceOf(InvalidPathError);
    await expect(store.read('content/evil/x.md')).rejects.toBeInstanceOf(InvalidPathError);
  });

  it('never reads through a symbolic link: to .git/config, inside or outside, file or folder, even one a pull made', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'a', 'content/real/b.md': 'b' } });
    symlinkSync('../.git/config', path.join(repo.dir, 'content', 'leak.md'));
    symlinkSync('real', path.join(repo.dir, 'content', 'alias'));
    store = await GitStore.open(repo.dir);
    await expect(store.read('content/leak.md')).rejects.toThrow(/symbolic link \(content\/leak\.md\)/);
    await expect(store.read('content/alias/b.md')).rejects.toThrow(/symbolic link/);
    expect(await store.list('content')).toEqual([
      'content/a.md',
      'content/alias',
      'content/leak.md',
      'content/real/b.md',
    ]);
    // A folder read once can become a link later (a pull): it is checked again on every read.
    expect(await store.read('content/real/b.md')).not.toBeNull();
    rmSync(path.join(repo.dir, 'content', 'real'), { recursive: true });
    mkdirSync(path.join(repo.dir, 'secret'));
    writeFileSync(path.join(repo.dir, 'secret', 'b.md'), 'token');
    symlinkSync('../secret', path.join(repo.dir, 'content', 'real'));
    await expect(store.read('content/real/b.md')).rejects.toBeInstanceOf(InvalidPathError);
    await expect(
      store.commit([{ path: 'content/real/b.md', bytes: enc.encode('x') }], opts('x')),
    ).rejects.toBeInstanceOf(InvalidPathError);
    expect(readFileSync(path.join(repo.dir, 'secret', 'b.md'), 'utf8')).toBe('token');
  });

  it('rolls the file back when the commit itself fails', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'A\n' } });
    const home = mkdtempSync(path.join(tmpdir(), 'mimsy-home-'));
    const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = home;
    store = await GitStore.open(repo.dir);
    // Take Git's identity away after open, so that the commit itself fails after the file was written.
    repo.git('config', '--unset', 'user.email');
    repo.git('config', 'user.useConfigOnly', 'true');
    const attempt = store.commit([{ path: 'content/a.md', bytes: enc.encode('A2\n') }], opts('fails'));
    await expect(attempt).rejects.toMatchObject({ code: 'MIMSY_ERR_GIT' });
    Object.assign(process.env, saved);
    expect(repo.git('status', '--porcelain')).toBe('');
    expect(dec.decode((await store.read('content/a.md'))!.bytes)).toBe('A\n');
  });
});
