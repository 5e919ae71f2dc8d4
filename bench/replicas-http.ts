// Replicas through HTTP (docs/scaling.md), the way editors reach them: API servers as processes on
// loopback, a `git daemon` as the remote, every write sent as an HTTP request. In one run:
//  - the raw Git loop (write a file, `git add`, `git commit`) on a clone of the same repository,
//    the baseline for one server with 16 concurrent writers (push off);
//  - one replica pushing every write, then three replicas (one writer elected by a lock file, the
//    others forwarding), each with 30 editors sending 20 edits to random replicas — once on their
//    own entries only, once "mixed" (shared entries too, with a 409 answered by saving again on
//    the current version).
// Every write acknowledged through a replica is checked to be on the remote's main exactly once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  call,
  freePort,
  git,
  GitRemote,
  PROOF_REPO,
  random,
  startApi,
  workspace,
  writeUsers,
  type ApiProcess,
  type Tokens,
} from '../api/proof/harness.js';

export interface HttpRun {
  writes: number;
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  conflicts: number;
  errors: number;
}

export interface HttpReplicasResult {
  entries: number;
  rawLoopPerSec: number;
  rounds: number;
  single: HttpRun;
  own: { one: HttpRun; three: HttpRun };
  mixed: { one: HttpRun; three: HttpRun };
  editors: number;
  perEditor: number;
}

const q = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
};

/** The raw loop: write a file, `git add`, `git commit`, one at a time, on a clone of `bare`. */
function rawLoop(bare: string, dir: string, count: number): number {
  execFileSync('git', ['clone', '--quiet', bare, dir]);
  git(dir, 'config', 'user.name', 'Bench');
  git(dir, 'config', 'user.email', 'bench@example.com');
  mkdirSync(path.join(dir, 'content/notes'), { recursive: true });
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const file = `content/notes/raw-${i}.json`;
    writeFileSync(
      path.join(dir, file),
      `${JSON.stringify({ title: `Raw ${i}`, op: `raw-${i}` }, null, 2)}\n`,
    );
    git(dir, 'add', '--', file);
    git(dir, 'commit', '--quiet', '-m', `create ${file}`);
  }
  return (count / (performance.now() - start)) * 1000;
}

async function startReplicas(
  ws: string,
  name: string,
  count: number,
  remote: GitRemote | null,
  usersFile: string,
): Promise<ApiProcess[]> {
  const out: ApiProcess[] = [];
  for (let i = 0; i < count; i++) {
    const dir = path.join(ws, `${name}-${i}`);
    const port = await freePort();
    if (!remote) execFileSync('git', ['clone', '--quiet', path.join(ws, 'remotes', 'content.git'), dir]);
    out.push(
      await startApi(
        {
          MIMSY_REPO_DIR: dir,
          MIMSY_USERS_FILE: usersFile,
          MIMSY_WATCH: 'false',
          MIMSY_LOG_LEVEL: 'error',
          ...(remote
            ? { MIMSY_REPO_URL: remote.url, MIMSY_PUSH: 'auto', MIMSY_PULL_INTERVAL: '5' }
            : { MIMSY_PUSH: 'off' }),
          ...(count > 1
            ? {
                MIMSY_WRITER_ELECTION: 'lock-file',
                MIMSY_WRITER_LOCK: path.join(ws, `${name}.lock`),
                MIMSY_REPLICA_URL: `http://127.0.0.1:${port}`,
              }
            : {}),
        },
        port,
      ),
    );
  }
  return out;
}

/**
 * `editors` editors, `perEditor` edits each, at random replicas: each creates an entry of their
 * own, then updates it; with `mixed`, every other edit goes to one of ten shared entries (loaded
 * from a random replica; on 409 saved again on the current version).
 */
async function workload(
  replicas: ApiProcess[],
  tokens: Tokens,
  name: string,
  editors: number,
  perEditor: number,
  mixed: boolean,
): Promise<{ run: HttpRun; acked: string[] }> {
  const latencies: number[] = [];
  const acked: string[] = [];
  let conflicts = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: editors }, async (_, e) => {
      const rand = random(1000 + e);
      const token = tokens.editors[e]!;
      const at = (): string => replicas[Math.floor(rand() * replicas.length)]!.url;
      const slug = `${name}-e${e}`;
      let version: string | null = null;
      for (let k = 0; k < perEditor; k++) {
        const op = `${name}-${e}-${k}`;
        const shared = mixed && k > 0 && k % 2 === 0;
        const target = shared ? `shared-${Math.floor(rand() * 10)}` : slug;
        const base = `${at()}/api/collections/notes/entries`;
        let res;
        if (!shared && version === null) {
          res = await call<{ entry: { version: string } }>(base, token, {
            method: 'POST',
            body: { slug, data: { title: op, op } },
          });
        } else {
          let expected: string | null = version;
          let data: Record<string, unknown> = { title: op, op };
          if (shared) {
            const read = await call<{ version: string; data: Record<string, unknown> }>(
              `${at()}/api/collections/notes/entries/${target}`,
              token,
            );
            expected = read.body.version;
            data = { ...read.body.data, op };
          }
          for (let attempt = 0; ; attempt++) {
            res = await call<{
              entry: { version: string };
              error?: { details?: { current?: { version: string } } };
            }>(`${base}/${target}`, token, {
              method: 'PUT',
              headers: { 'if-match': `"${expected}"` },
              body: { data },
            });
            latencies.push(res.ms);
            if (res.status !== 409 || attempt >= 5) break;
            conflicts++;
            expected = res.body.error?.details?.current?.version ?? null;
          }
          latencies.pop(); // counted once below, with the final answer
        }
        latencies.push(res.ms);
        if (res.status === 200 || res.status === 201) {
          acked.push(op);
          if (!shared) version = res.body.entry.version;
        } else errors++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return {
    run: {
      writes: acked.length,
      perSec: acked.length / seconds,
      p50Ms: q(latencies, 0.5),
      p99Ms: q(latencies, 0.99),
      conflicts,
      errors,
    },
    acked,
  };
}

function checkOnMain(remote: GitRemote, acked: string[]): void {
  const count = new Map<string, number>();
  for (const s of remote.subjects()) {
    const id = / op=(\S+)$/.exec(s)?.[1];
    if (id) count.set(id, (count.get(id) ?? 0) + 1);
  }
  const wrong = acked.filter((op) => count.get(op) !== 1);
  if (wrong.length) throw new Error(`${wrong.length} acknowledged writes are not on main exactly once`);
}

/** Runs taken together: all writes over all seconds; the worst p99; conflicts and errors summed. */
function combine(runs: HttpRun[]): HttpRun {
  const seconds = runs.reduce((t, r) => t + r.writes / r.perSec, 0);
  const writes = runs.reduce((t, r) => t + r.writes, 0);
  return {
    writes,
    perSec: writes / seconds,
    p50Ms: q(
      runs.map((r) => r.p50Ms),
      0.5,
    ),
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    conflicts: runs.reduce((t, r) => t + r.conflicts, 0),
    errors: runs.reduce((t, r) => t + r.errors, 0),
  };
}

export async function benchReplicasHttp(
  editors = 30,
  perEditor = 20,
  ownOnly = false,
  rounds = 2,
  entries = 1000,
): Promise<HttpReplicasResult> {
  const ws = workspace();
  // A site of some size: every Git command in the raw loop reads its index, as Mimsy's do.
  const notes = Object.fromEntries(
    Array.from({ length: entries }, (_, i) => [
      `content/notes/seed-${String(i).padStart(5, '0')}.json`,
      `${JSON.stringify({ title: `Seed ${i}`, op: 'seed', text: 'Some text. '.repeat(20), n: i }, null, 2)}\n`,
    ]),
  );
  const remote = await GitRemote.create(ws.dir, { ...PROOF_REPO, ...notes });
  const usersFile = path.join(ws.dir, 'users.json');
  const tokens = await writeUsers(usersFile, editors);
  const stopAll = async (list: ApiProcess[]): Promise<void> => {
    for (const r of list) await r.stop();
  };
  try {
    const rawLoopPerSec = rawLoop(remote.bare, path.join(ws.dir, 'raw'), 64);
    // One server, no remote: 16 writers on their own entries.
    let list = await startReplicas(ws.dir, 'single', 1, null, usersFile);
    const single = (await workload(list, tokens, 'single', 16, 20, false)).run;
    await stopAll(list);
    const result: Partial<HttpReplicasResult> = {
      entries,
      rawLoopPerSec,
      rounds,
      single,
      editors,
      perEditor,
    };
    // One replica and three, alternating, `rounds` times each: the machine's noise falls on both.
    for (const mixed of ownOnly ? [false] : [false, true]) {
      const kind = mixed ? 'mixed' : 'own';
      const runs: HttpRun[][] = [[], []];
      for (let round = 0; round < rounds; round++) {
        for (const [slot, count] of [1, 3].entries()) {
          const name = `${kind}${count}r${round}`;
          list = await startReplicas(ws.dir, name, count, remote, usersFile);
          const { run, acked } = await workload(list, tokens, name, editors, perEditor, mixed);
          await stopAll(list);
          checkOnMain(remote, acked);
          runs[slot]!.push(run);
        }
      }
      result[kind] = { one: combine(runs[0]!), three: combine(runs[1]!) };
    }
    return result as HttpReplicasResult;
  } finally {
    await remote.stop();
    ws.cleanup();
  }
}
