// One writer per branch: the elections (a lock file; a Kubernetes Lease against a model of the
// API server's Lease resource) and the forwarding of writes between two real servers on loopback.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRemote, makeTempRepo, waitFor, type TempRemote } from '@mimsy/core/testing';
import { buildApp } from '../app.js';
import { makeApp, makeUsers, SECRET } from '../test/helpers.js';
import { LockFileElection, type WriterElection } from './election.js';
import { KubernetesLeaseElection } from './kubernetes.js';
import { FORWARDED_BY, isForwardedWrite } from './plugin.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-replica-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

it('forwards content writes only: sign-in, webhooks and reads stay on the replica', () => {
  expect(isForwardedWrite('PUT', '/api/collections/posts/entries/a')).toBe(true);
  expect(isForwardedWrite('POST', '/api/media')).toBe(true);
  expect(isForwardedWrite('DELETE', '/api/collections/posts/entries/a?references=clear')).toBe(true);
  expect(isForwardedWrite('POST', '/api/git/sync')).toBe(false); // a pull of this replica's own copy
  expect(isForwardedWrite('GET', '/api/collections/posts/entries')).toBe(false);
  expect(isForwardedWrite('POST', '/api/auth/login')).toBe(false);
  expect(isForwardedWrite('POST', '/api/git/webhook')).toBe(false);
  expect(isForwardedWrite('GET', '/api/replica/heads')).toBe(false);
  expect(isForwardedWrite('POST', '/login')).toBe(false);
});

describe('lock-file election', () => {
  it('lets one replica lead, names it to the others, and hands over when it stops', async () => {
    const lock = path.join(tempDir(), 'writer.lock');
    const a = new LockFileElection('http://a:1', lock);
    const b = new LockFileElection('http://b:2', lock);
    cleanups.push(
      () => a.stop(),
      () => b.stop(),
    );
    const changes: boolean[] = [];
    b.onChange((leading) => changes.push(leading));
    await a.start();
    await b.start();
    expect([a.leading, b.leading]).toEqual([true, false]);
    expect(await b.writer()).toBe('http://a:1');
    expect(await a.writer()).toBe('http://a:1');
    await a.stop(); // a clean stop releases the lock: no waiting for it to go stale
    await waitFor(() => b.leading, { timeout: 3000, interval: 50 });
    expect(changes).toEqual([true]);
    expect(await b.writer()).toBe('http://b:2');
  });
});

/**
 * The API server's Lease resource as Kubernetes documents it: GET/POST/PUT on
 * /apis/coordination.k8s.io/v1/namespaces/{ns}/leases[/{name}], a resourceVersion bumped on every
 * write, and 409 Conflict for a PUT carrying an older one (optimistic concurrency).
 */
function leaseApi(): Promise<{ server: Server; url: string; lease: () => Record<string, unknown> | null }> {
  let lease: (Record<string, unknown> & { metadata: Record<string, unknown> }) | null = null;
  let version = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== 'Bearer sa-token') return send(401, { kind: 'Status', code: 401 });
      const m = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/mimsy\/leases(?:\/([^/]+))?$/.exec(req.url!);
      if (!m) return send(404, { kind: 'Status', code: 404 });
      const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString()) as typeof lease) : null;
      if (req.method === 'GET')
        return lease && m[1] === 'writer' ? send(200, lease) : send(404, { code: 404 });
      if (req.method === 'POST') {
        if (lease) return send(409, { kind: 'Status', reason: 'AlreadyExists', code: 409 });
        lease = { ...body!, metadata: { ...body!.metadata, resourceVersion: String(++version) } };
        return send(201, lease);
      }
      if (req.method === 'PUT') {
        if (!lease) return send(404, { code: 404 });
        if (body!.metadata.resourceVersion !== lease.metadata.resourceVersion)
          return send(409, { kind: 'Status', reason: 'Conflict', code: 409 });
        lease = { ...body!, metadata: { ...body!.metadata, resourceVersion: String(++version) } };
        return send(200, lease);
      }
      send(405, { code: 405 });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
      resolve({ server, url: `http://127.0.0.1:${port}`, lease: () => lease });
    }),
  );
}

describe('Kubernetes Lease election', () => {
  const make = (url: string, self: string): KubernetesLeaseElection => {
    const e = new KubernetesLeaseElection(
      self,
      { server: url, token: () => 'sa-token', namespace: 'mimsy' },
      'writer',
      1, // a one-second lease, polled every 100 ms
      100,
    );
    cleanups.push(() => e.stop());
    return e;
  };

  it('creates the Lease, renews it, and another replica takes it once its holder stops renewing', async () => {
    const api = await leaseApi();
    const a = make(api.url, 'http://a:1');
    const b = make(api.url, 'http://b:2');
    await a.start();
    await b.start();
    expect([a.leading, b.leading]).toEqual([true, false]);
    expect(await b.writer()).toBe('http://a:1');
    expect(api.lease()).toMatchObject({
      spec: { holderIdentity: 'http://a:1', leaseDurationSeconds: 1, leaseTransitions: 0 },
    });
    // Renewals keep it: b never takes over while a renews.
    await new Promise((r) => setTimeout(r, 1500));
    expect([a.leading, b.leading]).toEqual([true, false]);
    // a hangs (no renewal, no release — as after kill -9): b takes it when it has seen no renewal
    // for the lease's duration.
    (a as unknown as { stopped: boolean }).stopped = true;
    await waitFor(() => b.leading, { timeout: 5000, interval: 50 });
    expect(api.lease()).toMatchObject({ spec: { holderIdentity: 'http://b:2', leaseTransitions: 1 } });
  });

  it('hands over at once when the writer stops cleanly, and never lets two lead from one version', async () => {
    const api = await leaseApi();
    const many = ['http://a:1', 'http://b:2', 'http://c:3'].map((self) => make(api.url, self));
    await Promise.all(many.map((e) => e.start()));
    await waitFor(() => many.filter((e) => e.leading).length === 1, { timeout: 3000, interval: 20 });
    const leader = many.find((e) => e.leading)!;
    const others = many.filter((e) => e !== leader);
    const stoppedAt = Date.now();
    await leader.stop();
    await waitFor(() => others.some((e) => e.leading), { timeout: 3000, interval: 20 });
    expect(Date.now() - stoppedAt).toBeLessThan(2000);
    expect(others.filter((e) => e.leading)).toHaveLength(1);
  });
});

/** An election a test turns: nobody writes until `lead()`. */
class TurnedElection implements WriterElection {
  leading = false;
  private readonly listeners: ((leading: boolean) => void)[] = [];
  constructor(public self: string) {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  writer(): Promise<string | null> {
    return Promise.resolve(this.leading ? this.self : null);
  }
  onChange(listener: (leading: boolean) => void): void {
    this.listeners.push(listener);
  }
  lead(): void {
    this.leading = true;
    for (const l of this.listeners) l(true);
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

it('a write waiting for a writer is made by this replica when it takes the lease meanwhile', async () => {
  // The write's body is read while it waits (to send it on); taking the lease must not leave the
  // request waiting for a body already read.
  const election = new TurnedElection('');
  const made = await makeApp({ writerElection: election });
  const { app, tokens } = made;
  cleanups.push(() => made.close());
  await app.listen({ host: '127.0.0.1', port: 0 });
  election.self = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const editor = { authorization: `Bearer ${tokens.editor}`, 'content-type': 'application/json' };
  const entry = `${election.self}/api/collections/authors/entries/linus`;
  const before = (await (await fetch(entry, { headers: editor })).json()) as {
    version: string;
    data: Record<string, unknown>;
  };
  const saving = fetch(entry, {
    method: 'PUT',
    headers: { ...editor, 'if-match': `"${before.version}"` },
    body: JSON.stringify({ data: { ...before.data, name: 'Linus (waited)' } }),
    signal: AbortSignal.timeout(8000),
  });
  setTimeout(() => election.lead(), 400);
  const saved = await saving;
  expect(saved.status).toBe(200);
  expect(((await saved.json()) as { entry: { data: { name: string } } }).entry.data.name).toBe(
    'Linus (waited)',
  );
});

describe('two replicas, one writer', () => {
  interface Replica {
    app: FastifyInstance;
    url: string;
    election: WriterElection;
  }
  let remote: TempRemote;

  async function replica(dir: string, lock: string, users: Awaited<ReturnType<typeof makeUsers>>['users']) {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const url = `http://127.0.0.1:${port}`;
    const election = new LockFileElection(url, lock);
    const app = await buildApp({
      repoDir: dir,
      users,
      sessionSecret: SECRET,
      watch: false,
      webDist: null,
      git: { push: 'auto' },
      writerElection: election,
    });
    await app.listen({ host: '127.0.0.1', port });
    cleanups.push(() => app.close());
    return { app, url, election } satisfies Replica;
  }

  it('forwards a write to the writer, catches up with it, and takes over when the writer stops', async () => {
    const seed = makeTempRepo({ example: true });
    remote = makeRemote(seed);
    cleanups.push(
      () => remote.cleanup(),
      () => seed.cleanup(),
    );
    const lock = path.join(tempDir(), 'writer.lock');
    const { users, tokens } = await makeUsers();
    const a = await replica(remote.clone('a'), lock, users);
    const b = await replica(remote.clone('b'), lock, users);
    expect([a.election.leading, b.election.leading]).toEqual([true, false]);
    const editor = { authorization: `Bearer ${tokens.editor}`, 'content-type': 'application/json' };
    const entry = `${b.url}/api/collections/authors/entries/linus`;
    const before = (await (await fetch(entry, { headers: editor })).json()) as {
      version: string;
      data: Record<string, unknown>;
    };

    // A save sent to the follower is made by the writer, published, and read back on the follower.
    const saved = await fetch(entry, {
      method: 'PUT',
      headers: { ...editor, 'if-match': `"${before.version}"` },
      body: JSON.stringify({ data: { ...before.data, name: 'Linus (via b)' } }),
    });
    expect(saved.status).toBe(200);
    const body = (await saved.json()) as {
      entry: { version: string };
      commit: { sha: string; sync: string };
    };
    expect(body.commit.sync).toBe('pushed');
    const bare = (...args: string[]) =>
      execFileSync('git', ['--git-dir', remote.bare, ...args], { encoding: 'utf8' }).trim();
    expect(bare('log', '-1', '--format=%H %an', 'main')).toBe(`${body.commit.sha} eddie`);
    // The follower catches up by itself (the writer's stream of heads; a pull at most every 500 ms).
    await waitFor(
      async () =>
        ((await (await fetch(entry, { headers: editor })).json()) as { version: string }).version ===
        body.entry.version,
      { timeout: 5000, interval: 50 },
    );
    expect(
      execFileSync('git', ['rev-parse', 'HEAD'], { cwd: a.app.repo.root, encoding: 'utf8' }).trim(),
    ).toBe(body.commit.sha);

    // A stale version is the writer's 409, passed through with the current entry.
    const stale = await fetch(entry, {
      method: 'PUT',
      headers: { ...editor, 'if-match': `"${before.version}"` },
      body: JSON.stringify({ data: { ...before.data, name: 'Lost' } }),
    });
    expect(stale.status).toBe(409);
    expect(
      ((await stale.json()) as { error: { details: { current: { version: string } } } }).error.details.current
        .version,
    ).toBe(body.entry.version);

    // An upload (multipart) is forwarded byte for byte.
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('GIF89a-forwarded')], { type: 'image/gif' }), 'forwarded.gif');
    const upload = await fetch(`${b.url}/api/media`, {
      method: 'POST',
      headers: { authorization: editor.authorization },
      body: form,
    });
    expect(upload.status).toBe(201);
    const uploaded = bare('ls-tree', '-r', '--name-only', 'main', 'public/media/')
      .split('\n')
      .find((p) => p.endsWith('/forwarded.gif'))!;
    expect(bare('show', `main:${uploaded}`)).toBe('GIF89a-forwarded');
    await waitFor(
      async () =>
        (
          (await (await fetch(`${b.url}/api/media`, { headers: editor })).json()) as {
            items: { name: string }[];
          }
        ).items
          .map((i) => i.name)
          .includes(uploaded.replace('public/media/', '')),
      { timeout: 5000, interval: 50 },
    );

    // Never forwarded twice: a forwarded write reaching a replica that does not write is refused.
    const twice = await fetch(entry, {
      method: 'PUT',
      headers: { ...editor, 'if-match': `"${body.entry.version}"`, [FORWARDED_BY]: 'http://elsewhere:1' },
      body: JSON.stringify({ data: { ...before.data, name: 'Twice' } }),
    });
    expect(twice.status).toBe(503);
    expect(twice.headers.get('retry-after')).toBe('1');
    expect(((await twice.json()) as { error: { code: string } }).error.code).toBe(
      'MIMSY_ERR_WRITER_UNAVAILABLE',
    );

    // The writer's stream is for replicas only.
    expect((await fetch(`${a.url}/api/replica/heads`)).status).toBe(403);

    // The writer stops cleanly: the follower writes itself from then on.
    await a.app.close();
    await waitFor(() => b.election.leading, { timeout: 5000, interval: 50 });
    const after = await fetch(entry, {
      method: 'PUT',
      headers: { ...editor, 'if-match': `"${body.entry.version}"` },
      body: JSON.stringify({ data: { ...before.data, name: 'Linus (b writes)' } }),
    });
    expect(after.status).toBe(200);
    expect(bare('log', '-1', '--format=%s', 'main')).toMatch(/^update authors\/linus/);
  });
});
