import { gitIdentity, GitStore } from '@mimsy/core';
import type { FileChange } from '@mimsy/core';

/** Commits files written by a CLI command (schema files…) with the Git user as author. */
export async function commitFiles(root: string, changes: FileChange[], message: string): Promise<string> {
  const store = await GitStore.open(root);
  try {
    return (await store.commit(changes, { author: await gitIdentity(root), message })).sha;
  } finally {
    await store.close();
  }
}
