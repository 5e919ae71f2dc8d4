// Cold start of `mimsy --help` (the built binary) as a ratio to `node -e 0`, in the same run.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

function timeRuns(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function benchCliHelp(runs = 20): { nodeMs: number; helpMs: number; versionMs: number } {
  const bin = path.resolve(import.meta.dirname, '../cli/bin/mimsy.js');
  timeRuns(['-e', '0'], 3);
  timeRuns([bin, '--help'], 3);
  return {
    nodeMs: timeRuns(['-e', '0'], runs),
    helpMs: timeRuns([bin, '--help'], runs),
    versionMs: timeRuns([bin, '--version'], runs),
  };
}
