import path from 'node:path';
import fastifyStatic, { type SetHeadersResponse } from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const ADMIN_CSP =
  "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** A Vite build's hashed file (assets/index-3f9a1c2b.js, or its .br/.gz): its name changes with its content. */
const HASHED = /[/\\]assets[/\\][^/\\]*[.-][A-Za-z0-9_-]{8,}\.(js|css|woff2|svg|png|webp)(\.br|\.gz)?$/;

function adminHeaders(res: SetHeadersResponse, file: string): void {
  res.setHeader('cache-control', HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-security-policy', ADMIN_CSP);
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('vary', 'accept-encoding'); // a cache keeps the brotli, gzip and plain copies apart
}

/**
 * Serves the built admin (web/dist) at "/" with @fastify/static: one route per file of the build
 * (it does not change while the server runs), hashed assets cached for a year, and index.html for
 * every other path so that client-side routes work on reload. Every route here is public (the
 * admin's files hold no data); the API's own routes, more specific, are matched first.
 */
export async function serveAdmin(app: FastifyInstance, dist: string): Promise<void> {
  await app.register(async (admin) => {
    admin.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), access: 'public' };
      route.schema = { ...route.schema, hide: true };
    });
    await admin.register(fastifyStatic, {
      root: path.resolve(dist),
      prefix: '/',
      wildcard: false, // a route per file found at start, so that "/*" stays free for the fallback
      index: false,
      serveDotFiles: false,
      // The build holds each text file also as .br and .gz (web/vite.config.ts): sent as the
      // browser accepts.
      preCompressed: true,
      cacheControl: false, // adminHeaders decides
      setHeaders: adminHeaders,
    });
    admin.get<{ Params: { '*'?: string } }>('/*', (request, reply) => {
      const wanted = request.params['*'] ?? '';
      // The API's and media's misses stay JSON 404s; so do missing asset files.
      if (/^(api|media)(\/|$)/.test(wanted) || /\.[a-z0-9]{1,8}$/i.test(wanted)) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  });
}
