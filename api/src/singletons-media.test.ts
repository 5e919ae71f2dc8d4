import { deflateSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeApp, multipart, type TestApp } from './test/helpers.js';

let t: TestApp;
beforeEach(async () => (t = await makeApp({ mediaMaxBytes: 64 * 1024 })));
afterEach(() => t.close());

describe('singletons', () => {
  it('reads and updates with If-Match, touching only changed lines; 409 when stale', async () => {
    const res = await t.app.inject({ url: '/api/singletons/site', headers: t.as('editor') });
    const site = res.json<{ version: string; data: Record<string, unknown> }>();
    const { featured: _f, ...withoutFeatured } = site.data;
    const ok = await t.app.inject({
      method: 'PUT',
      url: '/api/singletons/site',
      headers: { ...t.as('editor'), 'if-match': site.version },
      payload: { data: { ...withoutFeatured, title: 'Renamed' } },
    });
    expect(ok.statusCode).toBe(200);
    // The title line changes; "featured" (the last key) goes, so the line before it loses its comma.
    expect(t.repo.git('diff', '--numstat', 'HEAD~1', 'HEAD').trim()).toBe('2\t3\tcontent/site.json');
    const stale = await t.app.inject({
      method: 'PUT',
      url: '/api/singletons/site',
      headers: { ...t.as('editor'), 'if-match': site.version },
      payload: { data: site.data },
    });
    expect(stale.statusCode).toBe(409);
    expect(
      (await t.app.inject({ url: '/api/singletons/site/history', headers: t.as('viewer') })).json<{
        items: unknown[];
      }>().items,
    ).toHaveLength(2);
    expect((await t.app.inject({ url: '/api/singletons/posts', headers: t.as('viewer') })).statusCode).toBe(
      404,
    );
  });

  it('creates a missing singleton file with If-None-Match: *', async () => {
    t.repo.git('rm', '-q', 'content/site.json');
    t.repo.commitAll('remove site');
    await t.app.close();
    t = await makeApp({}, t.repo);
    expect((await t.app.inject({ url: '/api/singletons/site', headers: t.as('viewer') })).statusCode).toBe(
      404,
    );
    const created = await t.app.inject({
      method: 'PUT',
      url: '/api/singletons/site',
      headers: { ...t.as('editor'), 'if-none-match': '*' },
      payload: { data: { title: 'Fresh', baseUrl: 'https://x.example' } },
    });
    expect(created.statusCode).toBe(200);
    expect(created.json<{ entry: { data: Record<string, unknown> } }>().entry.data).toMatchObject({
      title: 'Fresh',
      language: 'en',
      postsPerPage: 10,
    });
  });
});

function png(width = 2, height = 2): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer): number => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 255]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((width * 3 + 1) * height, 0x7f);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('media', () => {
  it('uploads several images (checked by content), commits each, never overwrites, serves them safely', async () => {
    const { payload, headers } = multipart([
      { name: 'My Photo.PNG', content: png() },
      { name: 'My Photo.png', content: png(3, 3) },
    ]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/media',
      headers: { ...t.as('editor'), ...headers },
      payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    const { items } = res.json<{ items: { path: string; url: string }[] }>();
    const month = new Date().toISOString().slice(0, 7).replace('-', '/');
    expect(items.map((i) => i.path)).toEqual([
      `public/media/${month}/my-photo.png`,
      `public/media/${month}/my-photo-2.png`,
    ]);
    expect(t.repo.git('log', '-2', '--format=%an|%s').trim().split('\n')).toEqual([
      `eddie|upload media/${month}/my-photo-2.png`,
      `eddie|upload media/${month}/my-photo.png`,
    ]);
    const served = await t.app.inject({ url: items[0]!.url, headers: t.as('viewer') });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-security-policy']).toMatch(/sandbox/);
    expect(served.rawPayload.equals(png())).toBe(true);
    expect((await t.app.inject({ url: items[0]!.url })).statusCode).toBe(401);
    const list = (await t.app.inject({ url: '/api/media', headers: t.as('viewer') }))
      .json<{ items: { path: string }[] }>()
      .items.map((i) => i.path);
    expect(list).toContain(items[1]!.path);
  });

  it('serves SVG as an attachment with a sandboxing CSP, so its scripts never run', async () => {
    const svg = Buffer.from(
      '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    const { payload, headers } = multipart([{ name: 'logo.svg', content: svg }]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/media',
      headers: { ...t.as('editor'), ...headers },
      payload,
    });
    expect(res.statusCode).toBe(201);
    const served = await t.app.inject({
      url: res.json<{ items: { url: string }[] }>().items[0]!.url,
      headers: t.as('viewer'),
    });
    expect(served.headers['content-type']).toBe('image/svg+xml');
    expect(served.headers['content-disposition']).toMatch(/^attachment/);
    expect(served.headers['content-security-policy']).toMatch(/default-src 'none'.*sandbox/);
  });

  it('refuses files whose content is not an allowed type, whatever their name', async () => {
    const before = t.repo.git('rev-parse', 'HEAD').trim();
    for (const content of [
      Buffer.from('MZ\x90\x00 this is a windows executable'),
      Buffer.from('<html><script>alert(1)</script></html>'),
      Buffer.from('#!/bin/sh\nrm -rf /'),
    ]) {
      const { payload, headers } = multipart([{ name: 'innocent.png', content, type: 'image/png' }]);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/media',
        headers: { ...t.as('editor'), ...headers },
        payload,
      });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ error: { code: 'MIMSY_ERR_UNSUPPORTED_MEDIA_TYPE' } });
    }
    expect(t.repo.git('rev-parse', 'HEAD').trim()).toBe(before);
  });

  it('refuses uploads over the size limit with 413 and writes nothing', async () => {
    const big = Buffer.concat([png(), Buffer.alloc(70 * 1024)]);
    const { payload, headers } = multipart([{ name: 'big.png', content: big }]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/media',
      headers: { ...t.as('editor'), ...headers },
      payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'MIMSY_ERR_PAYLOAD_TOO_LARGE' } });
    expect(t.repo.git('status', '--porcelain')).toBe('');
  });

  it('refuses to delete a media file entries use, naming them; deletes it when told to, as a commit; refuses paths outside the media folder', async () => {
    const head = t.repo.git('rev-parse', 'HEAD').trim();
    const refused = await t.app.inject({
      method: 'DELETE',
      url: '/api/media/2026/11/cover.png',
      headers: t.as('editor'),
    });
    expect(refused.statusCode).toBe(409);
    const { error } = refused.json<{
      error: { code: string; details: { referrers: { schema: string; slug: string; field: string }[] } };
    }>();
    expect(error.code).toBe('MIMSY_ERR_REFERENCED');
    // A field value, a nested value, a Markdown body: every use is found.
    expect(error.details.referrers).toEqual(
      expect.arrayContaining([
        { schema: 'posts', slug: 'hello-world', field: 'cover' },
        { schema: 'authors', slug: 'ada', field: 'avatar' },
        { schema: 'posts', slug: 'guides/writing-markdown', field: 'body' },
      ]),
    );
    expect(t.repo.git('rev-parse', 'HEAD').trim()).toBe(head);
    const del = await t.app.inject({
      method: 'DELETE',
      url: '/api/media/2026/11/cover.png?force=true',
      headers: t.as('editor'),
    });
    expect(del.statusCode).toBe(200);
    expect(t.repo.git('log', '-1', '--format=%s').trim()).toBe('delete media/2026/11/cover.png');
    for (const url of [
      '/media/..%2F..%2Fmimsy.config.json',
      '/media/%2e%2e/%2e%2e/schemas/posts.json',
      '/api/media/..%2Fsecret',
    ]) {
      const res = await t.app.inject({
        method: url.startsWith('/api') ? 'DELETE' : 'GET',
        url,
        headers: t.as('admin'),
      });
      expect([400, 404]).toContain(res.statusCode);
      expect(res.body).not.toMatch(/"version"|kind/);
    }
  });
});
