// Child process for the load benchmark's baseline: a bare Fastify server answering the load
// driver's routes with constant JSON of the same shape (reads) and a constant write answer (PUT),
// with no storage behind it. Prints its URL.
import Fastify from 'fastify';

const entry = {
  schema: 'posts',
  slug: 'batch-000/post-0',
  path: 'content/posts/batch-000/post-0.md',
  version: '0'.repeat(40),
  data: {
    title: 'Post number 0',
    summary: 'a summary of twelve words for the baseline of the load test',
    draft: false,
  },
  body: 'Body text of the post.\n'.repeat(8),
};
const list = { items: Array.from({ length: 20 }, () => entry), total: 10_000, nextCursor: 'x' };
const app = Fastify({ logger: false });
app.get('/api/collections/:schema/entries', () => list);
app.get('/api/collections/:schema/entries/*', () => entry);
app.put('/api/collections/:schema/entries/*', () => ({
  entry,
  commit: {
    sha: '0'.repeat(40),
    author: { name: 'bench', email: 'b@x' },
    date: '2026-01-01T00:00:00Z',
    message: 'update',
  },
}));
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.on('SIGTERM', () => process.exit(0));
console.log(url);
