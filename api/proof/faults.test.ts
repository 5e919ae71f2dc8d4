// Proof 3: faults. Remote unreachable, push rejected mid-rebase, disk full, read-only volume and
// corrupted files: each gives the client (and the log) a clear answer, and once the fault clears
// Mimsy recovers without losing anything.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@mimsy/core/testing';
import {
  call,
  git,
  GitRemote,
  PROOF_REPO,
  startApi,
  workspace,
  writeUsers,
  type ApiProcess,
  type Reply,
  type Tokens,
} from './harness.js';

let ws: ReturnType<typeof workspace>;
let remote: GitRemote;
let tokens: Tokens;
let usersFile: string;
let api: ApiProcess | null = null;
let counter = 0;

beforeAll(async () => {
  ws = workspace();
  remote = await GitRemote.create(ws.dir, PROOF_REPO);
  usersFile = path.join(ws.dir, 'users.json');
  tokens = await writeUsers(usersFile, 2);
});

afterEach(async () => {
  await api?.stop();
  api = null;
  await remote.start();
});

afterAll(async () => {
  await remote?.stop();
  ws?.cleanup();
});

async function replica(
  env: Record<string, string> = {},
  dir?: string,
): Promise<{ api: ApiProcess; dir: string }> {
  const where = dir ?? path.join(ws.dir, `replica-${counter++}`);
  api = await startApi({
    MIMSY_REPO_DIR: where,
    MIMSY_REPO_URL: remote.url,
    MIMSY_PUSH: 'auto',
    MIMSY_USERS_FILE: usersFile,
    ...env,
  });
  return { api, dir: where };
}

type WriteReply = Reply<{
  entry: { version: string; data: Record<string, unknown> };
  commit: { sha: string; sync?: string };
  error?: { code: string; message: string };
}>;

function create(url: string, slug: string): Promise<WriteReply> {
  return call(`${url}/api/collections/notes/entries`, tokens.editors[0]!, {
    method: 'POST',
    body: { slug, data: { title: slug, op: slug } },
  });
}

async function update(url: string, slug: string, title: string): Promise<WriteReply> {
  const read = await call<{ version: string; data: Record<string, unknown> }>(
    `${url}/api/collections/notes/entries/${slug}`,
    tokens.editors[0]!,
  );
  return call(`${url}/api/collections/notes/entries/${slug}`, tokens.editors[0]!, {
    method: 'PUT',
    headers: { 'if-match': `"${read.body.version}"` },
    body: { data: { ...read.body.data, title, op: title } },
  });
}

function status(
  url: string,
): Promise<Reply<{ pendingPush: boolean; ahead: number; lastSync: { ok: boolean; error?: string } | null }>> {
  return call(`${url}/api/git/status`, tokens.admin);
}

/** Whether this process may mount file systems (root in a container with CAP_SYS_ADMIN). */
function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = path.join(tmpdir(), `mimsy-mount-probe-${process.pid}`);
  try {
    mkdirSync(probe, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

describe('remote unreachable', () => {
  it('commits locally, reports the write as pending, and pushes it when the remote is back', async () => {
    const { api } = await replica();
    await remote.stop();
    const res = await create(api.url, 'while-down');
    expect(res.status).toBe(201);
    expect(res.body.commit.sync).toBe('pending');
    const down = await status(api.url);
    expect(down.body.pendingPush).toBe(true);
    expect(down.body.ahead).toBe(1);
    expect(down.body.lastSync?.error).toMatch(/cannot be reached.*kept here and pushed when that is fixed/);
    await waitFor(() => /push to the Git remote failed/.test(api.output()));
    // Reads and further writes keep working while the remote is away.
    expect((await create(api.url, 'also-while-down')).body.commit.sync).toBe('pending');
    await remote.start();
    await waitFor(() => remote.subjects().some((s) => s.includes('notes/also-while-down')), {
      timeout: 45_000,
    });
    expect(remote.subjects().filter((s) => / notes\/(also-)?while-down /.test(s))).toHaveLength(2);
    await waitFor(async () => !(await status(api.url)).body.pendingPush);
  });
});

describe('push rejected mid-rebase', () => {
  /** A pre-receive hook that, for its next `times` pushes, lands another commit first (a racing replica). */
  function racer(times: number, file: string): void {
    const hook = path.join(remote.bare, 'hooks', 'pre-receive');
    const count = path.join(remote.bare, 'racer-count');
    writeFileSync(count, String(times));
    writeFileSync(
      hook,
      `#!/bin/sh
unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
left=$(cat "${count}")
[ "$left" -gt 0 ] || exit 0
echo $((left - 1)) > "${count}"
old=$(git rev-parse refs/heads/main)
export GIT_INDEX_FILE="$GIT_DIR/racer-index"
git read-tree "$old"
blob=$(printf '{"title": "racer %s", "op": "racer-%s"}\\n' "$left" "$left" | git hash-object -w --stdin)
git update-index --add --cacheinfo "100644,$blob,${file}"
tree=$(git write-tree)
rm -f "$GIT_INDEX_FILE"
new=$(echo "update notes/racer op=racer-$left" | git -c user.name=racer -c user.email=racer@example.com commit-tree "$tree" -p "$old")
git update-ref refs/heads/main "$new" "$old"
exit 0
`,
      { mode: 0o755 },
    );
  }

  afterEach(() => rmSync(path.join(remote.bare, 'hooks', 'pre-receive'), { force: true }));

  it('replays the write onto the commits that won and pushes again', async () => {
    const { api, dir } = await replica();
    racer(3, 'content/notes/racer.json');
    const res = await create(api.url, 'after-races');
    expect(res.status).toBe(201);
    expect(res.body.commit.sync).toBe('pushed');
    const subjects = remote.subjects();
    expect(subjects.slice(-4)).toEqual([
      'update notes/racer op=racer-3',
      'update notes/racer op=racer-2',
      'update notes/racer op=racer-1',
      'create notes/after-races op=after-races',
    ]);
    expect(git(remote.bare, 'rev-parse', 'main')).toBe(res.body.commit.sha);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    git(remote.bare, 'fsck', '--no-progress');
  });

  it('answers 409 with the winning version when the racer changed the same entry', async () => {
    const { api, dir } = await replica();
    racer(1, 'content/notes/shared-3.json');
    const res = await update(api.url, 'shared-3', 'mine');
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('MIMSY_ERR_CONFLICT');
    expect(
      (res.body.error as unknown as { details: { current: { data: { title: string } } } }).details.current
        .data.title,
    ).toBe('racer 1');
    expect(remote.subjects().some((s) => s.endsWith('op=mine'))).toBe(false);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(git(remote.bare, 'rev-parse', 'main'));
  });
});

describe('corrupted files', () => {
  it('shows a broken entry as a parse error, never writes over it, lets an editor replace it, and rebuilds a damaged Git index', async () => {
    const { api, dir } = await replica();
    writeFileSync(
      path.join(dir, 'content/notes/shared-5.json'),
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x00, 0x0a]),
    );
    let entry: { parseError?: { message: string }; version: string } | undefined;
    await waitFor(async () => {
      const res = await call<{ parseError?: { message: string }; version: string }>(
        `${api.url}/api/collections/notes/entries/shared-5`,
        tokens.admin,
      );
      entry = res.body;
      return res.status === 200 && res.body.parseError !== undefined;
    });
    expect(entry!.parseError!.message).toMatch(/JSON|parse|UTF-8/i);
    // A file Mimsy cannot read is never written over (its bytes may be someone's work)…
    const refused = await call<{ error: { code: string } }>(
      `${api.url}/api/collections/notes/entries/shared-5`,
      tokens.editors[0]!,
      {
        method: 'PUT',
        headers: { 'if-match': `"${entry!.version}"` },
        body: { data: { title: 'Repaired', op: 'repaired' } },
      },
    );
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('MIMSY_ERR_UNWRITABLE');
    expect(readFileSync(path.join(dir, 'content/notes/shared-5.json'))[2]).toBe(0xff);
    // …but an editor can delete it (it stays in the history) and create it again.
    const deleted = await call(`${api.url}/api/collections/notes/entries/shared-5`, tokens.editors[0]!, {
      method: 'DELETE',
      headers: { 'if-match': `"${entry!.version}"` },
    });
    expect(deleted.status).toBe(200);
    const repaired = await call<{ commit: { sync: string } }>(
      `${api.url}/api/collections/notes/entries`,
      tokens.editors[0]!,
      {
        method: 'POST',
        body: { slug: 'shared-5', data: { title: 'Repaired', op: 'repaired' } },
      },
    );
    expect(repaired.status).toBe(201);
    expect(repaired.body.commit.sync).toBe('pushed');
    expect(git(dir, 'status', '--porcelain')).toBe('');

    await api.stop();
    writeFileSync(path.join(dir, '.git', 'index'), 'not an index at all');
    const again = await replica({}, dir);
    expect(again.api.output()).toMatch(/rebuilt a damaged \.git\/index/);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect((await create(again.api.url, 'after-index-repair')).body.commit.sync).toBe('pushed');
  });
});

describe('volume faults (need mount: root with CAP_SYS_ADMIN)', () => {
  const mountable = canMount();

  it.skipIf(!mountable)(
    'disk full: 507 with what to do, nothing half-written, and writes work once space is freed',
    async () => {
      const disk = path.join(ws.dir, `disk-${counter}`);
      mkdirSync(disk, { recursive: true });
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', disk]);
      try {
        const { api } = await replica({}, path.join(disk, 'content'));
        const filler = path.join(disk, 'filler');
        try {
          execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
        } catch {
          // dd stops at "No space left on device": the volume is full now
        }
        const res = await create(api.url, 'no-space');
        expect(res.status).toBe(507);
        expect(res.body.error).toMatchObject({
          code: 'MIMSY_ERR_STORAGE_FULL',
          message: expect.stringMatching(/full.*nothing was saved.*Free space/),
        });
        expect(res.headers.get('retry-after')).toBe('5');
        await waitFor(() => /MIMSY_ERR_STORAGE_FULL|No space left|ENOSPC/.test(api.output()));
        expect(git(path.join(disk, 'content'), '--no-optional-locks', 'status', '--porcelain')).toBe('');
        expect(remote.subjects().some((s) => s.includes('no-space'))).toBe(false);
        rmSync(filler);
        const after = await create(api.url, 'space-again');
        expect(after.status).toBe(201);
        expect(after.body.commit.sync).toBe('pushed');
        expect(git(path.join(disk, 'content'), 'status', '--porcelain')).toBe('');
        await api.stop();
      } finally {
        execFileSync('umount', ['-l', disk]);
      }
    },
  );

  it.skipIf(!mountable)(
    'read-only volume: 503 READ_ONLY, reads keep working, writes resume when writable',
    async () => {
      const { api, dir } = await replica();
      execFileSync('mount', ['--bind', dir, dir]);
      try {
        execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
        const res = await create(api.url, 'read-only');
        expect(res.status).toBe(503);
        expect(res.body.error).toMatchObject({
          code: 'MIMSY_ERR_READ_ONLY',
          message: expect.stringMatching(/read-only.*nothing was saved/),
        });
        const read = await call(`${api.url}/api/collections/notes/entries/shared-1`, tokens.admin);
        expect(read.status).toBe(200);
        expect(api.output()).toMatch(/MIMSY_ERR_READ_ONLY|read-only/);
      } finally {
        execFileSync('umount', [dir]);
      }
      const after = await create(api.url, 'writable-again');
      expect(after.status).toBe(201);
      expect(git(dir, 'status', '--porcelain')).toBe('');
      expect(remote.subjects().some((s) => s.includes('notes/read-only '))).toBe(false);
    },
  );

  it.skipIf(mountable || process.getuid?.() === 0)('read-only folder (no mount): 503 READ_ONLY', async () => {
    const { api, dir } = await replica();
    execFileSync('chmod', ['-R', 'a-w', path.join(dir, 'content'), path.join(dir, '.git')]);
    try {
      const res = await create(api.url, 'read-only');
      expect(res.status).toBe(503);
      expect(res.body.error?.code).toBe('MIMSY_ERR_READ_ONLY');
    } finally {
      execFileSync('chmod', ['-R', 'u+w', path.join(dir, 'content'), path.join(dir, '.git')]);
      chmodSync(dir, 0o755);
    }
  });
});
