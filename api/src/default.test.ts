import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo } from '@mimsy/core/testing';
import { loadSettings } from './settings.js';
import { makeApp, type TestApp } from './test/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs `pnpm start`'s script with a temporary working folder; resolves once the banner is out. */
function start(env: Record<string, string>): Promise<{ output: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@mimsy/source', path.join(ROOT, 'scripts/start.ts')],
    { cwd: ROOT, env: { ...process.env, MIMSY_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (output.includes('Stop with Ctrl+C')) {
        resolve({
          output,
          stop: () => new Promise((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`start exited ${code}: ${output}`)));
  });
}

describe('the embedded default (pnpm start)', () => {
  it('creates the example repository and an admin on first run, prints how to sign in, and serves the API', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-default-'));
    // A stand-in admin build: the real one is built (and tested in Chromium) by the web-e2e suite.
    const dist = path.join(dir, 'dist');
    mkdirSync(dist);
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Mimsy admin</title>');
    const env = (extra: Record<string, string> = {}): Record<string, string> => ({
      MIMSY_DEFAULT_DIR: dir,
      MIMSY_WEB_DIST: dist,
      ...extra,
    });
    try {
      const first = await start(env());
      const url =
        /API\s+(http:\/\/127\.0\.0\.1:\d+)\/api/.exec(first.output)?.[1] ??
        /Open\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(first.output)?.[1];
      const password = /Sign in as\s+admin \/ (\S+)/.exec(first.output)?.[1];
      expect(first.output).toMatch(/Open\s+http:\/\/127\.0\.0\.1:\d+\//);
      expect(await (await fetch(`${url}/`)).text()).toContain('Mimsy admin');
      expect(url).toBeDefined();
      expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
      const login = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'admin', password }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const posts = (await (
        await fetch(`${url}/api/collections/posts/entries`, { headers: { cookie } })
      ).json()) as { total: number };
      expect(posts.total).toBe(7);
      expect(
        execFileSync('git', ['log', '--format=%s'], {
          cwd: path.join(dir, 'content'),
          encoding: 'utf8',
        }).trim(),
      ).toBe('Example content from examples/blog');
      await first.stop();

      // Second run: same repository, the password is not printed again; MIMSY_ADMIN_PASSWORD resets it.
      const second = await start(env());
      expect(second.output).not.toContain(password!);
      expect(second.output).toMatch(/MIMSY_ADMIN_PASSWORD/);
      await second.stop();
      const third = await start(env({ MIMSY_ADMIN_PASSWORD: 'a chosen password' }));
      expect(third.output).toContain('admin / a chosen password');
      await third.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('serving the built admin', () => {
  let t: TestApp;
  afterEach(() => t?.close());
  it('serves files, caches hashed assets for a year, and falls back to index.html for client routes', async () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'mimsy-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Mimsy</title>');
    writeFileSync(path.join(dist, 'assets', 'app-3f9a1c2b.js'), 'console.log(1)');
    writeFileSync(path.join(dist, '.env'), 'SECRET=1');
    t = await makeApp({ webDist: dist });
    const html = await t.app.inject('/');
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.headers['cache-control']).toBe('no-cache');
    expect(html.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    const asset = await t.app.inject('/assets/app-3f9a1c2b.js');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    const route = await t.app.inject('/collections/posts/hello-world');
    expect(route.body).toContain('<title>Mimsy</title>');
    expect((await t.app.inject('/assets/missing.js')).statusCode).toBe(404);
    expect((await t.app.inject('/../../etc/passwd')).body).not.toMatch(/root:/);
    expect((await t.app.inject('/.env')).body).not.toContain('SECRET'); // no dotfile is served
    const apiMiss = await t.app.inject({ url: '/api/nothing-here', headers: t.as('viewer') });
    expect(apiMiss.statusCode).toBe(404);
    expect(apiMiss.json<{ error: { code: string } }>().error.code).toBe('MIMSY_ERR_ROUTE_NOT_FOUND');
    expect((await t.app.inject('/api/schemas')).statusCode).toBe(401); // the API stays protected
    rmSync(dist, { recursive: true, force: true });
  });

  it('sends the precompressed copy the browser accepts (brotli, gzip), else the file as is', async () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'mimsy-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    const js = 'export const hello = "world";\n'.repeat(200);
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Mimsy</title>');
    writeFileSync(path.join(dist, 'assets', 'app-3f9a1c2b.js'), js);
    writeFileSync(path.join(dist, 'assets', 'app-3f9a1c2b.js.br'), brotliCompressSync(js));
    writeFileSync(path.join(dist, 'assets', 'app-3f9a1c2b.js.gz'), gzipSync(js));
    t = await makeApp({ webDist: dist });
    const get = (encoding?: string) =>
      t.app.inject({
        url: '/assets/app-3f9a1c2b.js',
        headers: encoding ? { 'accept-encoding': encoding } : {},
      });
    const br = await get('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(js);
    const gz = await get('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(js);
    const plain = await get();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(js);
    rmSync(dist, { recursive: true, force: true });
  });
});

describe('clone on first start', () => {
  it('clones MIMSY_REPO_URL into an empty MIMSY_REPO_DIR', async () => {
    const { startServer } = await import('./server.js');
    const source = makeTempRepo({ example: true });
    const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-clone-'));
    const bare = path.join(dir, 'remote.git');
    execFileSync('git', ['clone', '--quiet', '--bare', source.dir, bare]);
    writeFileSync(path.join(dir, 'users.json'), '{"users":[]}');
    const settings = loadSettings({
      MIMSY_REPO_DIR: path.join(dir, 'work'),
      MIMSY_REPO_URL: bare,
      MIMSY_BRANCH: 'main',
      MIMSY_PORT: '0',
      MIMSY_USERS_FILE: path.join(dir, 'users.json'),
      MIMSY_SESSION_SECRET: 'x'.repeat(40),
      MIMSY_MEDIA_MAX_BYTES: String(1024 * 1024),
      MIMSY_LOG_LEVEL: 'silent',
    });
    const server = await startServer(settings);
    try {
      expect(await (await fetch(`${server.url}/api/ready`)).json()).toEqual({ status: 'ready', entries: 11 });
      expect(
        execFileSync('git', ['remote', 'get-url', 'origin'], {
          cwd: path.join(dir, 'work'),
          encoding: 'utf8',
        }).trim(),
      ).toBe(bare);
      await server.close();
      // A reused volume follows a changed URL (say, a rotated token) on the next start.
      const moved = path.join(dir, 'moved.git');
      execFileSync('git', ['clone', '--quiet', '--bare', bare, moved]);
      const again = await startServer({ ...settings, repoUrl: moved });
      await again.close();
      expect(
        execFileSync('git', ['remote', 'get-url', 'origin'], {
          cwd: path.join(dir, 'work'),
          encoding: 'utf8',
        }).trim(),
      ).toBe(moved);
    } finally {
      await server.close();
      source.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
