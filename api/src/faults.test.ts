// A full disk simulated at the write layer (ENOSPC from the file system), so that the answer is
// checked on every machine — api/proof/faults.test.ts fills a real tmpfs where mounting is allowed.
import type * as FsPromises from 'node:fs/promises';
import { afterEach, expect, it, vi } from 'vitest';
import { makeApp, type TestApp } from './test/helpers.js';

const fault = vi.hoisted(() => ({ code: null as string | null }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const open: typeof fs.open = async (...args: Parameters<typeof fs.open>) => {
    const handle = await fs.open(...args);
    const code = fault.code;
    if (!code) return handle;
    // The file opens, but writing to it fails the way a full or read-only volume does.
    return new Proxy(handle, {
      get(target, key, receiver) {
        if (key === 'writeFile' || key === 'write')
          return () => Promise.reject(Object.assign(new Error(`${code}: simulated by the test`), { code }));
        const value: unknown = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  return { ...fs, default: { ...fs, open }, open };
});

let t: TestApp;
afterEach(async () => {
  fault.code = null;
  await t?.close();
});

it.each([
  ['ENOSPC', 507, 'MIMSY_ERR_STORAGE_FULL', /full, so nothing was saved/],
  ['EROFS', 503, 'MIMSY_ERR_READ_ONLY', /read-only, so nothing was saved/],
])(
  '%s while saving: %i %s, nothing written, and the next save works',
  async (code, status, error, message) => {
    t = await makeApp();
    const entry = (
      await t.app.inject({ url: '/api/collections/authors/entries/ada', headers: t.as('viewer') })
    ).json<{
      version: string;
      data: Record<string, unknown>;
    }>();
    const before = t.repo.git('rev-parse', 'HEAD');
    const save = () =>
      t.app.inject({
        method: 'PUT',
        url: '/api/collections/authors/entries/ada',
        headers: { ...t.as('editor'), 'if-match': `"${entry.version}"` },
        payload: { data: { ...entry.data, name: 'Ada Lovelace (edited)' } },
      });
    fault.code = code;
    const res = await save();
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ error: { code: error, message: expect.stringMatching(message) } });
    expect(res.headers['retry-after']).toBe('5');
    expect(t.repo.git('rev-parse', 'HEAD')).toBe(before);
    expect(t.repo.git('status', '--porcelain')).toBe('');
    fault.code = null;
    const retry = await save();
    expect(retry.statusCode).toBe(200);
  },
);
