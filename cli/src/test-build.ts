// Test support: builds core, api and cli once for the test files that run the compiled packages
// (the binary, the packed tarballs). Test files run in parallel; two tsc runs writing one dist/
// would race, so the build holds a lock, and a file that waited finds it done.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LOCK = path.join(tmpdir(), `mimsy-build-${Buffer.from(ROOT).toString('hex').slice(-24)}.lock`);
const DONE = `${LOCK}.done`;
const STALE_MS = 5 * 60_000;

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds the packages unless another test file of this run (same process group) just did. */
export function buildPackages(): void {
  const run = String(process.env.VITEST_POOL_ID ? process.ppid : process.pid);
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      pause(200);
    }
  }
  try {
    if (existsSync(DONE) && readFileSync(DONE, 'utf8') === run) return;
    execFileSync(
      'pnpm',
      ['--filter', '@mimsy/core', '--filter', '@mimsy/api', '--filter', '@mimsy/cli', 'run', 'build'],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    writeFileSync(DONE, run);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
