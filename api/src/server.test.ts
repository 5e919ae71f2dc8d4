import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, waitFor } from '@mimsy/core/testing';
import { loadSettings, SettingsError } from './settings.js';
import { listenEvents, makeApp, makeUsers, PASSWORD, SECRET, type TestApp } from './test/helpers.js';

/** The three settings every start needs. */
const good = {
  MIMSY_REPO_DIR: '/srv/content',
  MIMSY_USERS_FILE: '/srv/users.json',
  MIMSY_SESSION_SECRET: 'x'.repeat(32),
};

describe('settings from the environment', () => {
  it('reads defaults', () => {
    expect(loadSettings(good)).toMatchObject({
      host: '127.0.0.1',
      port: 4000,
      push: null,
      pullIntervalSeconds: 0,
      trustProxy: false,
      watch: true,
    });
  });
  it('names every bad variable and what to do', () => {
    try {
      loadSettings({
        MIMSY_PORT: 'eighty',
        MIMSY_PUSH: 'sometimes',
        MIMSY_SESSION_SECRET: 'short',
        MIMSY_PULL_INTERVAL: '-5',
        MIMSY_BRANCH: '../x',
        MIMSY_WATCH: 'maybe',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      const text = (error as Error).message;
      for (const name of [
        'MIMSY_REPO_DIR',
        'MIMSY_USERS_FILE',
        'MIMSY_SESSION_SECRET',
        'MIMSY_PORT',
        'MIMSY_PUSH',
        'MIMSY_PULL_INTERVAL',
        'MIMSY_BRANCH',
        'MIMSY_WATCH',
      ])
        expect(text).toContain(name);
    }
  });
});

describe('writer election settings', () => {
  it('has none by default, a lock file or a Lease when asked, with the replica address', () => {
    expect(loadSettings(good).writer).toBeNull();
    expect(
      loadSettings(
        {
          ...good,
          MIMSY_WRITER_ELECTION: 'lock-file',
          MIMSY_WRITER_LOCK: 'run/writer.lock',
          MIMSY_REPLICA_URL: 'http://127.0.0.1:4001/',
        },
        '/srv',
      ).writer,
    ).toEqual({ election: 'lock-file', self: 'http://127.0.0.1:4001', lockFile: '/srv/run/writer.lock' });
    expect(
      loadSettings({
        ...good,
        MIMSY_WRITER_ELECTION: 'kubernetes',
        MIMSY_REPLICA_URL: 'http://mimsy-api-0.mimsy-api-pods.mimsy.svc:4000',
      }).writer,
    ).toEqual({
      election: 'kubernetes',
      self: 'http://mimsy-api-0.mimsy-api-pods.mimsy.svc:4000',
      lease: 'mimsy-api-writer',
      namespace: null,
    });
  });
  it('refuses an election without what it needs, saying which variable', () => {
    const problems = (env: Record<string, string>): string => {
      try {
        loadSettings({ ...good, ...env });
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    expect(problems({ MIMSY_WRITER_ELECTION: 'lock-file' })).toMatch(
      /MIMSY_REPLICA_URL[\s\S]*MIMSY_WRITER_LOCK/,
    );
    expect(problems({ MIMSY_WRITER_ELECTION: 'raft', MIMSY_REPLICA_URL: 'http://a:1' })).toMatch(
      /MIMSY_WRITER_ELECTION must be "kubernetes" or "lock-file"/,
    );
    expect(
      problems({
        MIMSY_WRITER_ELECTION: 'kubernetes',
        MIMSY_REPLICA_URL: 'http://a:1',
        MIMSY_WRITER_LEASE: 'Bad_Name',
      }),
    ).toMatch(/MIMSY_WRITER_LEASE must be a Kubernetes object name/);
    expect(problems({ MIMSY_WRITER_ELECTION: 'kubernetes', MIMSY_REPLICA_URL: 'mimsy-api-0:4000' })).toMatch(
      /MIMSY_REPLICA_URL must be/,
    );
  });
});

describe('errors', () => {
  let t: TestApp;
  afterEach(() => t?.close());
  it('uses one shape, with codes; 5xx bodies reveal nothing', async () => {
    t = await makeApp({ bodyLimit: 1024 });
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: { ...t.as('editor'), 'content-type': 'application/json' },
      payload: JSON.stringify({ data: { title: 'x'.repeat(2000) } }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: { code: 'MIMSY_ERR_PAYLOAD_TOO_LARGE' } });
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: { ...t.as('editor'), 'content-type': 'application/json' },
      payload: '{"data": ',
    });
    expect(broken.json()).toMatchObject({ error: { code: 'MIMSY_ERR_BAD_REQUEST' } });
    const form = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: { ...t.as('editor'), 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(form.statusCode).toBe(415);
    const unknown = await t.app.inject({ url: '/api/nothing-here', headers: t.as('viewer') });
    expect(unknown.json()).toMatchObject({ error: { code: 'MIMSY_ERR_ROUTE_NOT_FOUND' } });
    // Break the repository under the server: the commit fails inside Git.
    rmSync(path.join(t.repo.dir, '.git', 'objects'), { recursive: true, force: true });
    writeFileSync(path.join(t.repo.dir, '.git', 'objects'), 'not a folder');
    const site = await t.app.inject({ url: '/api/singletons/site', headers: t.as('editor') });
    const failed = await t.app.inject({
      method: 'PUT',
      url: '/api/singletons/site',
      headers: { ...t.as('editor'), 'if-match': site.headers.etag as string },
      payload: { data: { ...site.json<{ data: object }>().data, title: 'x' } },
    });
    expect(failed.statusCode).toBe(500);
    expect(Object.keys(failed.json<{ error: object }>().error).sort()).toEqual(['code', 'message']);
    expect(failed.body).not.toMatch(/\/tmp|objects|fatal|stack|at /);
  });

  it('lists every route in the OpenAPI document and serves the docs UI to signed-in users', async () => {
    t = await makeApp();
    const doc = (await t.app.inject({ url: '/api/openapi.json', headers: t.as('viewer') })).json<{
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>();
    for (const p of [
      '/api/collections/{schema}/entries',
      '/api/collections/{schema}/entries/{id}',
      '/api/singletons/{schema}',
      '/api/media',
      '/api/git/sync',
      '/api/auth/login',
      '/api/events',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(Object.keys(doc.paths['/api/collections/{schema}/entries']!.post!.responses)).toEqual(
      expect.arrayContaining(['201', '400', '409']),
    );
    expect((await t.app.inject({ url: '/api/docs', headers: t.as('viewer') })).statusCode).toBeLessThan(400);
    expect((await t.app.inject({ url: '/api/docs' })).statusCode).toBe(401);
  });
});

function freePortServer(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@mimsy/source', path.join(import.meta.dirname, 'start.ts')],
    {
      env: { ...process.env, ...env, MIMSY_PORT: '0', MIMSY_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ child, url: m[1]!, output: () => out });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
}

describe('the real server process (end to end over HTTP)', () => {
  it('starts from environment variables, signs in, writes, and streams events for API and disk edits within 500 ms', async () => {
    const repo = makeTempRepo({ example: true });
    const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-e2e-'));
    const usersFile = path.join(dir, 'users.json');
    writeFileSync(usersFile, JSON.stringify({ users: (await makeUsers()).users }));
    const server = await freePortServer({
      MIMSY_REPO_DIR: repo.dir,
      MIMSY_USERS_FILE: usersFile,
      MIMSY_SESSION_SECRET: SECRET,
      MIMSY_LOG_LEVEL: 'info',
    });
    try {
      expect(await (await fetch(`${server.url}/api/ready`)).json()).toEqual({ status: 'ready', entries: 11 });
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'eddie', password: PASSWORD }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const stream = listenEvents(server.url, { cookie });
      await stream.ready;

      const created = await fetch(`${server.url}/api/collections/posts/entries`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { title: 'Over HTTP', author: 'ada' }, body: 'Hello' }),
      });
      expect(created.status).toBe(201);
      // How fast events arrive is measured by `pnpm bench` (bench/events.ts), not asserted here.
      await waitFor(() => stream.events.length >= 1, { message: 'the created event' });
      expect(stream.events[0]).toMatchObject({
        type: 'created',
        schema: 'posts',
        slug: 'over-http',
        source: 'api',
      });

      writeFileSync(
        path.join(repo.dir, 'content/posts/release-notes.md'),
        '---\ntitle: Edited on disk\nauthor: linus\ndate: 2026-11-20T08:00:00Z\n---\nBody\n',
      );
      await waitFor(() => stream.events.length >= 2, { message: 'the event for the edit on disk' });
      expect(stream.events[1]).toMatchObject({ type: 'updated', slug: 'release-notes', source: 'disk' });
      const edited = (await (
        await fetch(`${server.url}/api/collections/posts/entries/release-notes`, { headers: { cookie } })
      ).json()) as { data: { title: string } };
      expect(edited.data.title).toBe('Edited on disk');
      stream.close();
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
      repo.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(server.output()).toMatch(/SIGTERM/);
  });

  it('refuses to start with invalid settings, naming the variable', async () => {
    await expect(
      freePortServer({
        MIMSY_REPO_DIR: '/nonexistent',
        MIMSY_USERS_FILE: '/x',
        MIMSY_SESSION_SECRET: 'short',
      }),
    ).rejects.toThrow(/MIMSY_SESSION_SECRET must be at least 32 characters/);
  });
});
