// Reading a site's folders and configuration, for adopting it (commands/adopt.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeEntry } from '@mimsy/core';
import type { ContentFormat } from '@mimsy/core';

export const exists = (root: string, p: string): boolean => existsSync(path.join(root, p));
export const isDir = (root: string, p: string): boolean => {
  try {
    return statSync(path.join(root, p)).isDirectory();
  } catch {
    return false;
  }
};
export const dirsIn = (root: string, p: string): string[] =>
  isDir(root, p)
    ? readdirSync(path.join(root, p), { withFileTypes: true })
        .filter(
          (d) =>
            d.isDirectory() &&
            !d.name.startsWith('.') &&
            !d.name.startsWith('_') &&
            d.name !== 'node_modules',
        )
        .map((d) => d.name)
        .sort()
    : [];
export const filesIn = (root: string, p: string): string[] =>
  isDir(root, p)
    ? readdirSync(path.join(root, p), { withFileTypes: true })
        .filter((d) => d.isFile() && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort()
    : [];

/** A site configuration file read as data (TOML, YAML or JSON), or {} when absent or unreadable. */
export function readConfig(root: string, names: string[]): Record<string, unknown> {
  for (const name of names) {
    if (!exists(root, name)) continue;
    const ext = name.split('.').pop()!;
    const format: ContentFormat = ext === 'toml' ? 'toml' : ext === 'json' ? 'json' : 'yaml';
    try {
      return decodeEntry({ format }, readFileSync(path.join(root, name))).data;
    } catch {
      return {};
    }
  }
  return {};
}

export const MARKDOWN_PAGE = /\.(md|markdown)$/i;

/** Whether a file starts with a YAML front matter fence (after a byte order mark). */
export function hasFrontMatter(root: string, file: string): boolean {
  return /^(\uFEFF)?---[ \t]*\r?\n/.test(readFileSync(path.join(root, file), 'utf8').slice(0, 16));
}

/** Whether a folder (or one below it, not excluded) holds a Markdown page with front matter. */
export function holdsPages(root: string, dir: string, excluded: Set<string>): boolean {
  return (
    filesIn(root, dir).some((f) => MARKDOWN_PAGE.test(f) && hasFrontMatter(root, `${dir}/${f}`)) ||
    dirsIn(root, dir).some((d) => !excluded.has(`${dir}/${d}`) && holdsPages(root, `${dir}/${d}`, excluded))
  );
}
