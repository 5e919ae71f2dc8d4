// The admin image's nginx configuration, run by a real nginx (Debian's; .ci/run installs it) on
// loopback: every response carries the security headers — nginx drops a server-level add_header
// in any location with add_header lines of its own, which is how the image once sent none on its
// pages — and caching and precompressed assets behave as docs/deploy.md says.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../core/src/testing/wait.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NGINX = process.env.MIMSY_NGINX ?? '/usr/sbin/nginx';
const available = existsSync(NGINX);
if (!available && process.env.CI)
  throw new Error(
    `nginx is missing at ${NGINX}: install it (apt-get install nginx-light; .ci/run does) or set MIMSY_NGINX.`,
  );

const SNIPPET = readFileSync(path.join(ROOT, 'docker/web-security-headers.conf'), 'utf8');
/** The headers the snippet sets, by lower-case name, as nginx sends them. */
const SECURITY = Object.fromEntries(
  [...SNIPPET.matchAll(/^add_header (\S+) (?:"([^"]*)"|(\S+)) always;$/gm)].map((m) => [
    m[1]!.toLowerCase(),
    m[2] ?? m[3]!,
  ]),
);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!available)('the admin image’s nginx (docker/web.nginx.conf)', () => {
  let dir: string;
  let base: string;
  let nginx: ChildProcess;
  let stderr = '';
  const asset = `app-${'0123abcd'}.js`;
  const assetBody = `console.log(${JSON.stringify('x'.repeat(2000))});\n`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'mimsy-nginx-'));
    const html = path.join(dir, 'html');
    mkdirSync(path.join(html, 'assets'), { recursive: true });
    mkdirSync(path.join(dir, 'mimsy'));
    mkdirSync(path.join(dir, 'snippets'));
    writeFileSync(path.join(html, 'index.html'), '<!doctype html><title>Mimsy</title>\n');
    writeFileSync(path.join(html, 'assets', asset), assetBody);
    writeFileSync(path.join(html, 'assets', `${asset}.gz`), gzipSync(assetBody));
    writeFileSync(path.join(dir, 'mimsy', 'config.js'), 'window.MIMSY_API_BASE = "";\n');
    writeFileSync(path.join(dir, 'snippets', 'security-headers.conf'), SNIPPET);
    // As root, nginx's workers run as nobody: they must be able to read what they serve.
    for (const d of [dir, html, path.join(html, 'assets'), path.join(dir, 'mimsy')]) chmodSync(d, 0o755);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // The image's file, with only its paths and port moved into the temporary folder.
    const server = readFileSync(path.join(ROOT, 'docker/web.nginx.conf'), 'utf8')
      .replace(/listen 8080;/, `listen 127.0.0.1:${port};`)
      .replaceAll('/usr/share/nginx/html', html)
      .replaceAll('/tmp/mimsy/config.js', path.join(dir, 'mimsy', 'config.js'))
      .replaceAll(
        '/etc/nginx/mimsy/security-headers.conf',
        path.join(dir, 'snippets', 'security-headers.conf'),
      );
    writeFileSync(path.join(dir, 'server.conf'), server);
    const temp = (name: string): string => `${name}_temp_path ${path.join(dir, `${name}-temp`)};`;
    // What the nginx image's own nginx.conf wraps around conf.d/*.conf.
    writeFileSync(
      path.join(dir, 'nginx.conf'),
      [
        'daemon off;',
        'worker_processes 1;',
        `pid ${path.join(dir, 'nginx.pid')};`,
        `error_log ${path.join(dir, 'error.log')} warn;`,
        'events { worker_connections 64; }',
        'http {',
        '  include /etc/nginx/mime.types;',
        '  default_type application/octet-stream;',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${temp(t)}`),
        `  include ${path.join(dir, 'server.conf')};`,
        '}',
      ].join('\n'),
    );
    nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    nginx.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(
      async () => {
        if (nginx.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
        return (await fetch(`${base}/healthz`)).ok;
      },
      { message: () => `nginx to answer on ${base} (${stderr})` },
    );
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once('exit', resolve));
      nginx.kill('SIGQUIT');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the header snippet sets the four security headers', () => {
    expect(Object.keys(SECURITY).sort()).toEqual([
      'content-security-policy',
      'referrer-policy',
      'x-content-type-options',
      'x-frame-options',
    ]);
    expect(SECURITY['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it.each([
    ['/', 200, 'no-cache'],
    ['/collections/posts/entries/guides/intro', 200, 'no-cache'],
    ['/library', 200, 'no-cache'],
    [`/assets/${asset}`, 200, 'public, max-age=31536000, immutable'],
    ['/assets/missing-0000.js', 404, 'public, max-age=31536000, immutable'],
    ['/config.js', 200, 'no-cache'],
    ['/healthz', 200, undefined],
  ] as const)('%s answers %i with every security header', async (url, status, cacheControl) => {
    const response = await fetch(`${base}${url}`);
    expect(response.status).toBe(status);
    for (const [name, value] of Object.entries(SECURITY))
      expect(response.headers.get(name), `${url}: ${name}`).toBe(value);
    expect(response.headers.get('cache-control') ?? undefined).toBe(cacheControl);
    expect(response.headers.get('server')).toBe('nginx'); // server_tokens off: no version
  });

  it('a deep admin route is the admin page (SPA fallback); /config.js is the runtime settings', async () => {
    expect(await (await fetch(`${base}/collections/posts`)).text()).toContain('<title>Mimsy</title>');
    const config = await fetch(`${base}/config.js`);
    expect(config.headers.get('content-type')).toMatch(/javascript/);
    expect(await config.text()).toContain('MIMSY_API_BASE');
  });

  it('sends a hashed asset precompressed to a browser that accepts gzip, and plain to one that does not', async () => {
    const gz = await fetch(`${base}/assets/${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(await gz.text()).toBe(assetBody); // fetch decodes it
    const plain = await fetch(`${base}/assets/${asset}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(assetBody);
  });
});
