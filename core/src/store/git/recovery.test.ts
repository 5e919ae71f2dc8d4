import { spawn } from 'node:child_process';
import { existsSync, readdirSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../../testing/fixtures.js';
import { GitStore } from './index.js';

const enc = new TextEncoder();
let repo: TempRepo;
afterEach(() => repo?.cleanup());

function tempFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.git' && d === dir) continue;
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.includes('.mimsy-tmp-')) out.push(path.join(d, e.name));
    }
  };
  walk(dir);
  return out;
}

describe('recovery at open', () => {
  it('removes a stale index.lock left by a crashed Git process', async () => {
    repo = makeTempRepo({ files: { 'a.md': 'a' } });
    writeFileSync(path.join(repo.dir, '.git', 'index.lock'), '');
    const store = await GitStore.open(repo.dir);
    expect(store.recovered.join('\n')).toMatch(/index\.lock/);
    await store.commit([{ path: 'b.md', bytes: enc.encode('b'), expected: null }], {
      author: { name: 'A', email: 'a@x.io' },
      message: 'b',
    });
    expect(repo.git('status', '--porcelain')).toBe('');
    await store.close();
  });

  it("aborts mimsy sync's own rebase killed half-way, and leaves a rebase stopped by hand alone", async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'base\n' } });
    const id = ['-c', 'user.name=A', '-c', 'user.email=a@x.io'];
    repo.git('checkout', '-q', '-b', 'side');
    repo.write('content/a.md', 'side\n');
    repo.git(...id, 'commit', '-qam', 'side');
    repo.git('checkout', '-q', 'main');
    repo.write('content/a.md', 'main\n');
    repo.git(...id, 'commit', '-qam', 'main');
    repo.git('checkout', '-q', 'side');
    const stopped = (): boolean => existsSync(path.join(repo.dir, '.git', 'rebase-merge'));
    try {
      repo.git(...id, 'rebase', 'main'); // conflicts: stops half-way
    } catch {
      // expected
    }
    expect(stopped()).toBe(true);
    // The developer's own rebase: recovery must not touch it.
    let store = await GitStore.open(repo.dir);
    await store.close();
    expect(stopped()).toBe(true);
    expect(store.recovered.join('\n')).not.toMatch(/rebase/);
    // The same state left by a killed `mimsy sync` (its marker is there): put back as it was.
    writeFileSync(path.join(repo.dir, '.git', 'mimsy-rebase'), '');
    store = await GitStore.open(repo.dir);
    await store.close();
    expect(stopped()).toBe(false);
    expect(store.recovered.join('\n')).toMatch(/aborted a rebase/);
    expect(repo.git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('side');
    expect(existsSync(path.join(repo.dir, '.git', 'mimsy-rebase'))).toBe(false);
  });

  it('rolls back a write interrupted between the file and the commit', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'original\n' } });
    const head = repo.git('rev-parse', 'HEAD').trim();
    // What a crash after the rename, before `git commit`, leaves behind:
    repo.write('content/a.md', 'half-done edit\n');
    repo.write('content/new.md', 'created but never committed\n');
    repo.write('content/.mimsy-tmp-a.md.123456', 'temp');
    repo.git('add', 'content/a.md');
    writeFileSync(
      path.join(repo.dir, '.git', 'mimsy-journal.json'),
      JSON.stringify({
        head,
        startedAt: new Date().toISOString(),
        changes: [
          { path: 'content/a.md', before: Buffer.from('original\n').toString('base64') },
          { path: 'content/new.md', before: null },
        ],
      }),
    );
    const store = await GitStore.open(repo.dir);
    expect(store.recovered.join('\n')).toMatch(/rolled back/);
    expect(repo.git('status', '--porcelain', '--ignored')).toBe('');
    expect(existsSync(path.join(repo.dir, 'content/new.md'))).toBe(false);
    expect(tempFiles(repo.dir)).toEqual([]);
    expect(existsSync(path.join(repo.dir, '.git', 'mimsy-journal.json'))).toBe(false);
    await store.close();
  });

  it('keeps a write whose commit landed before the crash', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'original\n' } });
    const before = repo.git('rev-parse', 'HEAD').trim();
    repo.write('content/a.md', 'committed edit\n');
    repo.commitAll('the commit that landed');
    writeFileSync(
      path.join(repo.dir, '.git', 'mimsy-journal.json'),
      JSON.stringify({ head: before, startedAt: '', changes: [{ path: 'content/a.md', before: null }] }),
    );
    const store = await GitStore.open(repo.dir);
    expect(store.recovered.join('\n')).toMatch(/completed/);
    expect(new TextDecoder().decode((await store.read('content/a.md'))!.bytes)).toBe('committed edit\n');
    await store.close();
  });

  it('rolls back and completes writes when the content root is a folder inside a larger repository', async () => {
    repo = makeTempRepo({
      files: { 'site/content/a.md': 'original\n', 'site/content/b.md': 'b\n', 'README.md': 'r' },
    });
    const head = repo.git('rev-parse', 'HEAD').trim();
    // A write interrupted before its commit, whose file Git had already staged:
    repo.write('site/content/a.md', 'half-done edit\n');
    repo.git('add', 'site/content/a.md');
    writeFileSync(
      path.join(repo.dir, '.git', 'mimsy-journal.json'),
      JSON.stringify({
        head,
        startedAt: new Date().toISOString(),
        changes: [{ path: 'content/a.md', before: Buffer.from('original\n').toString('base64') }],
      }),
    );
    let store = await GitStore.open(path.join(repo.dir, 'site'));
    expect(store.recovered.join('\n')).toMatch(/rolled back/);
    expect(repo.git('status', '--porcelain', '--untracked-files=all')).toBe('');
    await store.close();

    // A write whose commit landed but whose file the repository's index had not caught up with:
    repo.write('site/content/b.md', 'committed edit\n');
    const tree = repo.git('write-tree').trim(); // index still holds the old b.md
    repo.git('update-index', '--add', 'site/content/b.md');
    const committed = repo.git('commit-tree', repo.git('write-tree').trim(), '-p', head, '-m', 'b').trim();
    repo.git('update-ref', 'HEAD', committed);
    repo.git('read-tree', tree);
    writeFileSync(
      path.join(repo.dir, '.git', 'mimsy-journal.json'),
      JSON.stringify({ head, startedAt: '', changes: [{ path: 'content/b.md', before: 'Ygo=' }] }),
    );
    store = await GitStore.open(path.join(repo.dir, 'site'));
    expect(store.recovered.join('\n')).toMatch(/completed/);
    expect(repo.git('status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(new TextDecoder().decode((await store.read('content/b.md'))!.bytes)).toBe('committed edit\n');
    await store.close();
  });

  it('brings the index up to date for earlier writes a crash left it lagging, from HEAD not the files', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'a\n', 'content/b.md': 'b\n' } });
    const before = repo.git('rev-parse', 'HEAD').trim();
    // Two writes committed while the index still held the old a.md and b.md (writes queue up and
    // the index catches up after the last one), then a crash before that:
    repo.write('content/a.md', 'a2\n');
    repo.write('content/b.md', 'b2\n');
    const tree = repo.git('write-tree').trim();
    repo.git('update-index', 'content/a.md', 'content/b.md');
    const landed = repo.git('commit-tree', repo.git('write-tree').trim(), '-p', before, '-m', 'a2 b2').trim();
    repo.git('update-ref', 'HEAD', landed);
    repo.git('read-tree', tree);
    repo.write('content/b.md', 'an edit someone made in their editor since\n');
    writeFileSync(
      path.join(repo.dir, '.git', 'mimsy-journal.json'),
      JSON.stringify({
        head: landed,
        startedAt: '',
        changes: [{ path: 'content/a.md', before: Buffer.from('a2\n').toString('base64') }],
        stale: ['content/a.md', 'content/b.md'],
      }),
    );
    const store = await GitStore.open(repo.dir);
    expect(store.recovered.join('\n')).toMatch(/rolled back/);
    expect(repo.git('status', '--porcelain')).toBe(' M content/b.md\n'); // the edit is not staged
    expect(existsSync(path.join(repo.dir, '.git', 'mimsy-journal.json'))).toBe(false);
    await store.close();
  });

  it('removes shared index files a crash orphaned, but never the one the repository’s index uses', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'a\n' } });
    repo.git('update-index', '--split-index'); // the user's own index is split
    const git = path.join(repo.dir, '.git');
    const inUse = path.basename(repo.git('rev-parse', '--shared-index-path').trim());
    const orphan = 'sharedindex.' + 'ab'.repeat(20);
    writeFileSync(path.join(git, orphan), 'left by a killed git');
    writeFileSync(path.join(git, 'sharedindex_Xy12Zq'), 'a temporary file');
    writeFileSync(path.join(git, 'sharedindex.' + 'cd'.repeat(20)), 'just written by a live git');
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const name of [orphan, 'sharedindex_Xy12Zq', inUse])
      utimesSync(path.join(git, name), hourAgo, hourAgo);
    const store = await GitStore.open(repo.dir);
    await store.commit([{ path: 'content/b.md', bytes: enc.encode('b'), expected: null }], {
      author: { name: 'A', email: 'a@x.io' },
      message: 'b',
    });
    await store.close();
    const left = readdirSync(git).filter((n) => n.startsWith('sharedindex'));
    expect(left).toContain(inUse);
    expect(left).toContain('sharedindex.' + 'cd'.repeat(20));
    expect(left).not.toContain(orphan);
    expect(left).not.toContain('sharedindex_Xy12Zq');
    expect(repo.git('status', '--porcelain')).toBe('');
  });

  it('leaves edits made outside Mimsy alone (no journal, nothing to undo)', async () => {
    repo = makeTempRepo({ files: { 'content/a.md': 'original\n' } });
    repo.write('content/a.md', 'someone is typing in VS Code\n');
    const store = await GitStore.open(repo.dir);
    expect(store.recovered).toEqual([]);
    expect(repo.git('status', '--porcelain').trim()).toBe('M content/a.md');
    await store.close();
  });
});

describe('kill -9 during writes', () => {
  it('never loses an acknowledged write and always reopens clean', async () => {
    repo = makeTempRepo({ files: { 'mimsy.config.json': '{"version":1}' } });
    mkdirSync(path.join(repo.dir, 'content/posts'), { recursive: true });
    const writer = path.resolve(import.meta.dirname, '../../../test/crash-writer.ts');
    const acked: string[] = [];
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, repo.dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: path.resolve(import.meta.dirname, '../../..'),
      });
      // Listened for from the start: a writer that fails at once has closed before it is killed.
      const closed = new Promise((r) => child.once('close', r));
      let buffer = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const firstAck = new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          buffer += d.toString();
          resolve();
        });
        child.on('exit', () => resolve());
      });
      await firstAck;
      // Let it run for a random while, then pull the plug.
      await new Promise((r) => setTimeout(r, 20 + Math.floor(Math.random() * 400)));
      child.kill('SIGKILL');
      await closed;
      expect(stderr).not.toMatch(/Error/);
      for (const line of buffer.split('\n')) if (line.startsWith('ack ')) acked.push(line.split(' ')[1]!);

      const store = await GitStore.open(repo.dir);
      await store.close();
      expect(repo.git('status', '--porcelain', '--untracked-files=all')).toBe('');
      expect(tempFiles(repo.dir)).toEqual([]);
      expect(existsSync(path.join(repo.dir, '.git', 'index.lock'))).toBe(false);
    }
    expect(acked.length).toBeGreaterThan(rounds);
    const history = new Set(repo.git('rev-list', 'HEAD').trim().split('\n'));
    for (const sha of acked) expect(history.has(sha), `acknowledged commit ${sha} is missing`).toBe(true);
    expect(repo.git('fsck', '--strict', '--no-dangling').trim()).toBe('');
  }, 120_000);
});
