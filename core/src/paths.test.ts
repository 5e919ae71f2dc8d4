import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidPathError } from './errors.js';
import { assertNoSymlink, entryPath, isValidSlug, relativePathProblem, slugProblem } from './paths.js';
import type { Schema } from './types.js';
import { HOSTILE_SLUGS } from './testing/hostile-slugs.js';

const collection: Pick<Schema, 'kind' | 'folder' | 'format'> = {
  kind: 'collection',
  folder: 'content/posts',
  format: 'markdown',
};

describe('slug safety', () => {
  it.each(HOSTILE_SLUGS)('refuses %s', (_name, slug) => {
    expect(slugProblem(slug)).not.toBeNull();
    expect(isValidSlug(slug)).toBe(false);
    expect(() => entryPath(collection, slug as string)).toThrow(InvalidPathError);
  });

  it.each([
    ['hello-world'],
    ['2026/year-in-review'],
    ['guides/writing.markdown'],
    ['a'],
    ['a_b.c-d'],
    ['x'.repeat(200)],
    ['history'],
    ['revert/notes'],
  ])('accepts %s', (slug) => {
    expect(slugProblem(slug)).toBeNull();
  });

  it('maps (schema, slug) to one path per format', () => {
    expect(entryPath(collection, 'guides/intro')).toBe('content/posts/guides/intro.md');
    expect(entryPath({ ...collection, format: 'json' }, 'ada')).toBe('content/posts/ada.json');
    expect(entryPath({ kind: 'singleton', file: 'content/site.json', format: 'json' }, 'ignored')).toBe(
      'content/site.json',
    );
  });

  it('error messages never echo raw control characters', () => {
    try {
      entryPath(collection, 'bad\u202eslug\0');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toMatch(/[\0\u202e]/);
    }
  });
});

describe('configured paths', () => {
  it.each(['../outside', '/abs', 'a/../b', '.git/hooks', 'a\\b', 'ok/./x', ''])('refuses %j', (p) => {
    expect(relativePathProblem(p)).not.toBeNull();
  });
  it('accepts ordinary folders', () => {
    expect(relativePathProblem('content/posts')).toBeNull();
  });
});

describe('symlinks', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mimsy-links-'));
  const outside = mkdtempSync(path.join(tmpdir(), 'mimsy-outside-'));
  mkdirSync(path.join(root, 'content'), { recursive: true });
  writeFileSync(path.join(outside, 'secret.md'), 'secret');
  symlinkSync(outside, path.join(root, 'content', 'escape'));
  mkdirSync(path.join(root, 'content', 'real'));
  symlinkSync(path.join(root, 'content', 'real'), path.join(root, 'content', 'inside'));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('refuses a path through a symlink that leaves the repository', () => {
    expect(() => assertNoSymlink(root, 'content/escape/secret.md')).toThrow(InvalidPathError);
  });
  it('refuses a symlink that stays inside too (it could name .git/config or the session secret)', () => {
    expect(() => assertNoSymlink(root, 'content/inside/x.md')).toThrow(/symbolic link \(content\/inside\)/);
  });
  it('allows paths that do not exist yet', () => {
    expect(() => assertNoSymlink(root, 'content/new/deep/x.md')).not.toThrow();
  });
});
