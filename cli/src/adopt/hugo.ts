import type { Plan } from './plan.js';
import { isDir, dirsIn, filesIn, readConfig } from './site.js';

export function planHugo(root: string): Plan {
  const config = readConfig(root, [
    'hugo.toml',
    'hugo.yaml',
    'hugo.yml',
    'hugo.json',
    'config.toml',
    'config.yaml',
    'config.yml',
    'config.json',
    'config/_default/hugo.toml',
    'config/_default/config.toml',
  ]);
  const contentDir = typeof config.contentDir === 'string' ? config.contentDir : 'content';
  const languages = Object.keys((config.languages as Record<string, unknown> | undefined) ?? {});
  const folders: Plan['folders'] = [];
  // content/<lang>/ when the site keeps one tree per language.
  const trees =
    languages.length > 1 && languages.every((l) => isDir(root, `${contentDir}/${l}`))
      ? languages.map((l) => ({ dir: `${contentDir}/${l}`, suffix: `-${l}` }))
      : [{ dir: contentDir, suffix: '' }];
  for (const tree of trees) {
    for (const section of dirsIn(root, tree.dir))
      folders.push({ name: `${section}${tree.suffix}`, folder: `${tree.dir}/${section}` });
    if (filesIn(root, tree.dir).length) folders.push({ name: `pages${tree.suffix}`, folder: tree.dir });
  }
  const media = isDir(root, 'static')
    ? { dir: 'static', publicPath: '/' }
    : { dir: 'assets', publicPath: '/' };
  return { media, folders, data: isDir(root, 'data') ? ['data'] : [], skipped: [] };
}
