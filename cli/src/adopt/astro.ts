import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plan } from './plan.js';
import { exists, isDir, dirsIn } from './site.js';

export function planAstro(root: string): Plan {
  const folders: Plan['folders'] = [];
  const skipped: Plan['skipped'] = [];
  const configFile = [
    'src/content.config.ts',
    'src/content.config.mjs',
    'src/content.config.js',
    'src/content/config.ts',
    'src/content/config.mjs',
    'src/content/config.js',
  ].find((f) => exists(root, f));
  if (configFile) {
    const source = readFileSync(path.join(root, configFile), 'utf8');
    // `const blog = defineCollection({ loader: glob({ base: './src/content/blog', pattern: '…' }) })`
    for (const m of source.matchAll(
      /(?:const|let)\s+(\w+)\s*=\s*defineCollection\(\s*\{([\s\S]*?)\}\s*\)\s*;?/g,
    )) {
      const [, name, body] = m as unknown as [string, string, string];
      const glob = /glob\(\s*\{([^}]*)\}/.exec(body);
      const baseMatch = glob && /base\s*:\s*['"`]([^'"`]+)['"`]/.exec(glob[1]!);
      if (baseMatch)
        folders.push({
          name: name.toLowerCase(),
          folder: baseMatch[1]!.replace(/^\.\//, '').replace(/\/$/, ''),
        });
      else if (/file\(/.test(body))
        skipped.push({
          path: configFile,
          reason: `collection "${name}" is one data file (file() loader); Mimsy edits one entry per file`,
        });
      else if (isDir(root, `src/content/${name}`))
        folders.push({ name: name.toLowerCase(), folder: `src/content/${name}` });
    }
  }
  if (folders.length === 0)
    for (const dir of dirsIn(root, 'src/content')) folders.push({ name: dir, folder: `src/content/${dir}` });
  const media = isDir(root, 'public')
    ? { dir: 'public', publicPath: '/' }
    : { dir: 'src/assets', publicPath: '/src/assets' };
  return { media, folders, data: [], skipped };
}
