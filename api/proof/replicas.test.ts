// Proof 1: three API replicas on one Git remote (git daemon on loopback); 30 editors make 600
// edits at random replicas. Every acknowledged write is in the remote's history exactly once, every
// refused one left no trace, and replicas and remote end with the same tree and a clean fsck.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '@mimsy/core/testing';
import {
  call,
  freePort,
  git,
  GitRemote,
  listen,
  PROOF_REPO,
  quantile,
  random,
  startApi,
  workspace,
  writeUsers,
  type ApiProcess,
  type Reply,
  type Tokens,
} from './harness.js';

const EDITORS = 30;
const EDITS = Number(process.env.MIMSY_PROOF_EDITS ?? 600);
const SEED = Number(process.env.MIMSY_PROOF_SEED ?? 7);

interface Op {
  id: string;
  kind: 'create' | 'update-shared' | 'update-own' | 'delete';
  slug: string;
  replica: number;
  status: number;
  code?: string;
  sha?: string;
  ms: number;
}

let ws: ReturnType<typeof workspace>;
let remote: GitRemote;
let tokens: Tokens;
const replicas: ApiProcess[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  ws = workspace();
  remote = await GitRemote.create(ws.dir, PROOF_REPO);
  const usersFile = path.join(ws.dir, 'users.json');
  tokens = await writeUsers(usersFile, EDITORS);
  for (let i = 0; i < 3; i++) {
    const dir = path.join(ws.dir, `replica-${i}`);
    dirs.push(dir);
    const port = await freePort();
    replicas.push(
      await startApi(
        {
          MIMSY_REPO_DIR: dir,
          MIMSY_REPO_URL: remote.url,
          MIMSY_PUSH: 'auto',
          MIMSY_PULL_INTERVAL: '1',
          MIMSY_WATCH: 'false', // as deployed: only Mimsy writes a replica's volume
          MIMSY_USERS_FILE: usersFile,
          // One writer: the replica holding the lock; the others forward writes to it.
          MIMSY_WRITER_ELECTION: 'lock-file',
          MIMSY_WRITER_LOCK: path.join(ws.dir, 'writer.lock'),
          MIMSY_REPLICA_URL: `http://127.0.0.1:${port}`,
        },
        port,
      ),
    );
  }
}, 120_000);

afterAll(async () => {
  for (const r of replicas) await r.stop().catch(() => undefined);
  await remote?.stop();
  ws?.cleanup();
});

async function editor(index: number, edits: number, ops: Op[]): Promise<void> {
  const rand = random(SEED * 1000 + index);
  const token = tokens.editors[index]!;
  const pick = (): number => Math.floor(rand() * replicas.length);
  const own = new Map<string, string>(); // slug → version the editor last saw
  let created = 0;
  for (let k = 0; k < edits; k++) {
    const id = `e${index}-${k}`;
    const roll = rand();
    const replica = pick();
    const base = `${replicas[replica]!.url}/api/collections/notes/entries`;
    const record = (kind: Op['kind'], slug: string, res: Reply<{ commit?: { sha: string } }>): void => {
      ops.push({
        id,
        kind,
        slug,
        replica,
        status: res.status,
        sha: res.body.commit?.sha,
        ms: res.ms,
        ...errorCode(res.body),
      });
    };
    if (roll < 0.25 || own.size === 0) {
      const slug = `e${index}-note-${created++}`;
      const res = await call<{ entry: { version: string }; commit: { sha: string } }>(base, token, {
        method: 'POST',
        body: { slug, data: { title: `Note ${id}`, op: id, n: k } },
      });
      if (res.status === 201) own.set(slug, res.body.entry.version);
      record('create', slug, res);
    } else if (roll < 0.65) {
      const slug = `shared-${Math.floor(rand() * 10)}`;
      // The editor opens the entry on one replica and saves through another (no sticky sessions).
      const read = await call<{ version: string; data: Record<string, unknown> }>(
        `${replicas[pick()]!.url}/api/collections/notes/entries/${slug}`,
        token,
      );
      if (read.status !== 200) throw new Error(`read ${slug}: ${read.status} ${JSON.stringify(read.body)}`);
      const res = await call<{ commit: { sha: string } }>(`${base}/${slug}`, token, {
        method: 'PUT',
        headers: { 'if-match': `"${read.body.version}"` },
        body: { data: { ...read.body.data, op: id, n: k } },
      });
      record('update-shared', slug, res);
    } else if (roll < 0.9) {
      const slugs = [...own.keys()];
      const slug = slugs[Math.floor(rand() * slugs.length)]!;
      const res = await call<{ entry: { version: string }; commit: { sha: string } }>(
        `${base}/${slug}`,
        token,
        {
          method: 'PUT',
          headers: { 'if-match': `"${own.get(slug)}"` },
          body: { data: { title: `Note ${id}`, op: id, n: k } },
        },
      );
      if (res.status === 200) own.set(slug, res.body.entry.version);
      record('update-own', slug, res);
    } else {
      const slugs = [...own.keys()];
      const slug = slugs[Math.floor(rand() * slugs.length)]!;
      const res = await call<{ commit: { sha: string } }>(`${base}/${slug}`, token, {
        method: 'DELETE',
        headers: { 'if-match': `"${own.get(slug)}"` },
      });
      if (res.status === 200) own.delete(slug);
      record('delete', slug, res);
    }
  }
}

function errorCode(body: unknown): { code?: string } {
  const code = (body as { error?: { code?: string } } | null)?.error?.code;
  return code ? { code } : {};
}

it(`${EDITORS} editors, ${EDITS} edits at random replicas: nothing lost, nothing doubled, same trees`, async () => {
  const watcher = listen(replicas[2]!.url, tokens.admin);
  await watcher.ready;
  const ops: Op[] = [];
  const started = Date.now();
  await Promise.all(Array.from({ length: EDITORS }, (_, i) => editor(i, EDITS / EDITORS, ops)));
  const seconds = (Date.now() - started) / 1000;

  const byStatus: Record<string, number> = {};
  for (const op of ops)
    byStatus[`${op.status}${op.code ? ` ${op.code}` : ''}`] =
      (byStatus[`${op.status}${op.code ? ` ${op.code}` : ''}`] ?? 0) + 1;
  console.log(
    `replicas: ${ops.length} edits in ${seconds.toFixed(1)} s (${(ops.length / seconds).toFixed(1)}/s), ` +
      `answer p50 ${quantile(
        ops.map((o) => o.ms),
        0.5,
      ).toFixed(0)} ms, p99 ${quantile(
        ops.map((o) => o.ms),
        0.99,
      ).toFixed(0)} ms:`,
    JSON.stringify(byStatus),
    // Where the tail is: p50/p99 by kind of edit.
    Object.fromEntries(
      (['create', 'update-shared', 'update-own', 'delete'] as const).map((kind) => {
        const ms = ops.filter((o) => o.kind === kind).map((o) => o.ms);
        return [kind, `${quantile(ms, 0.5).toFixed(0)}/${quantile(ms, 0.99).toFixed(0)} ms`];
      }),
    ),
  );
  expect(ops).toHaveLength(EDITS);
  // Only these answers: done, or refused with a reason the editor can act on.
  // (No 503 REMOTE_BUSY: with one writer, pushes do not race each other any more.)
  const allowed = new Set(['201', '200', '409 MIMSY_ERR_CONFLICT']);
  expect(Object.keys(byStatus).filter((s) => !allowed.has(s))).toEqual([]);
  const acked = ops.filter((o) => o.status === 200 || o.status === 201);
  const refused = ops.filter((o) => o.status !== 200 && o.status !== 201);
  expect(acked.length).toBeGreaterThan(EDITS / 2);
  expect(refused.filter((o) => o.status === 409).length).toBeGreaterThan(0); // shared entries do collide

  // Every acknowledged write: in the remote's main history exactly once, as the commit it was told.
  const subjects = remote.subjects();
  const opCount = new Map<string, number>();
  for (const s of subjects) {
    const m = / op=(\S+)$/.exec(s);
    if (m && !s.startsWith('delete ')) opCount.set(m[1]!, (opCount.get(m[1]!) ?? 0) + 1);
  }
  const deletes = new Map<string, number>();
  for (const s of subjects) {
    const m = /^delete notes\/(\S+)/.exec(s);
    if (m) deletes.set(m[1]!, (deletes.get(m[1]!) ?? 0) + 1);
  }
  for (const op of acked) {
    if (op.kind === 'delete') expect(deletes.get(op.slug), op.id).toBe(1);
    else expect(opCount.get(op.id), op.id).toBe(1);
    git(remote.bare, 'merge-base', '--is-ancestor', op.sha!, 'main');
  }
  // Every refused write left no trace, on any branch of the remote.
  const everything = new Set(
    git(remote.bare, 'log', '--all', '--format=%s')
      .split('\n')
      .map((l) => / op=(\S+)$/.exec(l)?.[1]),
  );
  const ackedDeletes = new Set(acked.filter((o) => o.kind === 'delete').map((o) => o.slug));
  for (const op of refused) {
    if (op.kind !== 'delete') expect(everything.has(op.id), op.id).toBe(false);
    else expect(deletes.get(op.slug) ?? 0, op.id).toBe(ackedDeletes.has(op.slug) ? 1 : 0);
  }
  expect(git(remote.bare, 'for-each-ref', '--format=%(refname)', 'refs/heads')).toBe('refs/heads/main');

  // Converge: each replica pulls, then all trees are the remote's, and all indexes agree.
  for (const r of replicas) {
    const res = await call(`${r.url}/api/git/sync`, tokens.admin, { method: 'POST' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  const tree = git(remote.bare, 'rev-parse', 'main^{tree}');
  for (const dir of dirs) {
    expect(git(dir, 'rev-parse', 'HEAD^{tree}')).toBe(tree);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    git(dir, 'fsck', '--no-progress');
  }
  git(remote.bare, 'fsck', '--no-progress', '--strict');
  const listings: string[] = [];
  for (const r of replicas) {
    const items: string[] = [];
    let cursor: string | null = null;
    do {
      const res: {
        status: number;
        body: { items: { slug: string; version: string }[]; nextCursor: string | null };
      } = await call(
        `${r.url}/api/collections/notes/entries?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        tokens.admin,
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items.map((e) => `${e.slug}@${e.version}`));
      cursor = res.body.nextCursor;
    } while (cursor);
    listings.push(items.sort().join('\n'));
  }
  expect(listings[1]).toBe(listings[0]);
  expect(listings[2]).toBe(listings[0]);
  expect(listings[0]!.split('\n').length).toBe(
    Number(git(remote.bare, 'ls-tree', '--name-only', 'main', 'content/notes/').split('\n').length),
  );
  // The watched replica announced entries that other replicas wrote.
  await waitFor(() => watcher.events.some((e) => e.source === 'remote'));
  watcher.close();
}, 600_000);
