import { describe, expect, it } from 'vitest';
import { href, parseRoute, type Route } from './router.js';

describe('routes', () => {
  it.each<Route>([
    { name: 'dashboard' },
    { name: 'login' },
    { name: 'list', schema: 'posts' },
    { name: 'new', schema: 'posts' },
    { name: 'entry', schema: 'posts', slug: 'guides/intro' },
    { name: 'singleton', schema: 'site' },
    { name: 'media' },
  ])('round-trips %j', (route) => {
    expect(parseRoute(href(route))).toEqual(route);
  });
  it('answers not-found for anything else', () => {
    expect(parseRoute('/collections/posts/bogus').name).toBe('not-found');
  });
});
