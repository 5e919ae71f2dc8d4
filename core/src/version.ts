import { createHash } from 'node:crypto';

/** Git's blob id of `bytes` (SHA-1 of `blob <len>\0<bytes>`): an entry's version and ETag. */
export function blobId(bytes: Uint8Array): string {
  const hash = createHash('sha1');
  hash.update(`blob ${bytes.byteLength}\0`);
  hash.update(bytes);
  return hash.digest('hex');
}
