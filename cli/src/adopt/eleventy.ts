import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan } from './plan.js';
import { exists, isDir, dirsIn, filesIn, MARKDOWN_PAGE } from './site.js';

export function planEleventy(root: string): Plan {
  const configFile = [
    'eleventy.config.js',
    'eleventy.config.mjs',
    'eleventy.config.cjs',
    'eleventy.config.ts',
    '.eleventy.js',
    '.eleventy.cjs',
  ].find((f) => exists(root, f));
  const source = configFile ? readFileSync(path.join(root, configFile), 'utf8') : '';
  const input =
    /input\s*:\s*['"`]([^'"`]+)['"`]/
      .exec(source)?.[1]
      ?.replace(/^\.\/?/, '')
      .replace(/\/$/, '') ?? '';
  const output =
    /output\s*:\s*['"`]([^'"`]+)['"`]/.exec(source)?.[1]?.replace(/^\.\//, '').replace(/\/$/, '') ?? '_site';
  const data = /data\s*:\s*['"`]([^'"`]+)['"`]/.exec(source)?.[1] ?? '_data';
  const folders: Plan['folders'] = [];
  const skip = new Set([
    output,
    'node_modules',
    'schemas',
    'public',
    'assets',
    'css',
    'js',
    'img',
    'images',
    '_includes',
    '_layouts',
  ]);
  for (const dir of dirsIn(root, input)) {
    const folder = input ? `${input}/${dir}` : dir;
    if (skip.has(dir)) continue;
    const hasContent = (d: string): boolean =>
      filesIn(root, d).some((f) => /\.(md|markdown)$/i.test(f)) ||
      dirsIn(root, d).some((s) => hasContent(`${d}/${s}`));
    if (hasContent(folder)) folders.push({ name: dir, folder });
  }
  // Eleventy renders every Markdown file, with or without front matter: the top ones are pages.
  const pages = filesIn(root, input)
    .filter((f) => MARKDOWN_PAGE.test(f) && f.toLowerCase() !== 'readme.md')
    .map((f) => (input ? `${input}/${f}` : f));
  const dataDir = input ? `${input}/${data}` : data;
  return {
    media: { dir: isDir(root, 'public') ? 'public' : 'img', publicPath: '/' },
    folders,
    data: isDir(root, dataDir) ? [dataDir] : [],
    pages,
    skipped: [],
  };
}

/** The fields of one file's values (a singleton's): every key Mimsy can name and type. */
