// Cost of one git process through each way of running it: Node's execFile (the baseline),
// Mimsy's runner (core/src/store/git/run.ts, on execa) and simple-git. Medians per call, in one
// repository, interleaved so that machine noise hits every runner alike.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { gitEnvironment, gitRunner } from '../core/src/store/git/run.js';

const execFileAsync = promisify(execFile);

export interface RunnerResult {
  /** Median ms per call: [silent command (update-ref), command with output (status --porcelain)]. */
  execFile: [number, number];
  mimsy: [number, number];
  simpleGit: [number, number];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchRunners(calls = 200): Promise<RunnerResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-bench-runners-'));
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
    git('init', '--quiet', '--initial-branch=main');
    for (let i = 0; i < 100; i++) writeFileSync(path.join(dir, `f${i}.md`), `# ${i}\n`);
    git('add', '.');
    git('-c', 'user.name=Bench', '-c', 'user.email=bench@localhost', 'commit', '--quiet', '-m', 'init');
    const env = gitEnvironment();
    const node = (args: string[]): Promise<unknown> => execFileAsync('git', args, { cwd: dir, env });
    const mimsy = gitRunner(dir, env);
    // (Its own environment: simple-git refuses one that carries EDITOR and other "unsafe" keys.)
    const sg = simpleGit({ baseDir: dir });
    const silent = ['update-ref', 'refs/bench/x', 'HEAD'];
    const output = ['status', '--porcelain'];
    const runners: [keyof RunnerResult, (args: string[]) => Promise<unknown>][] = [
      ['execFile', node],
      ['mimsy', (args) => mimsy(args)],
      ['simpleGit', (args) => sg.raw(args)],
    ];
    const times = Object.fromEntries(runners.map(([name]) => [name, [[], []]])) as unknown as Record<
      keyof RunnerResult,
      [number[], number[]]
    >;
    for (let i = 0; i < calls + 10; i++) {
      for (const [name, run] of runners) {
        for (const [k, args] of [silent, output].entries()) {
          const start = performance.now();
          await run(args);
          if (i >= 10) times[name][k]!.push(performance.now() - start); // 10 warm-up rounds
        }
      }
    }
    const pick = (name: keyof RunnerResult): [number, number] => [
      median(times[name][0]),
      median(times[name][1]),
    ];
    return { execFile: pick('execFile'), mimsy: pick('mimsy'), simpleGit: pick('simpleGit') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
