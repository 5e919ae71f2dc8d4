// Child process: open + index a generated repository of N entries, against a baseline of merely
// listing and reading the same files' bytes in this same process. Prints one JSON line.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ContentIndex, GitStore, loadProject, Repository } from '@mimsy/core';
import { generateRepository } from './generate.js';

const count = Number(process.argv[2] ?? 10000);
const dir = generateRepository(path.resolve(import.meta.dirname, '.work', `repo-${count}`), count);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function readAllBytes(): number {
  let bytes = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else bytes += readFileSync(path.join(d, e.name)).byteLength;
    }
  };
  walk(path.join(dir, 'content'));
  return bytes;
}

const time = async (fn: () => unknown): Promise<number> => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm the page cache once (untimed), so that both sides read from memory, not from the disk.
readAllBytes();
// First runs of each in this process (JIT-cold), baseline first, then repeated warm runs.
const baselineFirst = await time(readAllBytes);
gc();
const before = process.memoryUsage();
const openStart = performance.now();
const repo = await Repository.open(dir, { history: true });
const openFirst = performance.now() - openStart;
await repo.index.historyLoaded;
const openWithHistory = performance.now() - openStart;
gc();
const after = process.memoryUsage();
const heapMB = (after.heapUsed - before.heapUsed) / 2 ** 20;
const entries = repo.index.count('posts');
await repo.close();

const project = await loadProject(dir);
const store = await GitStore.open(dir);
const baselines: number[] = [];
const builds: number[] = [];
for (let i = 0; i < 5; i++) {
  baselines.push(await time(readAllBytes));
  builds.push(await time(() => ContentIndex.build(project, store, { history: false })));
}
console.log(
  JSON.stringify({
    count,
    entries,
    baselineFirstMs: baselineFirst,
    openFirstMs: openFirst,
    openWithHistoryMs: openWithHistory,
    baselineMedianMs: median(baselines),
    buildMedianMs: median(builds),
    heapMB,
    rssMB: after.rss / 2 ** 20,
  }),
);
