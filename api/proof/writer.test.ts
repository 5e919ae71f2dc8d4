// Proof: one writer per branch survives its faults. Three replicas elect the writer with a lock
// file (the same interface a Kubernetes Lease backs in a cluster). (1) kill -9 of the writer in the
// middle of a burst: another replica takes over within seconds and writes continue without anyone
// stepping in; every acknowledged write is on main exactly once. (2) the remote goes away for 5 s
// during writes: writes are acknowledged as pending and published, in order, once it is back;
// no parked branch, since no two editors changed the same entry.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { waitFor } from '@mimsy/core/testing';
import {
  call,
  freePort,
  git,
  GitRemote,
  PROOF_REPO,
  startApi,
  workspace,
  writeUsers,
  type ApiProcess,
  type Tokens,
} from './harness.js';

const EDITORS = 12;

interface Op {
  id: string;
  slug: string;
  kind: 'create' | 'update';
  status: number;
  code?: string;
  sync?: string;
  sha?: string;
  started: number;
}

interface Cluster {
  ws: ReturnType<typeof workspace>;
  remote: GitRemote;
  tokens: Tokens;
  replicas: (ApiProcess | null)[];
  ports: number[];
  dirs: string[];
  lock: string;
  start(i: number): Promise<ApiProcess>;
}

let cluster: Cluster | null = null;

afterEach(async () => {
  if (!cluster) return;
  for (const r of cluster.replicas) await r?.stop().catch(() => undefined);
  await cluster.remote.stop();
  cluster.ws.cleanup();
  cluster = null;
});

async function makeCluster(): Promise<Cluster> {
  const ws = workspace();
  const remote = await GitRemote.create(ws.dir, PROOF_REPO);
  const usersFile = path.join(ws.dir, 'users.json');
  const tokens = await writeUsers(usersFile, EDITORS);
  const lock = path.join(ws.dir, 'writer.lock');
  const c: Cluster = {
    ws,
    remote,
    tokens,
    replicas: [],
    ports: [],
    dirs: [],
    lock,
    start: async (i) => {
      const r = await startApi(
        {
          MIMSY_REPO_DIR: c.dirs[i]!,
          MIMSY_REPO_URL: remote.url,
          MIMSY_PUSH: 'auto',
          MIMSY_PULL_INTERVAL: '2',
          MIMSY_WATCH: 'false',
          MIMSY_USERS_FILE: usersFile,
          MIMSY_WRITER_ELECTION: 'lock-file',
          MIMSY_WRITER_LOCK: lock,
          MIMSY_REPLICA_URL: `http://127.0.0.1:${c.ports[i]}`,
        },
        c.ports[i],
      );
      c.replicas[i] = r;
      return r;
    },
  };
  for (let i = 0; i < 3; i++) {
    c.ports.push(await freePort());
    c.dirs.push(path.join(ws.dir, `replica-${i}`));
    await c.start(i);
  }
  cluster = c;
  return c;
}

/** The replica holding the writer's lock (from the holder file the lock's owner writes). */
function writerIndex(c: Cluster): number {
  const { url } = JSON.parse(readFileSync(`${c.lock}.holder`, 'utf8')) as { url: string };
  return c.ports.findIndex((p) => url.endsWith(`:${p}`));
}

/**
 * An editor creating and updating their own entries through random live replicas until `until()`
 * says stop. An answer that leaves the outcome open (no answer, 503) makes them reload first.
 */
async function editor(c: Cluster, index: number, until: () => boolean, ops: Op[]): Promise<void> {
  const token = c.tokens.editors[index]!;
  const own = new Map<string, string | null>(); // slug → version (null: reload before saving)
  let k = 0;
  while (!until()) {
    const live = c.replicas.map((r, i) => (r ? i : -1)).filter((i) => i >= 0);
    const replica = c.replicas[live[k % live.length]!]!;
    const id = `w${index}-${k++}`;
    const base = `${replica.url}/api/collections/notes/entries`;
    const started = Date.now();
    const stale = [...own].find(([, v]) => v === null)?.[0];
    if (stale) {
      const read = await call<{ version: string }>(`${base}/${stale}`, token);
      if (read.status === 200) own.set(stale, read.body.version);
      else if (read.status === 404) own.delete(stale);
      continue;
    }
    let res;
    let slug: string;
    let kind: Op['kind'];
    if (own.size < 3 || k % 3 === 0) {
      kind = 'create';
      slug = `${id}-note`;
      res = await call<{ entry: { version: string }; commit: { sha: string; sync: string } }>(base, token, {
        method: 'POST',
        body: { slug, data: { title: `Note ${id}`, op: id } },
        timeoutMs: 30_000,
      });
    } else {
      kind = 'update';
      const slugs = [...own.keys()];
      slug = slugs[k % slugs.length]!;
      res = await call<{ entry: { version: string }; commit: { sha: string; sync: string } }>(
        `${base}/${slug}`,
        token,
        {
          method: 'PUT',
          headers: { 'if-match': `"${own.get(slug)}"` },
          body: { data: { title: `Note ${id}`, op: id } },
          timeoutMs: 30_000,
        },
      );
    }
    const code = (res.body as { error?: { code?: string } } | null)?.error?.code;
    ops.push({
      id,
      slug,
      kind,
      status: res.status,
      started,
      ...(code ? { code } : {}),
      ...(res.body?.commit ? { sha: res.body.commit.sha, sync: res.body.commit.sync } : {}),
    });
    if (res.status === 200 || res.status === 201) own.set(slug, res.body.entry.version);
    else if (kind === 'update' || res.status !== 400) own.set(slug, null);
    // "Try again in a moment": a person pauses before saving again (a fixed pause is the point;
    // shorter than Retry-After so that the burst stays dense).
    if (res.status === 503 || res.status === 0) await new Promise((r) => setTimeout(r, 200));
  }
  // Creates whose outcome stayed open: find out, like an editor reloading the list.
  for (const [slug, version] of own) if (version === null) own.delete(slug);
}

/** How many times each op id is on main (creates and updates carry `op=<id>` in the message). */
function onMain(c: Cluster): Map<string, number> {
  const count = new Map<string, number>();
  for (const s of c.remote.subjects()) {
    const id = / op=(\S+)$/.exec(s)?.[1];
    if (id) count.set(id, (count.get(id) ?? 0) + 1);
  }
  return count;
}

async function converge(c: Cluster): Promise<void> {
  for (const r of c.replicas) {
    if (!r) continue;
    const res = await call(`${r.url}/api/git/sync`, c.tokens.admin, { method: 'POST' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  const tree = git(c.remote.bare, 'rev-parse', 'main^{tree}');
  for (const dir of c.dirs) {
    expect(git(dir, 'rev-parse', 'HEAD^{tree}')).toBe(tree);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    // No parked branch anywhere: nobody else changed these entries.
    expect(git(dir, 'for-each-ref', '--format=%(refname)', 'refs/heads/mimsy')).toBe('');
  }
  expect(git(c.remote.bare, 'for-each-ref', '--format=%(refname)', 'refs/heads')).toBe('refs/heads/main');
  git(c.remote.bare, 'fsck', '--no-progress', '--strict');
}

/** Waits until a replica has no commit the remote lacks (its pending writes are published). */
async function published(c: Cluster, replica: ApiProcess): Promise<void> {
  await waitFor(
    async () =>
      (await call<{ ahead: number }>(`${replica.url}/api/git/status`, c.tokens.admin)).body.ahead === 0,
    { timeout: 60_000, interval: 250 },
  );
}

function summary(ops: Op[]): Record<string, number> {
  const by: Record<string, number> = {};
  for (const op of ops) {
    const key = `${op.status}${op.code ? ` ${op.code}` : ''}${op.sync ? ` ${op.sync}` : ''}`;
    by[key] = (by[key] ?? 0) + 1;
  }
  return by;
}

it('kill -9 of the writer mid-burst: another replica writes within seconds, every acknowledged write on main once', async () => {
  const c = await makeCluster();
  const ops: Op[] = [];
  let stop = false;
  const editors = Array.from({ length: EDITORS }, (_, i) => editor(c, i, () => stop, ops));
  // The fault's timeline, in wall time (fixed delays are the point): 3 s of writes before the
  // kill, 3 s of writes through the new writer, 3 s with the killed replica back as a follower.
  await new Promise((r) => setTimeout(r, 3000));
  const killed = writerIndex(c);
  const killedAt = Date.now();
  await c.replicas[killed]!.crash();
  c.replicas[killed] = null;
  // Another replica takes the lock once it goes stale (3 s); nobody steps in.
  await waitFor(() => writerIndex(c) !== killed, { timeout: 15_000, interval: 100 });
  const tookOverMs = Date.now() - killedAt;
  await new Promise((r) => setTimeout(r, 3000));
  // The killed replica comes back on its own clone (a StatefulSet restarts it) and follows.
  await c.start(killed);
  await new Promise((r) => setTimeout(r, 3000));
  stop = true;
  await Promise.all(editors);

  const acked = ops.filter((o) => o.status === 200 || o.status === 201);
  const after = acked.filter((o) => o.started > killedAt + tookOverMs);
  console.log(
    `writer failover: took over in ${tookOverMs} ms; ${ops.length} writes, ${acked.length} acknowledged ` +
      `(${after.length} after the takeover):`,
    JSON.stringify(summary(ops)),
  );
  expect(after.length).toBeGreaterThan(10);
  // Only these answers: saved; refused because the editor's version was gone (their own unanswered
  // write landed); "try again" while the writer changed; no answer from the killed replica.
  const allowed = /^(200|201|409 MIMSY_ERR_CONFLICT|503 MIMSY_ERR_WRITER_UNAVAILABLE|0)( pushed)?$/;
  expect(Object.keys(summary(ops)).filter((k) => !allowed.test(k))).toEqual([]);
  expect(acked.every((o) => o.sync === 'pushed')).toBe(true);
  // Wait for the restarted replica to push anything it committed but could not answer for.
  await published(c, c.replicas[killed]!);
  const count = onMain(c);
  for (const op of acked) {
    expect(count.get(op.id), op.id).toBe(1);
    git(c.remote.bare, 'merge-base', '--is-ancestor', op.sha!, 'main');
  }
  await converge(c);
}, 180_000);

it('remote away for 5 s during writes: pending writes are published in order, none parked', async () => {
  const c = await makeCluster();
  const ops: Op[] = [];
  let stop = false;
  const editors = Array.from({ length: EDITORS }, (_, i) => editor(c, i, () => stop, ops));
  // The fault's timeline, in wall time (fixed delays are the point): 2 s of writes, the remote
  // away for 5 s, then 4 s of writes with it back.
  await new Promise((r) => setTimeout(r, 2000));
  const awayAt = Date.now();
  await c.remote.stop();
  await new Promise((r) => setTimeout(r, 5000));
  await c.remote.start();
  const backAt = Date.now();
  await new Promise((r) => setTimeout(r, 4000));
  stop = true;
  await Promise.all(editors);

  const acked = ops.filter((o) => o.status === 200 || o.status === 201);
  const pending = acked.filter((o) => o.sync === 'pending');
  console.log(
    `remote away ${backAt - awayAt} ms: ${ops.length} writes, ${acked.length} acknowledged ` +
      `(${pending.length} as pending):`,
    JSON.stringify(summary(ops)),
  );
  // Every write was taken: own entries only, so nothing can conflict.
  expect(Object.keys(summary(ops)).filter((k) => !/^(200|201) (pushed|pending)$/.test(k))).toEqual([]);
  expect(pending.length).toBeGreaterThan(0);
  // The pending ones go out without anyone stepping in.
  await published(c, c.replicas[writerIndex(c)]!);
  const count = onMain(c);
  for (const op of acked) expect(count.get(op.id), op.id).toBe(1);
  // In order: each editor's writes are on main in the order they were acknowledged.
  const position = new Map(c.remote.subjects().map((s, i) => [/ op=(\S+)$/.exec(s)?.[1], i]));
  for (let e = 0; e < EDITORS; e++) {
    const mine = acked.filter((o) => o.id.startsWith(`w${e}-`)).map((o) => position.get(o.id)!);
    expect(mine).toEqual([...mine].sort((a, b) => a - b));
  }
  await converge(c);
}, 180_000);
