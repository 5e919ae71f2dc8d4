// Finding 9 (low): one upload request must not carry an unbounded number or size of files, and
// nothing of a refused request may be committed. Files are streamed to disk, not held in memory.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, multipart, type TestApp } from '../src/test/helpers.js';

// A private temporary folder for this file's worker, to see that staged uploads are cleaned up.
const staging = mkdtempSync(path.join(tmpdir(), 'mimsy-upload-test-'));
process.env.TMPDIR = staging;

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const png = (size: number): Buffer => Buffer.concat([PNG, Buffer.alloc(size - PNG.length, 7)]);

let t: TestApp;
beforeAll(async () => {
  t = await makeApp({ mediaMaxBytes: 64 * 1024, mediaMaxFiles: 3, mediaMaxRequestBytes: 100 * 1024 });
});
afterAll(() => t.close());

async function upload(files: { name: string; content: Buffer }[]) {
  const before = t.repo.git('rev-parse', 'HEAD').trim();
  const { payload, headers } = multipart(files.map((f) => ({ ...f, type: 'image/png' })));
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/media',
    headers: { ...t.as('editor'), ...headers },
    payload,
  });
  const committed = t.repo.git('rev-list', '--count', `${before}..HEAD`).trim();
  return {
    status: res.statusCode,
    code: res.json<{ error?: { code: string } }>().error?.code,
    committed: Number(committed),
  };
}

describe('upload requests', () => {
  it('with more files than allowed are refused whole (413), nothing committed', async () => {
    const res = await upload(
      Array.from({ length: 4 }, (_, i) => ({ name: `many-${i}.png`, content: png(1024) })),
    );
    expect(res).toMatchObject({ status: 413, code: 'MIMSY_ERR_PAYLOAD_TOO_LARGE', committed: 0 });
  });

  it('larger than allowed in all are refused whole (413), although each file is within its limit', async () => {
    const res = await upload(
      Array.from({ length: 3 }, (_, i) => ({ name: `large-${i}.png`, content: png(40 * 1024) })),
    );
    expect(res).toMatchObject({ status: 413, code: 'MIMSY_ERR_PAYLOAD_TOO_LARGE', committed: 0 });
  });

  it('with one file of a refused type commit none of the others (415)', async () => {
    const res = await upload([
      { name: 'good.png', content: png(1024) },
      { name: 'evil.png', content: Buffer.from('<html><script>alert(1)</script>') },
    ]);
    expect(res).toMatchObject({ status: 415, committed: 0 });
  });

  it('within the limits commit each file, and leave no staged file behind', async () => {
    const res = await upload([
      { name: 'one.png', content: png(30 * 1024) },
      { name: 'two.png', content: png(30 * 1024) },
    ]);
    expect(res).toMatchObject({ status: 201, committed: 2 });
    expect(readdirSync(staging).filter((n) => n.startsWith('mimsy-upload-'))).toEqual([]);
  });
});
