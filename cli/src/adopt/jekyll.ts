import type { Plan } from './plan.js';
import { isDir, dirsIn, filesIn, readConfig, MARKDOWN_PAGE, hasFrontMatter, holdsPages } from './site.js';

export function planJekyll(root: string): Plan {
  const config = readConfig(root, ['_config.yml', '_config.yaml']);
  const base = typeof config.collections_dir === 'string' ? config.collections_dir : '';
  const at = (p: string): string => (base ? `${base}/${p}` : p);
  const folders: Plan['folders'] = [];
  if (isDir(root, at('_posts')))
    folders.push({ name: 'posts', folder: at('_posts'), slug: '{{now}}-{{title}}' });
  if (isDir(root, at('_drafts'))) folders.push({ name: 'drafts', folder: at('_drafts') });
  const collections = config.collections;
  const names = Array.isArray(collections)
    ? collections.map(String)
    : Object.keys((collections as Record<string, unknown>) ?? {});
  for (const name of names)
    if (name !== 'posts' && isDir(root, at(`_${name}`))) folders.push({ name, folder: at(`_${name}`) });
  // Pages are files with front matter outside `_` folders (Jekyll copies the rest as they are):
  // those at the root are singletons, a folder of them is a collection.
  const excluded = new Set([
    '_site',
    'node_modules',
    'vendor',
    'assets',
    'schemas',
    ...(base ? [base] : []),
    ...(Array.isArray(config.exclude) ? config.exclude.map((e) => String(e).replace(/^\/|\/$/g, '')) : []),
  ]);
  const skipped: Plan['skipped'] = [];
  const pages: string[] = [];
  for (const f of filesIn(root, '').filter((f) => MARKDOWN_PAGE.test(f) && !excluded.has(f))) {
    if (hasFrontMatter(root, f)) pages.push(f);
    else
      skipped.push({
        path: f,
        reason: 'no front matter: Jekyll copies it as it is, it is not a page',
      });
  }
  for (const dir of dirsIn(root, ''))
    if (!dir.startsWith('_') && !excluded.has(dir) && holdsPages(root, dir, excluded))
      folders.push({ name: dir, folder: dir });
  return {
    media: { dir: 'assets', publicPath: '/assets' },
    folders,
    data: isDir(root, '_data') ? ['_data'] : [],
    pages,
    skipped,
  };
}
