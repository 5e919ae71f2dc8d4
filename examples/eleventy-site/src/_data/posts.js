// Every published post, newest first, from the Mimsy repository.
import { createReader } from '@mimsy/core';

export default async function () {
  const reader = createReader(process.env.MIMSY_CONTENT ?? '../blog');
  return (await reader.collection('posts').all()).filter((post) => !post.data.draft);
}
