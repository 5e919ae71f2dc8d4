// Committed writes per second through the store (serial and 16 concurrent writers), each as a
// ratio to a plain `git add && git commit` loop run in this same process on the same machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitStore } from '@mimsy/core';

function freshRepo(from?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-bench-writes-'));
  if (from) {
    execFileSync('git', ['clone', '--quiet', from, dir]);
    execFileSync('git', ['config', 'user.name', 'Bench'], { cwd: dir });
    execFileSync('git', ['config', 'user.email', 'bench@example.com'], { cwd: dir });
    return dir;
  }
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Bench');
  git('config', 'user.email', 'bench@example.com');
  writeFileSync(path.join(dir, 'README.md'), 'bench\n');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'seed');
  return dir;
}

const body = (i: number): string =>
  `---\ntitle: Post ${i}\ndate: 2026-11-28T10:00:00Z\n---\n${'Some text. '.repeat(40)}\n`;

/** `from`: a repository to clone first (e.g. 10,000 entries), else an empty one. */
export async function benchWrites(count = 120, from?: string): Promise<Record<string, number>> {
  // Baseline: the plainest way to commit one file at a time.
  let dir = freshRepo(from);
  let start = performance.now();
  for (let i = 0; i < count; i++) {
    const file = `content/p${i}.md`;
    execFileSync('mkdir', ['-p', 'content'], { cwd: dir });
    writeFileSync(path.join(dir, file), body(i));
    execFileSync('git', ['add', '--', file], { cwd: dir });
    execFileSync('git', ['commit', '--quiet', '-m', `create ${file}`], { cwd: dir });
  }
  const baselineMs = performance.now() - start;
  rmSync(dir, { recursive: true, force: true });

  const enc = new TextEncoder();
  const author = { name: 'Ada', email: 'ada@example.com' };
  dir = freshRepo(from);
  let store = await GitStore.open(dir);
  start = performance.now();
  for (let i = 0; i < count; i++) {
    await store.commit([{ path: `content/p${i}.md`, bytes: enc.encode(body(i)), expected: null }], {
      author,
      message: `create p${i}`,
    });
  }
  const serialMs = performance.now() - start;
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  dir = freshRepo(from);
  store = await GitStore.open(dir);
  start = performance.now();
  const perWriter = Math.ceil(count / 16);
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: 16 }, async (_, w) => {
      for (let j = 0; j < perWriter; j++) {
        const t = performance.now();
        await store.commit([{ path: `content/w${w}-${j}.md`, bytes: enc.encode(body(j)), expected: null }], {
          author,
          message: `create w${w}-${j}`,
        });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const concurrentMs = performance.now() - start;
  const concurrentCount = perWriter * 16;
  const commits = Number(
    execFileSync('git', ['rev-list', '--count', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim(),
  );
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const seedCommits = from ? 1 : 1;
  if (commits !== concurrentCount + seedCommits)
    throw new Error(`expected ${concurrentCount + 1} commits, found ${commits}`);
  latencies.sort((a, b) => a - b);
  return {
    count,
    baselinePerSec: (count / baselineMs) * 1000,
    serialPerSec: (count / serialMs) * 1000,
    concurrentPerSec: (concurrentCount / concurrentMs) * 1000,
    concurrentP99Ms: latencies[Math.floor(latencies.length * 0.99)]!,
  };
}
