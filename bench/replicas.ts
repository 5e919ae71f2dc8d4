// Replicas on one Git remote (docs/scaling.md): three GitStores on clones of one bare remote, ten
// writers each, every write pushed before it is acknowledged. Baseline: one store with all thirty
// writers on the same remote, run in this same process. Each writer updates its own entry, so
// every refusal is a lost race given up (REMOTE_BUSY), never a real conflict.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GitStore, MimsyError } from '@mimsy/core';
import { makeRemote, type TempRepo } from '@mimsy/core/testing';
import { generateRepository } from './generate.js';

export interface ReplicaRun {
  writes: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  busy: number;
  pushes: number;
  racesLost: number;
  longestLosingStreak: number;
}

const enc = new TextEncoder();

async function run(
  seed: TempRepo,
  replicas: number,
  writers: number,
  perWriter: number,
): Promise<ReplicaRun> {
  try {
    seed.git('remote', 'remove', 'origin'); // left by the previous run
  } catch {
    // the first run
  }
  const before = Number(seed.git('rev-list', '--count', 'HEAD'));
  const remote = makeRemote(seed);
  const stores = await Promise.all(
    Array.from({ length: replicas }, (_, i) => GitStore.open(remote.clone(`replica-${i}`))),
  );
  // Count pushes and lost races as git reports them (the store's own runner, seen from outside).
  const pushes = { ok: 0, lost: 0, longest: 0 };
  for (const store of stores) {
    const plumbing = (
      store as unknown as { ctx: { plumbing: { run: (a: string[], o?: unknown) => Promise<string> } } }
    ).ctx.plumbing;
    const original = plumbing.run;
    let streak = 0;
    plumbing.run = async (args, options) => {
      if (args[0] !== 'push') return original(args, options);
      try {
        const out = await original(args, options);
        pushes.ok++;
        streak = 0;
        return out;
      } catch (error) {
        pushes.lost++;
        pushes.longest = Math.max(pushes.longest, ++streak);
        throw error;
      }
    };
  }
  const latencies: number[] = [];
  let busy = 0;
  const start = performance.now();
  await Promise.all(
    stores.flatMap((store, r) =>
      Array.from({ length: writers }, async (_, w) => {
        const file = `content/posts/replica-${r}-writer-${w}.md`;
        let version: string | null = null;
        for (let i = 0; i < perWriter; i++) {
          const t = performance.now();
          try {
            const result = await store.commit(
              [{ path: file, bytes: enc.encode(`---\ntitle: Edit ${i}\n---\n`), expected: version }],
              {
                author: { name: `Writer ${w}`, email: `w${w}@example.com` },
                message: `edit ${i}`,
                publish: { remote: 'origin', branch: 'main' },
              },
            );
            version = result.versions[file] ?? null;
          } catch (error) {
            if (!(error instanceof MimsyError) || error.code !== 'MIMSY_ERR_REMOTE_BUSY') throw error;
            busy++;
          }
          latencies.push(performance.now() - t);
        }
      }),
    ),
  );
  const seconds = (performance.now() - start) / 1000;
  for (const store of stores) await store.close();
  const onRemote =
    Number(
      execFileSync('git', ['--git-dir', remote.bare, 'rev-list', '--count', 'main'], { encoding: 'utf8' }),
    ) - before;
  remote.cleanup();
  if (onRemote !== latencies.length - busy)
    throw new Error(`${latencies.length - busy} writes acknowledged but ${onRemote} on the remote`);
  latencies.sort((a, b) => a - b);
  const q = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return {
    writes: latencies.length - busy,
    perSec: (latencies.length - busy) / seconds,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    busy,
    pushes: pushes.ok,
    racesLost: pushes.lost,
    longestLosingStreak: pushes.longest,
  };
}

export async function benchReplicas(
  replicas = 3,
  writersPerReplica = 10,
  perWriter = 20,
  entries = 1000,
): Promise<{ baseline: ReplicaRun; replicas: ReplicaRun; replicaCount: number; writers: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-bench-replicas-'));
  generateRepository(dir, entries);
  const seed = {
    dir,
    git: (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' }),
  } as unknown as TempRepo;
  try {
    const baseline = await run(seed, 1, replicas * writersPerReplica, perWriter);
    const many = await run(seed, replicas, writersPerReplica, perWriter);
    return { baseline, replicas: many, replicaCount: replicas, writers: replicas * writersPerReplica };
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
}
