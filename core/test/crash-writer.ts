// Child process for the crash test: writes as fast as it can and prints each acknowledged commit.
import { GitStore } from '../src/store/git/index.js';

const dir = process.argv[2]!;
const store = await GitStore.open(dir);
const enc = new TextEncoder();
let n = 0;
for (;;) {
  n++;
  const path = `content/posts/p${n % 7}.md`;
  const current = await store.read(path);
  const bytes =
    current && n % 5 === 0
      ? null
      : enc.encode(`---\ntitle: write ${n} ${process.pid}\n---\n${'body '.repeat(n % 50)}\n`);
  if (!current && bytes === null) continue;
  const result = await store.commit([{ path, bytes, expected: current?.version ?? null }], {
    author: { name: 'Crash', email: 'crash@example.com' },
    message: `write ${n}`,
  });
  process.stdout.write(`ack ${result.sha} ${path}\n`);
}
