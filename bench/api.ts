// API figures with 10,000 entries: GET one entry and a 50-item page against a bare Fastify route
// returning the same bytes; PUT throughput with 16 editors; the same-entry race checked against
// the Git log; time from start to ready.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { generateRepository } from './generate.js';

const here = import.meta.dirname;

function cloneRepo(source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-bench-api-'));
  execFileSync('git', ['clone', '--quiet', source, path.join(dir, 'repo')]);
  execFileSync('git', ['config', 'user.name', 'Bench'], { cwd: path.join(dir, 'repo') });
  execFileSync('git', ['config', 'user.email', 'bench@example.com'], { cwd: path.join(dir, 'repo') });
  return dir;
}

async function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<{ rps: number; p99: number; errors: number }> {
  const result = await autocannon({ url, headers, connections: 16, duration: seconds, pipelining: 1 });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

export interface ApiFigures {
  entries: number;
  getEntry: {
    app: { rps: number; p99: number; errors: number };
    bare: { rps: number; p99: number; errors: number };
    bytes: number;
  };
  getList: {
    app: { rps: number; p99: number; errors: number };
    bare: { rps: number; p99: number; errors: number };
    bytes: number;
  };
  putDistinct: { commitsPerSec: number; p99: number; requests: number };
  putSame: { requests: number; committed: number; conflicts: number; other: number; verified: boolean };
  ready: { entries: number; ms: number }[];
}

export async function benchApi(sizes: number[], seconds = 5): Promise<ApiFigures> {
  const source = generateRepository(path.join(here, '.work', 'repo-10000'), 10000);
  const dir = cloneRepo(source);
  const repo = path.join(dir, 'repo');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@mimsy/source',
      path.join(here, 'api-server.ts'),
      repo,
      path.join(dir, 'users.json'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const info = await new Promise<{
    appUrl: string;
    bareUrl: string;
    token: string;
    entryUrl: string;
    listUrl: string;
    entryBytes: number;
    listBytes: number;
  }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as Parameters<typeof resolve>[0]);
    });
    child.on('exit', (code) => reject(new Error(`bench server exited ${code}`)));
  });
  const auth = { authorization: `Bearer ${info.token}` };
  try {
    await load(`${info.bareUrl}/entry`, {}, 1); // warm-up both
    await load(`${info.appUrl}${info.entryUrl}`, auth, 1);
    const getEntry = {
      bare: await load(`${info.bareUrl}/entry`, {}, seconds),
      app: await load(`${info.appUrl}${info.entryUrl}`, auth, seconds),
      bytes: info.entryBytes,
    };
    const getList = {
      bare: await load(`${info.bareUrl}/list`, {}, seconds),
      app: await load(`${info.appUrl}${info.listUrl}`, auth, seconds),
      bytes: info.listBytes,
    };

    // 16 editors, each saving its own entry again and again.
    const editors = 16;
    const perEditor = 12;
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: editors }, async (_, e) => {
        const url = `${info.appUrl}/api/collections/posts/entries/batch-001/post-${1000 + e}`;
        const current = (await (await fetch(url, { headers: auth })).json()) as {
          version: string;
          data: Record<string, unknown>;
          body: string;
        };
        let version = current.version;
        for (let i = 0; i < perEditor; i++) {
          const t = performance.now();
          const res = await fetch(url, {
            method: 'PUT',
            headers: { ...auth, 'content-type': 'application/json', 'if-match': version },
            body: JSON.stringify({
              data: { ...current.data, summary: `edit ${i} by editor ${e}` },
              body: current.body,
            }),
          });
          latencies.push(performance.now() - t);
          if (res.status !== 200) throw new Error(`PUT ${res.status}: ${await res.text()}`);
          version = ((await res.json()) as { entry: { version: string } }).entry.version;
        }
      }),
    );
    const elapsed = performance.now() - started;
    latencies.sort((a, b) => a - b);
    const putDistinct = {
      commitsPerSec: (editors * perEditor * 1000) / elapsed,
      p99: latencies[Math.floor(latencies.length * 0.99)]!,
      requests: editors * perEditor,
    };

    // 16 editors racing on one entry, all from the same version, 8 rounds.
    const url = `${info.appUrl}/api/collections/posts/entries/batch-002/post-2000`;
    const file = 'content/posts/batch-002/post-2000.md';
    let committed = 0;
    let conflicts = 0;
    let other = 0;
    const wins: { ifMatch: string; sha: string; summary: string }[] = [];
    for (let round = 0; round < 8; round++) {
      const current = (await (await fetch(url, { headers: auth })).json()) as {
        version: string;
        data: Record<string, unknown>;
        body: string;
      };
      await Promise.all(
        Array.from({ length: editors }, async (_, e) => {
          const summary = `round ${round} editor ${e}`;
          const res = await fetch(url, {
            method: 'PUT',
            headers: { ...auth, 'content-type': 'application/json', 'if-match': current.version },
            body: JSON.stringify({ data: { ...current.data, summary }, body: current.body }),
          });
          if (res.status === 200) {
            committed++;
            wins.push({
              ifMatch: current.version,
              sha: ((await res.json()) as { commit: { sha: string } }).commit.sha,
              summary,
            });
          } else if (res.status === 409) conflicts++;
          else other++;
        }),
      );
    }
    // Replay the log: one commit per acknowledged write, each based on the version its editor saw.
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
    const commits = git('log', '--format=%H', '--', file).trim().split('\n').filter(Boolean);
    const mimsyCommits = commits.slice(0, -1); // the last one is the generator's
    let verified = mimsyCommits.length === committed && committed === 8;
    for (const win of wins) {
      if (!mimsyCommits.includes(win.sha)) verified = false;
      const parentBlob = git('rev-parse', `${win.sha}^:${file}`).trim();
      if (parentBlob !== win.ifMatch) verified = false;
      if (!git('show', `${win.sha}:${file}`).includes(win.summary)) verified = false;
    }
    const putSame = { requests: 8 * editors, committed, conflicts, other, verified };

    child.kill('SIGTERM');
    const ready = [];
    for (const size of sizes) ready.push({ entries: size, ms: await timeToReady(size) });
    return { entries: 10000, getEntry, getList, putDistinct, putSame, ready };
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the built server on a generated repository and times it until /api/ready answers 200. */
async function timeToReady(size: number): Promise<number> {
  const source = generateRepository(path.join(here, '.work', `repo-${size}`), size);
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-bench-ready-'));
  const users = path.join(dir, 'users.json');
  execFileSync('sh', ['-c', `printf '{"users":[]}' > ${JSON.stringify(users)}`]);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const started = performance.now();
  // The built server, as `mimsy-api` runs in production (bench/run.ts builds it first).
  const child = spawn(process.execPath, [path.resolve(here, '../api/bin/mimsy-api.js')], {
    env: {
      ...process.env,
      MIMSY_REPO_DIR: source,
      MIMSY_USERS_FILE: users,
      MIMSY_SESSION_SECRET: 's'.repeat(40),
      MIMSY_PORT: String(port),
      MIMSY_LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/ready`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 120_000) throw new Error('server did not become ready');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
