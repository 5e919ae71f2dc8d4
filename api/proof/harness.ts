// The proof suite's harness: a Git remote served by `git daemon` on loopback, API servers as real
// processes (started from the TypeScript sources), users with bearer tokens, and a small HTTP client.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeTempRepo, waitFor } from '@mimsy/core/testing';
import { listenEvents } from '../src/test/helpers.js';
import { createToken, hashPassword, type User } from '../src/users.js';

export const SESSION_SECRET = 'proof-session-secret-0123456789abcdef';
export const WEBHOOK_SECRET = 'proof-webhook-secret-0123456789';
const START = path.join(import.meta.dirname, '..', 'src', 'start.ts');

/**
 * The content model the proof uses: one JSON collection whose commit messages carry an `op`
 * field, so every write can be found in Git history by the id its test gave it.
 */
export const PROOF_REPO: Record<string, string> = {
  'mimsy.config.json': JSON.stringify({
    version: 1,
    commit: { message: '{{action}} {{schema}}/{{slug}} op={{op}}' },
  }),
  'schemas/notes.json': JSON.stringify({
    kind: 'collection',
    folder: 'content/notes',
    format: 'json',
    fields: [
      { name: 'title', type: 'string', required: true },
      { name: 'op', type: 'string' },
      { name: 'text', type: 'text' },
      { name: 'n', type: 'number' },
    ],
  }),
  ...Object.fromEntries(
    Array.from({ length: 10 }, (_, i) => [
      `content/notes/shared-${i}.json`,
      `${JSON.stringify({ title: `Shared ${i}`, op: 'seed', n: 0 }, null, 2)}\n`,
    ]),
  ),
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).trim();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function waitForPort(port: number, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > end) reject(new Error(`nothing listens on ${port}`));
        else setTimeout(attempt, 50);
      });
      socket.connect(port, '127.0.0.1');
    };
    attempt();
  });
}

/** A folder that holds everything of one test; removed by cleanup(). */
export function workspace(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-proof-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A bare repository seeded with `files`, served read-write by `git daemon` on loopback. stop() and
 * start() take the remote away and bring it back on the same port (the "remote down" fault).
 */
export class GitRemote {
  private child: ChildProcess | null = null;
  private constructor(
    readonly base: string,
    readonly bare: string,
    readonly port: number,
  ) {}

  static async create(dir: string, files: Record<string, string>): Promise<GitRemote> {
    const seed = makeTempRepo({ files });
    const base = path.join(dir, 'remotes');
    mkdirSync(base, { recursive: true });
    const bare = path.join(base, 'content.git');
    execFileSync('git', ['clone', '--quiet', '--bare', seed.dir, bare]);
    seed.cleanup();
    // Pushes from several replicas at once: let the remote take them without gc noise.
    git(bare, 'config', 'receive.autogc', 'false');
    const remote = new GitRemote(base, bare, await freePort());
    await remote.start();
    return remote;
  }

  get url(): string {
    return `git://127.0.0.1:${this.port}/content.git`;
  }

  async start(): Promise<void> {
    if (this.child) return;
    this.child = spawn(
      'git',
      [
        'daemon',
        '--reuseaddr',
        '--export-all',
        '--enable=receive-pack',
        `--base-path=${this.base}`,
        '--listen=127.0.0.1',
        `--port=${this.port}`,
        this.base,
      ],
      { stdio: 'ignore' },
    );
    await waitForPort(this.port);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Commit subjects on main, oldest first. */
  subjects(ref = 'main'): string[] {
    return git(this.bare, 'log', '--reverse', '--format=%s', ref).split('\n').filter(Boolean);
  }
}

export interface Tokens {
  admin: string;
  editors: string[];
}

/** A users file with one admin and `editors` editors, each with a bearer token. */
export async function writeUsers(file: string, editors: number): Promise<Tokens> {
  const passwordHash = await hashPassword('proof password 1234');
  const users: User[] = [];
  const admin = createToken();
  users.push({
    name: 'admin',
    email: 'admin@example.com',
    role: 'admin',
    passwordHash,
    tokens: [admin.stored],
  });
  const tokens: string[] = [];
  for (let i = 0; i < editors; i++) {
    const t = createToken();
    tokens.push(t.token);
    users.push({
      name: `editor${i}`,
      email: `editor${i}@example.com`,
      role: 'editor',
      passwordHash,
      tokens: [t.stored],
    });
  }
  writeFileSync(file, JSON.stringify({ version: 1, users }, null, 2));
  return { admin: admin.token, editors: tokens };
}

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** kill -9: no chance to finish anything. */
  crash(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

/** Starts `mimsy-api` (from sources) on a free loopback port; resolves once /api/ready answers. */
export async function startApi(env: Record<string, string>, port?: number): Promise<ApiProcess> {
  const listenOn = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@mimsy/source', START], {
    env: {
      ...process.env,
      MIMSY_SESSION_SECRET: SESSION_SECRET,
      MIMSY_LOG_LEVEL: 'warn',
      ...env,
      MIMSY_PORT: String(listenOn),
      MIMSY_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exitCode: number | null | undefined;
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${listenOn}`;
  await waitFor(
    async () =>
      exitCode !== undefined ||
      fetch(`${url}/api/ready`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      ),
    { timeout: 60_000, interval: 50, message: () => `mimsy-api to be ready:\n${out}` },
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  if (exitCode !== undefined) throw new Error(`mimsy-api exited (${exitCode}) before it was ready:\n${out}`);
  return {
    url,
    child,
    output: () => out,
    crash: async () => {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  /** Milliseconds from sending to the whole answer. */
  ms: number;
  body: T;
  headers: Headers;
}

/** Sends one JSON request with a bearer token; network failures come back as status 0. */
export async function call<T = Record<string, unknown>>(
  url: string,
  token: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply<T>> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      signal: AbortSignal.timeout(init.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = { raw: text };
    }
    return { status: res.status, ms: performance.now() - started, body: body as T, headers: res.headers };
  } catch (error) {
    return {
      status: 0,
      ms: performance.now() - started,
      body: { error: String(error) } as T,
      headers: new Headers(),
    };
  }
}

/** A small seeded random generator (mulberry32) so a failing run can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Files whose names show an interrupted write (Mimsy's temp files), anywhere under `dir`. */
export function tempFiles(dir: string): string[] {
  const out = execFileSync('find', [dir, '-name', '.mimsy-tmp-*', '-not', '-path', '*/node_modules/*'], {
    encoding: 'utf8',
  });
  return out.split('\n').filter(Boolean);
}

/** Listens to /api/events with a bearer token. */
export function listen(url: string, token: string): ReturnType<typeof listenEvents> {
  return listenEvents(url, { authorization: `Bearer ${token}` });
}

/** The q-quantile (0..1) of some numbers. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
