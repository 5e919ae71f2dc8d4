import { assertNoSymlink } from '../paths.js';
import { blobId } from '../version.js';
import { listInRoot, readInRoot } from './fs.js';
import type { ContentStore, StoredFile } from './port.js';
import type { CommitInfo, Deletion } from '../types.js';

/** Plain files, no Git: what a static site build needs to read content (it never writes). */
export class ReadOnlyFsStore implements ContentStore {
  readonly writer = null;
  readonly remote = null;
  constructor(readonly root: string) {}
  list(dir: string): Promise<string[]> {
    return listInRoot(this.root, dir);
  }
  checkPath(p: string): void {
    assertNoSymlink(this.root, p);
  }

  async read(p: string): Promise<StoredFile | null> {
    const bytes = await readInRoot(this.root, p);
    return bytes ? { path: p, bytes, version: blobId(bytes) } : null;
  }
  history(): Promise<CommitInfo[]> {
    return Promise.resolve([]);
  }
  readAt(): Promise<Uint8Array | null> {
    return Promise.resolve(null);
  }
  deletions(): Promise<Deletion[]> {
    return Promise.resolve([]);
  }
  lastCommits(): Promise<Map<string, CommitInfo>> {
    return Promise.resolve(new Map<string, CommitInfo>());
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
