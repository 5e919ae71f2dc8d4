import { describe, expect, it } from 'vitest';
import { API_PREFIXES, href, parseRoute, returnTo, type Route } from './router.js';

const ROUTES: Route[] = [
  { name: 'dashboard' },
  { name: 'login' },
  { name: 'list', schema: 'posts' },
  { name: 'new', schema: 'posts' },
  { name: 'deleted', schema: 'posts' },
  { name: 'entry', schema: 'posts', slug: 'guides/intro' },
  { name: 'singleton', schema: 'site' },
  { name: 'media' },
];

describe('routes', () => {
  it.each(ROUTES)('round-trips %j', (route) => {
    expect(parseRoute(href(route))).toEqual(route);
  });
  it.each(ROUTES)('%j lives outside the paths the API answers (/api, /media)', (route) => {
    expect(API_PREFIXES).not.toContain(href(route).split('/')[1]);
  });
  it('answers not-found for anything else', () => {
    expect(parseRoute('/collections/posts/bogus').name).toBe('not-found');
  });
});

describe('returnTo', () => {
  it.each([
    ['?next=%2Fcollections%2Fposts%3Fq%3Dgit', '/collections/posts?q=git'],
    ['?next=%2Fcollections%2Fposts%2Fentries%2Fguides%2Fintro', '/collections/posts/entries/guides/intro'],
    ['', '/'],
    ['?next=', '/'],
    ['?next=%2F%2Fevil.example', '/'],
    ['?next=%2F%5Cevil.example', '/'],
    ['?next=https%3A%2F%2Fevil.example%2F', '/'],
    ['?next=javascript%3Aalert(1)', '/'],
    ['?next=%2Fapi%2Fauth%2Flogout', '/'],
    ['?next=%2Fmedia%2Fx.png', '/'],
    ['?next=%2Fmedia', '/'],
    ['?next=%2Fapi%3Fx', '/'],
    ['?next=%2Flibrary', '/library'],
  ])('%s → %s', (search, expected) => {
    expect(returnTo(search)).toBe(expected);
  });
});
