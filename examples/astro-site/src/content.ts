// The Mimsy content repository (MIMSY_CONTENT, default ../blog), read once per build.
import { createReader } from '@mimsy/core';

export const reader = createReader(process.env.MIMSY_CONTENT ?? '../blog');

export async function publishedPosts() {
  return (await reader.collection('posts').all()).filter((post) => !post.data.draft);
}
