import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const ADMIN_CSP =
  "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * Serves the built admin (web/dist) at "/": files as they are, hashed assets cached for a year,
 * and index.html for every other path so that client-side routes work on reload.
 */
export async function serveAdmin(app: FastifyInstance, dist: string): Promise<void> {
  const root = path.resolve(dist);
  const index = path.join(root, 'index.html');
  const send = async (file: string, reply: FastifyReply): Promise<unknown> => {
    const ext = path.extname(file);
    const body = await readFile(file);
    const hashed =
      /[.-][A-Za-z0-9_-]{8,}\.(js|css|woff2|svg|png|webp)$/.test(file) &&
      file.includes(`${path.sep}assets${path.sep}`);
    return reply
      .header('content-type', TYPES[ext] ?? 'application/octet-stream')
      .header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', ADMIN_CSP)
      .header('referrer-policy', 'no-referrer')
      .send(body);
  };
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    const wanted = decodeURIComponent((request.params as { '*': string })['*'] ?? '');
    if (wanted.startsWith('api/') || wanted === 'api' || wanted.startsWith('media/')) {
      return reply.callNotFound();
    }
    const candidate = path.resolve(root, wanted);
    if (candidate.startsWith(root + path.sep) && !wanted.split('/').some((s) => s.startsWith('.'))) {
      const info = await stat(candidate).catch(() => null);
      if (info?.isFile()) return send(candidate, reply);
    }
    // Missing asset files are real 404s; anything else is a client-side route.
    if (/\.[a-z0-9]{1,8}$/i.test(wanted)) return reply.callNotFound();
    return send(index, reply);
  });
}
