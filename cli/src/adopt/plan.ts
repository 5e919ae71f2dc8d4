// What adopting a site finds: a plan per generator (hugo.ts, jekyll.ts, astro.ts, eleventy.ts),
// each following that generator's documented conventions.
import { exists, isDir } from './site.js';

export const GENERATORS = ['hugo', 'jekyll', 'astro', 'eleventy'] as const;
export type Generator = (typeof GENERATORS)[number];

/** What adopt does with a site: where media is, which folders are collections or data. */
export interface Plan {
  media: { dir: string; publicPath: string };
  /** Folders of entries (and the name each collection gets). */
  folders: { name: string; folder: string; slug?: string }[];
  /** Data folders: each file a singleton, each subfolder a collection. */
  data: string[];
  /** Pages outside any collection folder (a Jekyll site's `about.md`): one singleton each. */
  pages?: string[];
  skipped: { path: string; reason: string }[];
}

/** The generator whose configuration file the folder has. */
export function detect(root: string): Generator | null {
  const any = (...names: string[]): boolean => names.some((n) => exists(root, n));
  if (any('hugo.toml', 'hugo.yaml', 'hugo.yml', 'hugo.json', 'config/_default')) return 'hugo';
  if (any('astro.config.mjs', 'astro.config.js', 'astro.config.ts', 'astro.config.mts', 'astro.config.cjs'))
    return 'astro';
  if (any('_config.yml', '_config.yaml')) return 'jekyll';
  if (
    any(
      '.eleventy.js',
      '.eleventy.cjs',
      'eleventy.config.js',
      'eleventy.config.mjs',
      'eleventy.config.cjs',
      'eleventy.config.ts',
    )
  )
    return 'eleventy';
  // Hugo before 0.110 named its config config.toml/yaml/json.
  if (any('config.toml', 'config.yaml', 'config.yml') && isDir(root, 'content')) return 'hugo';
  return null;
}
