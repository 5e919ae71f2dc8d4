// Property-based fuzz of every write route: random JSON, huge bodies, deep nesting, invalid UTF-8, hostile
// slugs, content types and headers.
// Never a 5xx, never a crash, and never a change to the repository outside the content folders.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_SLUGS } from '@mimsy/core/testing';
import { makeApp, type TestApp } from './test/helpers.js';

let t: TestApp;
beforeAll(async () => (t = await makeApp()));
afterAll(() => t.close());

const hostile = HOSTILE_SLUGS.map(([, s]) => s).filter((s): s is string => typeof s === 'string');
const slug = fc.oneof(
  fc.constantFrom(...hostile, 'hello-world', 'guides/images', 'new-one', ''),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);
const deep = (depth: number): unknown => (depth === 0 ? 'bottom' : { a: [deep(depth - 1)] });
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record(
    {
      data: fc.jsonValue({ maxDepth: 3 }),
      body: fc.option(fc.string({ maxLength: 50 })),
      slug: fc.option(slug),
    },
    { requiredKeys: [] },
  ),
  fc.record({
    data: fc.dictionary(
      fc.constantFrom('title', 'date', 'tags', 'author', 'draft', 'series', 'cover', 'x'),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    body: fc.string({ maxLength: 20 }),
  }),
  fc.constant({ data: deep(300) }),
  fc.constant('x'.repeat(3 * 1024 * 1024)),
);
/** Bytes that are not UTF-8 (lone continuation bytes, overlong forms, surrogates), inside JSON-ish text. */
const invalidUtf8 = fc
  .tuple(
    fc.constantFrom('{"data":{"title":"', '{"data":', '"', ''),
    fc
      .uint8Array({ minLength: 1, maxLength: 40 })
      .map((bytes) =>
        Buffer.concat([Buffer.from(bytes), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff, 0xfe])]),
      ),
    fc.constantFrom('"}}', '}', ''),
  )
  .map(([head, junk, tail]) => Buffer.concat([Buffer.from(head), junk, Buffer.from(tail)]));
/** Content types a client might send, well-formed or not. */
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'text/plain',
  'multipart/form-data; boundary=----x',
  'application/x-www-form-urlencoded',
  'application/json, text/plain',
  '',
);
/** Other request headers a hostile client might add. */
const extraHeaders = fc.dictionary(
  fc.constantFrom(
    'cookie',
    'x-csrf-token',
    'x-forwarded-for',
    'x-forwarded-host',
    'origin',
    'accept',
    'if-none-match',
  ),
  fc.oneof(
    fc.string({ maxLength: 40 }).filter((v) => !/[\0\r\n]/.test(v) && /^[\x20-\x7e]*$/.test(v)),
    fc.constant('a'.repeat(8000)),
    fc.constant('mimsy_session=' + 'A'.repeat(500)),
  ),
  { maxKeys: 3 },
);
const header = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('*', '"', 'W/"abc"', '"' + 'a'.repeat(40) + '"', '\u0000'),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 }),
  fc.string({ maxLength: 20 }),
);
const schema = fc.constantFrom('posts', 'authors', 'site', 'nope', '..', '%2e%2e', 'posts/../..');

function encodePath(s: string): string {
  return s
    .split('/')
    .map((p) => encodeURIComponent(p))
    .join('/');
}

const text = fc.string({ minLength: 1, maxLength: 60 }).filter((x) => !/[\r\n]/.test(x) && x.trim() !== '');

describe('valid writes with random content round-trip exactly', () => {
  it('creates and updates posts with arbitrary text, and reads back exactly what was saved', async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.string({ maxLength: 200 }),
        fc.array(
          fc.string({ maxLength: 20 }).filter((x) => !/[\r\n]/.test(x)),
          { maxLength: 4 },
        ),
        text,
        async (title, bodyText, tags, retitle) => {
          const created = await t.app.inject({
            method: 'POST',
            url: '/api/collections/posts/entries',
            headers: t.as('editor'),
            payload: {
              slug: `fuzz-${Math.random().toString(36).slice(2, 10)}`,
              data: { title: `${title} ${Math.random()}`, author: 'ada', tags },
              body: bodyText,
            },
          });
          if (created.statusCode === 400) return; // e.g. a tag longer than the schema allows: refused, fine
          expect(created.statusCode, created.body).toBe(201);
          const entry = created.json<{
            entry: { slug: string; version: string; data: Record<string, unknown>; body: string };
          }>().entry;
          const read = await t.app.inject({
            url: `/api/collections/posts/entries/${entry.slug}`,
            headers: t.as('viewer'),
          });
          expect(read.json<{ data: Record<string, unknown>; body: string }>()).toMatchObject({
            data: { tags, author: 'ada' },
            body: bodyText,
          });
          const updated = await t.app.inject({
            method: 'PUT',
            url: `/api/collections/posts/entries/${entry.slug}`,
            headers: { ...t.as('editor'), 'if-match': entry.version },
            payload: { data: { ...entry.data, title: `${retitle} ${Math.random()}` }, body: bodyText },
          });
          expect(updated.statusCode, updated.body).toBe(200);
          expect(
            t.repo.git('diff', '--numstat', 'HEAD~1', 'HEAD').trim().split('\t').slice(0, 2).map(Number)[0],
          ).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 40 },
    );
  }, 240_000);
});

describe('write routes under random input', () => {
  it('never answer 5xx and never touch files outside the content folders', async () => {
    const startHead = t.repo.git('rev-parse', 'HEAD').trim();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST', 'PUT', 'DELETE'),
        fc.constantFrom('collection', 'singleton', 'revert', 'media'),
        schema,
        slug,
        body,
        header,
        fc.boolean(),
        fc.option(invalidUtf8, { freq: 4 }),
        contentType,
        extraHeaders,
        async (method, kind, s, sl, b, ifMatch, asText, raw, type, extra) => {
          const url =
            kind === 'singleton'
              ? `/api/singletons/${encodeURIComponent(s)}`
              : kind === 'revert'
                ? `/api/collections/${encodeURIComponent(s)}/entries/${encodePath(sl)}/revert`
                : kind === 'media'
                  ? `/api/media/${encodePath(sl)}`
                  : method === 'POST'
                    ? `/api/collections/${encodeURIComponent(s)}/entries`
                    : `/api/collections/${encodeURIComponent(s)}/entries/${encodePath(sl)}`;
          const headers: Record<string, string> = {
            ...extra,
            ...t.as('editor'),
            'content-type': raw ? type : asText ? 'text/plain' : 'application/json',
          };
          if (ifMatch !== undefined && !/[\0\r\n]/.test(ifMatch)) headers['if-match'] = ifMatch;
          let payload: string | Buffer | undefined;
          if (raw && method !== 'DELETE') payload = raw;
          else
            try {
              payload =
                method === 'DELETE' ? undefined : typeof b === 'string' && asText ? b : JSON.stringify(b);
            } catch {
              payload = '{';
            }
          const res = await t.app.inject({
            method: kind === 'singleton' && method === 'POST' ? 'PUT' : method,
            url,
            headers,
            payload,
          });
          expect(res.statusCode, `${method} ${url} → ${res.body.slice(0, 200)}`).toBeLessThan(500);
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        },
      ),
      {
        numRuns: 250,
        // Each kind of refusal, always tried on top of the random runs: an update without If-Match (428),
        // an unknown schema (404), a body the schema refuses (400).
        // prettier-ignore
        examples: [
          ['PUT', 'collection', 'posts', 'hello-world', { data: { title: 'T' }, body: '' }, undefined, false, null, 'application/json', {}],
          ['POST', 'collection', 'nope', 'x', { data: { title: 'T' } }, undefined, false, null, 'application/json', {}],
          ['POST', 'collection', 'posts', 'new-one', { data: { title: 42 } }, undefined, false, null, 'application/json', {}],
        ],
      },
    );
    // Every kind of refusal was exercised (valid writes are the property above).
    expect(
      [400, 404, 428].every((code) => statuses.has(code)),
      JSON.stringify([...statuses]),
    ).toBe(true);
    // Whatever got committed stays inside the schemas' folders (or the media folder).
    const changed = t.repo.git('diff', '--name-only', startHead, 'HEAD').split('\n').filter(Boolean);
    for (const file of changed)
      expect(file, file).toMatch(/^(content\/(posts|authors)\/|content\/site\.json$|public\/media\/)/);
    expect(t.repo.git('status', '--porcelain')).toBe('');
    expect(t.repo.git('fsck', '--strict', '--no-dangling').trim()).toBe('');
  }, 240_000);
});
