// The OpenAPI document is one a real client can be generated from: every operation has an id, path
// parameters have names (no wildcard), and a client generated with openapi-typescript +
// openapi-fetch type-checks under --strict and calls every operation successfully.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import openapiTS, { astToString } from 'openapi-typescript';
import { makeTempRepo } from '@mimsy/core/testing';
import { makeApp, PASSWORD, type TestApp } from './test/helpers.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
type Doc = {
  paths: Record<
    string,
    Partial<
      Record<(typeof METHODS)[number], { operationId?: string; parameters?: { in: string; name: string }[] }>
    >
  >;
};

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function operations(doc: Doc): { method: string; path: string; operationId: string | undefined }[] {
  return Object.entries(doc.paths).flatMap(([p, item]) =>
    METHODS.filter((m) => item[m]).map((m) => ({ method: m, path: p, operationId: item[m]!.operationId })),
  );
}

describe('the OpenAPI document', () => {
  it('names every operation and every path parameter', async () => {
    t = await makeApp();
    const doc = (await t.app.inject({ url: '/api/openapi.json', headers: t.as('viewer') })).json<Doc>();
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(30);
    expect(ops.filter((o) => !o.operationId)).toEqual([]);
    const ids = ops.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(doc.paths).filter((p) => p.includes('*'))).toEqual([]);
    // Sub-routes of an entry are operations of their own.
    for (const p of ['', '/history', '/history/{sha}', '/revert'])
      expect(Object.keys(doc.paths)).toContain(`/api/collections/{schema}/entries/{id}${p}`);
  });

  it('generates a typed client (openapi-typescript + openapi-fetch) that compiles and calls every operation', async () => {
    const repo = makeTempRepo({ example: true });
    // A page bundle (a folder with index.md) for the bundle-file operations.
    mkdirSync(path.join(repo.dir, 'content/posts/with-figure'), { recursive: true });
    writeFileSync(
      path.join(repo.dir, 'content/posts/with-figure/index.md'),
      '---\ntitle: With a figure\ndate: 2026-01-02T10:00:00Z\nauthor: ada\n---\nSee the figure.\n',
    );
    repo.git('add', '.');
    repo.git('commit', '-q', '-m', 'a page bundle');
    const secret = 'generated-client-webhook-secret-0123456789';
    t = await makeApp({ webhookSecret: secret }, repo);
    const doc = (await t.app.inject({ url: '/api/openapi.json', headers: t.as('viewer') })).json<Doc>();

    const generated = path.join(import.meta.dirname, 'test', '.generated');
    rmSync(generated, { recursive: true, force: true });
    mkdirSync(generated, { recursive: true });
    writeFileSync(
      path.join(generated, 'openapi.ts'),
      astToString(await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0])),
    );
    // The client must compile against the generated types, strictly, as a user's would.
    const tsc = path.resolve(import.meta.dirname, '../../node_modules/typescript/bin/tsc');
    const compiled = spawnSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--target',
        'es2022',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        '--types',
        'node',
        path.join(import.meta.dirname, 'test', 'openapi-client.ts'),
      ],
      { cwd: path.resolve(import.meta.dirname, '..'), encoding: 'utf8' },
    );
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);

    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address() as { port: number };
    // Imported once the generated types exist (the module is type-checked above, not here).
    const { callEveryRoute } = await import('./test/openapi-client.js');
    const calls = await callEveryRoute(
      `http://127.0.0.1:${address.port}`,
      { editor: t.tokens.editor, viewer: t.tokens.viewer },
      { name: 'eddie', password: PASSWORD },
      secret,
      'with-figure',
    );
    // Every operation in the document was called through the generated client…
    expect(Object.keys(calls).sort()).toEqual(
      operations(doc)
        .map((o) => o.operationId!)
        .sort(),
    );
    // …and answered as documented: success, except a sync without a remote.
    const { syncGit, ...rest } = calls;
    expect(Object.entries(rest).filter(([, status]) => status >= 300)).toEqual([]);
    expect(syncGit).toBeGreaterThanOrEqual(400);
  }, 120_000);
});
