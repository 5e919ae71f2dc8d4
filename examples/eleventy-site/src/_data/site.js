import { createReader } from '@mimsy/core';

export default async function () {
  return (
    await createReader(process.env.MIMSY_CONTENT ?? '../blog')
      .singleton('site')
      .readOrThrow()
  ).data;
}
