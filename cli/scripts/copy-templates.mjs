// Ships examples/blog inside the package as the `mimsy init --template blog` template. Its schema
// files point their `$schema` into the monorepo (`../../../core/schema/…`); in a site made from the
// template the schema comes with the installed @mimsy/core, so the references are rewritten.
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const target = path.join(here, '..', 'templates', 'blog');
rmSync(target, { recursive: true, force: true });
cpSync(path.join(here, '..', '..', 'examples', 'blog'), target, { recursive: true });

const INSTALLED = '../node_modules/@mimsy/core/schema/';
for (const name of readdirSync(path.join(target, 'schemas'))) {
  if (!name.endsWith('.json')) continue;
  const file = path.join(target, 'schemas', name);
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/"\$schema": "(?:\.\.\/)+core\/schema\//, `"$schema": "${INSTALLED}`));
}
const config = path.join(target, 'mimsy.config.json');
writeFileSync(
  config,
  readFileSync(config, 'utf8').replace(
    /"\$schema": "(?:\.\.\/)+core\/schema\//,
    '"$schema": "./node_modules/@mimsy/core/schema/',
  ),
);
