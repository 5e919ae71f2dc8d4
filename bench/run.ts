// `pnpm bench`: runs every benchmark and rewrites bench/RESULTS.md. Each figure is a ratio to a
// baseline measured in the same process, so results from different machines stay comparable.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchWrites } from './writes.js';

const here = import.meta.dirname;
const sizes = (process.env.MIMSY_BENCH_SIZES ?? '10000,50000').split(',').map(Number);

interface IndexResult {
  count: number;
  entries: number;
  baselineFirstMs: number;
  openFirstMs: number;
  openWithHistoryMs: number;
  baselineMedianMs: number;
  buildMedianMs: number;
  heapMB: number;
  rssMB: number;
}

const index: IndexResult[] = [];
for (const size of sizes) {
  process.stderr.write(`index: ${size} entries…\n`);
  // A fresh process per size, so that memory and first-open time are not flattered by earlier runs.
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      '--conditions=@mimsy/source',
      path.join(here, 'index-open.ts'),
      String(size),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  index.push(JSON.parse(out.trim().split('\n').pop()!) as IndexResult);
}
process.stderr.write('writes…\n');
const writes = await benchWrites(120);

const f = (n: number, digits = 0): string => n.toFixed(digits);
const lines = [
  '# Benchmark results',
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${f(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, by \`pnpm bench\` (bench/run.ts). Every figure is a ratio to a baseline run in the same process.`,
  '',
  '## Open + index a repository of Markdown entries (core)',
  '',
  'Baseline: walk the same folders and read every file’s bytes, nothing else. "Open" is',
  '`Repository.open()` in a fresh process: load config and schemas, recover, read, parse and index',
  'every entry (the first run in the process, so it includes JIT warm-up); "+ history" adds',
  'updatedAt/updatedBy from one `git log`. "Index build (warm)" is the median of 5 further',
  '`ContentIndex.build()` runs against the median of 5 baseline reads. Heap is the growth of the',
  'V8 heap after GC while the index is held.',
  '',
  '| entries | open (first) | ratio to reading bytes | + history | index build (warm) | ratio (warm) | heap held | RSS |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...index.map(
    (r) =>
      `| ${r.entries.toLocaleString('en')} | ${f(r.openFirstMs)} ms | ${f(r.openFirstMs / r.baselineFirstMs, 1)}× (${f(r.baselineFirstMs)} ms) | ${f(r.openWithHistoryMs)} ms | ${f(r.buildMedianMs)} ms | ${f(r.buildMedianMs / r.baselineMedianMs, 1)}× (${f(r.baselineMedianMs)} ms) | ${f(r.heapMB)} MB | ${f(r.rssMB)} MB |`,
  ),
  '',
  'Targets (issue #2): under 1.5 s for 10,000 entries; under 3× the time of reading the bytes.',
  '',
  '## Committed writes through the Git store (core)',
  '',
  `Baseline: a loop of write file → \`git add\` → \`git commit\`, ${writes.count} files. Mimsy: \`GitStore.commit()\` with`,
  'its precondition check, atomic write, journal and author; serial, then 16 concurrent writers',
  '(serialized by the per-repository write queue).',
  '',
  '| | commits/s | ratio to baseline | p99 latency |',
  '|---|---:|---:|---:|',
  `| baseline \`git add && git commit\` | ${f(writes.baselinePerSec!, 1)} | 1.00× | |`,
  `| Mimsy, serial | ${f(writes.serialPerSec!, 1)} | ${f(writes.serialPerSec! / writes.baselinePerSec!, 2)}× | |`,
  `| Mimsy, 16 concurrent writers | ${f(writes.concurrentPerSec!, 1)} | ${f(writes.concurrentPerSec! / writes.baselinePerSec!, 2)}× | ${f(writes.concurrentP99Ms!)} ms |`,
  '',
];
writeFileSync(path.join(here, 'RESULTS.md'), lines.join('\n'));
console.log(lines.join('\n'));
