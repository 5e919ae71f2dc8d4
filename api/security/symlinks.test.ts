// Finding 1 (high): symbolic links in the content repository must never be followed. Each test is
// the attack: a collaborator commits links to .git/config (which may hold a token), to the session
// secret, and to files outside the repository, at entry, folder, singleton and media level; a
// viewer then reads them through every route that serves files.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempRepo } from '@mimsy/core/testing';
import { makeApp, type TestApp } from '../src/test/helpers.js';

const TOKEN = 'ghp_SECRETTOKEN1234567890';
const SECRET = 'session-secret-that-must-never-leak-0123456789';
let t: TestApp;
let outside: string;

beforeAll(async () => {
  const repo = makeTempRepo({ example: true });
  const dir = repo.dir;
  repo.git('remote', 'add', 'origin', `https://x-access-token:${TOKEN}@github.example/acme/site.git`);
  mkdirSync(path.join(dir, '.mimsy'), { recursive: true });
  writeFileSync(path.join(dir, '.mimsy', 'session-secret'), SECRET);
  outside = mkdtempSync(path.join(tmpdir(), 'mimsy-outside-'));
  writeFileSync(path.join(outside, 'passwd.md'), `---\ntitle: ${SECRET}\n---\n`);
  mkdirSync(path.join(outside, 'folder'));
  writeFileSync(path.join(outside, 'folder', 'inside.md'), `---\ntitle: ${SECRET}\n---\n`);
  const link = (target: string, at: string): void => symlinkSync(target, path.join(dir, at));
  link('../../.git/config', 'content/posts/leak.md'); // entry → .git/config
  link('../../.mimsy/session-secret', 'content/posts/secret.md'); // entry → session secret
  link(path.join(outside, 'passwd.md'), 'content/posts/outside.md'); // entry → outside, absolute
  link(path.join(outside, 'folder'), 'content/posts/linked-folder'); // folder → outside
  link('../../../.git', 'public/media/2026/git'); // media folder → .git
  link('../../../../.git/config', 'public/media/2026/11/config.png'); // media file → .git/config
  link('../../.mimsy/session-secret', 'public/media/secret.txt');
  t = await makeApp({}, repo);
});

afterAll(async () => {
  await t.close();
  rmSync(outside, { recursive: true, force: true });
});

const viewer = (): { authorization: string } => t.as('viewer');

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await t.app.inject({ url, headers: viewer() });
  return { status: res.statusCode, body: res.body };
}

function leaks(body: string): boolean {
  return body.includes(TOKEN) || body.includes(SECRET) || body.includes('[core]');
}

describe('symbolic links in the content repository', () => {
  it('are never served as entries, by id or in lists or search', async () => {
    for (const id of ['leak', 'secret', 'outside', 'linked-folder/inside']) {
      const res = await get(`/api/collections/posts/entries/${id}`);
      expect(res.status, id).toBe(404);
      expect(leaks(res.body), id).toBe(false);
    }
    const list = await get('/api/collections/posts/entries?limit=200');
    expect(list.status).toBe(200);
    expect(leaks(list.body)).toBe(false);
    expect(leaks((await get('/api/collections/posts/entries?q=core')).body)).toBe(false);
  });

  it('are reported as problems to the admin and never served from the media folder', async () => {
    const schemas = JSON.parse((await get('/api/schemas')).body) as {
      files: { path: string; message: string }[];
    };
    const reported = schemas.files.map((f) => f.path).sort();
    expect(reported).toEqual(
      expect.arrayContaining([
        'content/posts/leak.md',
        'content/posts/secret.md',
        'content/posts/outside.md',
        'content/posts/linked-folder',
        'public/media/2026/git',
        'public/media/2026/11/config.png',
        'public/media/secret.txt',
      ]),
    );
    for (const f of schemas.files) expect(f.message).toMatch(/symbolic link/);
    for (const url of ['/media/2026/11/config.png', '/media/secret.txt', '/media/2026/git/config']) {
      const res = await get(url);
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(res.status, url).toBeLessThan(500);
      expect(leaks(res.body), url).toBe(false);
    }
    const media = await get('/api/media');
    expect(media.status).toBe(200);
    expect(media.body).not.toMatch(/config\.png|secret\.txt|2026\/git/);
  });

  // A singleton replaced by a link after start, as a pull would: re-read as the watcher does.
  it('a singleton that is a link is a problem, not a leak', async () => {
    rmSync(path.join(t.repo.dir, 'content/site.json'));
    symlinkSync('../.git/config', path.join(t.repo.dir, 'content/site.json'));
    await t.app.repo.index.refresh('content/site.json');
    const res = await get('/api/singletons/site');
    expect(leaks(res.body)).toBe(false);
    expect(res.status).toBe(404);
    const schemas = JSON.parse((await get('/api/schemas')).body) as { files: { path: string }[] };
    expect(schemas.files.map((f) => f.path)).toContain('content/site.json');
  });

  it('writes never go through a link, even one the index has not seen', async () => {
    const editor = t.as('editor');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/collections/posts/entries',
      headers: editor,
      payload: { slug: 'linked-folder/new', data: { title: 'x', author: 'ada' }, body: 'x' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('MIMSY_ERR_INVALID_PATH');
  });

  it('path-like ids never reach a link or leave the folder (fuzzed)', async () => {
    const segment = fc.constantFrom(
      'leak',
      'secret',
      'outside',
      'linked-folder',
      'inside',
      '..',
      '.',
      '.git',
      '%2e%2e',
      'config',
      'hello-world',
      '',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), async (parts) => {
        const id = parts.join('/');
        for (const url of [`/api/collections/posts/entries/${id}`, `/media/${id}`]) {
          const res = await get(url);
          expect(res.status, url).toBeLessThan(500);
          expect(leaks(res.body), url).toBe(false);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('dotfiles and dot-folders', () => {
  it('a schema committed to the repository cannot make .mimsy, .git or .env content', async () => {
    const { checkSchema } = await import('@mimsy/core');
    for (const file of ['.mimsy/users.json', 'content/.git/config', '.env', 'data/.secrets/x.json']) {
      const result = checkSchema(
        'leak',
        'schemas/leak.json',
        { kind: 'singleton', file, format: 'json', fields: [{ name: 'users', type: 'list' }] },
        { schemaNames: ['leak'], kinds: new Map([['leak', 'singleton']]) },
      );
      expect(result.schema, file).toBeNull();
      expect(
        result.issues.map((i) => i.path),
        file,
      ).toContain('/file');
    }
  });

  it('are never served as media', async () => {
    for (const url of [
      '/media/.mimsy/users.json',
      '/media/2026/.git/config',
      '/media/%2emimsy/session-secret',
    ]) {
      const res = await get(url);
      expect(res.status, url).toBe(400);
      expect(leaks(res.body), url).toBe(false);
    }
  });
});
