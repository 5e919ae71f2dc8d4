// The embedded default, until the API lands: show what the core reader finds in examples/blog.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReader, loadProject } from '@mimsy/core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'blog');
const project = await loadProject(root);
const reader = createReader(root, { validate: 'off' });

console.log(`Mimsy — content repository ${path.relative(process.cwd(), root) || '.'}\n`);
for (const issue of project.issues)
  console.log(`  ! ${issue.file} ${issue.path}: ${issue.message}. ${issue.fix}`);
for (const schema of await reader.schemas()) {
  if (schema.kind === 'singleton') {
    const entry = await reader.singleton(schema.name).read();
    console.log(
      `  ${schema.label} (${schema.name}, singleton, ${schema.format}): ${entry ? schema.file : 'no file yet'}`,
    );
  } else {
    const entries = await reader.collection(schema.name).all();
    console.log(
      `  ${schema.label} (${schema.name}, ${schema.format}): ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} in ${schema.folder}/`,
    );
  }
}
const problems = await reader.problems();
if (problems.length === 0) console.log('\nEvery entry is valid.');
for (const report of problems) {
  for (const p of report.problems)
    console.log(`  ✗ ${report.path}${p.line ? `:${p.line}` : ''} ${p.path} ${p.message}`);
}
