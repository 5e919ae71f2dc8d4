// Fails the build when the admin's JavaScript is over budget (gzipped): the first screen
// (sign-in + dashboard: the entry chunk and what it imports statically) and the whole admin.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const FIRST_SCREEN_BUDGET = 60 * 1024;
const TOTAL_BUDGET = 250 * 1024;
const dist = path.resolve(import.meta.dirname, '..', 'dist');
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8'));
const gz = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;

const entry = Object.values(manifest).find((c) => c.isEntry);
const firstScreen = new Set();
const walk = (chunk) => {
  if (firstScreen.has(chunk.file)) return;
  firstScreen.add(chunk.file);
  for (const imported of chunk.imports ?? []) walk(manifest[imported]);
};
walk(entry);
const allJs = [
  ...new Set(
    Object.values(manifest)
      .map((c) => c.file)
      .filter((f) => f.endsWith('.js')),
  ),
];
const firstBytes = [...firstScreen].reduce((n, f) => n + gz(f), 0);
const totalBytes = allJs.reduce((n, f) => n + gz(f), 0);
const sizes = {
  firstScreenGzip: firstBytes,
  totalGzip: totalBytes,
  budgets: { firstScreen: FIRST_SCREEN_BUDGET, total: TOTAL_BUDGET },
  chunks: Object.fromEntries(allJs.map((f) => [f, gz(f)])),
};
writeFileSync(path.join(dist, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(
  `admin JavaScript (gzip): first screen ${kb(firstBytes)} of ${kb(FIRST_SCREEN_BUDGET)}, all ${kb(totalBytes)} of ${kb(TOTAL_BUDGET)}`,
);
if (firstBytes > FIRST_SCREEN_BUDGET || totalBytes > TOTAL_BUDGET) {
  console.error(
    'Over budget: the admin must stay small (see issue #5). Split the code or drop a dependency.',
  );
  process.exit(1);
}
