// Generates a content repository of N Markdown entries (plus authors) for benchmarks and load tests.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLE_BLOG } from './fixtures.js';

const WORDS =
  'git content editor commit branch merge review draft publish schema field markdown media index reader build site page post author'.split(
    ' ',
  );

function words(seed: number, count: number): string {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out.push(WORDS[x % WORDS.length]!);
  }
  return out.join(' ');
}

/** Makes (or reuses) `dir` holding `count` posts in a committed Git repository. */
export function generateRepository(dir: string, count: number): string {
  const marker = path.join(dir, '.generated');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === String(count)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const examples = EXAMPLE_BLOG;
  writeFileSync(path.join(dir, 'mimsy.config.json'), readFileSync(path.join(examples, 'mimsy.config.json')));
  mkdirSync(path.join(dir, 'schemas'));
  for (const s of ['posts', 'authors', 'site'])
    writeFileSync(
      path.join(dir, 'schemas', `${s}.json`),
      readFileSync(path.join(examples, 'schemas', `${s}.json`)),
    );
  mkdirSync(path.join(dir, 'content/authors'), { recursive: true });
  for (const a of ['ada', 'grace', 'linus'])
    writeFileSync(
      path.join(dir, 'content/authors', `${a}.json`),
      readFileSync(path.join(examples, 'content/authors', `${a}.json`)),
    );
  writeFileSync(path.join(dir, 'content/site.json'), readFileSync(path.join(examples, 'content/site.json')));
  const authors = ['ada', 'grace', 'linus'];
  for (let i = 0; i < count; i++) {
    const folder = path.join(dir, 'content/posts', `batch-${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) mkdirSync(folder, { recursive: true });
    const day = String(1 + (i % 28)).padStart(2, '0');
    const text = [
      '---',
      `title: Post number ${i} about ${words(i, 3)}`,
      `date: 2026-${String(1 + (i % 12)).padStart(2, '0')}-${day}T10:00:00Z`,
      `draft: ${i % 10 === 0}`,
      `summary: ${words(i + 7, 12)}`,
      `category: ${['news', 'guide', 'opinion'][i % 3]}`,
      'tags:',
      `  - ${WORDS[i % WORDS.length]}`,
      `  - ${WORDS[(i * 7) % WORDS.length]}`,
      `author: ${authors[i % 3]}`,
      `readingTime: ${1 + (i % 20)}`,
      '---',
      `# Post ${i}`,
      '',
      words(i + 13, 120),
      '',
    ].join('\n');
    writeFileSync(path.join(folder, `post-${i}.md`), text);
  }
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Bench');
  git('config', 'user.email', 'bench@example.com');
  git('add', '--all');
  git('commit', '--quiet', '-m', `generate ${count} posts`);
  writeFileSync(marker, String(count));
  execFileSync('sh', ['-c', 'echo .generated >> .git/info/exclude'], { cwd: dir });
  return dir;
}
