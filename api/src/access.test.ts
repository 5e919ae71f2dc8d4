import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './test/helpers.js';

/**
 * Walks every route the app registers with no credentials and with each role: only
 * /api/health, /api/ready and /api/auth/login answer without credentials, and each route
 * refuses roles below its own.
 */
let t: TestApp;
const routes: { method: string; url: string; access: string }[] = [];

beforeAll(async () => {
  t = await makeApp();
});
afterAll(() => t.close());

const RANK: Record<string, number> = { public: 0, viewer: 1, editor: 2, admin: 3 };
const sampleUrl = (url: string): string =>
  url
    .replace(':schema', url.includes('singletons') ? 'site' : 'posts')
    .replace(':sha', 'abcdef0')
    .replace(/\/entries\/\*$/, '/entries/hello-world')
    .replace(/\/\*$/, '/2026/11/cover.png');

describe('every route × every role', () => {
  it('collects the route table', async () => {
    const seen = new Set<string>();
    for (const route of t.app.routeTable) {
      const key = `${route.method} ${route.url}`;
      if (!seen.has(key)) routes.push(route);
      seen.add(key);
    }
    const names = routes.map((r) => `${r.method} ${r.url}`);
    for (const expected of [
      'GET /api/health',
      'GET /api/ready',
      'POST /api/auth/login',
      'POST /api/auth/logout',
      'GET /api/auth/me',
      'GET /api/schemas',
      'GET /api/schemas/:schema',
      'GET /api/collections/:schema/entries',
      'POST /api/collections/:schema/entries',
      'GET /api/collections/:schema/entries/*',
      'PUT /api/collections/:schema/entries/*',
      'DELETE /api/collections/:schema/entries/*',
      'POST /api/collections/:schema/entries/*',
      'GET /api/singletons/:schema',
      'PUT /api/singletons/:schema',
      'GET /api/singletons/:schema/history',
      'GET /api/singletons/:schema/history/:sha',
      'POST /api/singletons/:schema/revert',
      'GET /api/media',
      'POST /api/media',
      'DELETE /api/media/*',
      'GET /media/*',
      'GET /api/git/status',
      'POST /api/git/sync',
      'GET /api/events',
      'GET /api/openapi.json',
      'GET /api/docs',
    ]) {
      expect(names).toContain(expected);
    }
    expect(
      routes
        .filter((r) => r.access === 'public')
        .map((r) => `${r.method} ${r.url}`)
        .sort(),
    ).toEqual(['GET /api/health', 'GET /api/ready', 'POST /api/auth/login', 'POST /api/git/webhook']); // the webhook: HMAC signature instead
  });

  it('answers 401 without credentials, 403 below the route’s role, and lets the role through', async () => {
    expect(routes.length).toBeGreaterThan(25);
    const failures: string[] = [];
    for (const route of routes) {
      if (route.url === '/api/events') continue; // a stream: checked over a socket in events.test.ts
      const url = sampleUrl(route.url);
      for (const who of ['none', 'viewer', 'editor', 'admin'] as const) {
        const headers: Record<string, string> = who === 'none' ? {} : t.as(who);
        const res = await t.app.inject({
          method: route.method as 'GET',
          url,
          headers,
          payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
        });
        const allowed = route.access === 'public' || (who !== 'none' && RANK[who]! >= RANK[route.access]!);
        const expected = allowed ? 'through' : who === 'none' ? 401 : 403;
        const got = res.statusCode === 401 || res.statusCode === 403 ? res.statusCode : 'through';
        if (got !== expected)
          failures.push(
            `${route.method} ${url} as ${who}: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 120)}`,
          );
      }
    }
    expect(failures).toEqual([]);
  });

  it('SSE refuses anonymous clients too', async () => {
    const res = await t.app.inject({ url: '/api/events' });
    expect(res.statusCode).toBe(401);
  });
});
