// `mimsy init --from hugo|jekyll|astro|eleventy|auto`: adopts an existing site as it is. Detects the
// generator from its config, finds its content and data folders by that generator's conventions,
// infers one schema per collection, and commits only new files (mimsy.config.json, schemas/).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, decodeEntry, FORMAT_EXTENSIONS } from '@mimsy/core';
import type { ContentFormat } from '@mimsy/core';
import { UserError } from '../errors.js';
import { commitFiles } from '../commit-files.js';
import * as infer from './schema-infer.js';
import * as validate from './validate.js';

export const GENERATORS = ['hugo', 'jekyll', 'astro', 'eleventy'] as const;
export type Generator = (typeof GENERATORS)[number];
const NAMES: Record<Generator, string> = {
  hugo: 'Hugo',
  jekyll: 'Jekyll',
  astro: 'Astro',
  eleventy: 'Eleventy',
};

export interface AdoptOptions {
  cwd: string;
  root: string;
  from: Generator | 'auto';
}

export interface AdoptedCollection {
  name: string;
  kind: 'collection' | 'singleton';
  path: string;
  format: ContentFormat;
  entries: number;
  fields: number;
}

export interface AdoptResult {
  root: string;
  generator: Generator;
  media: string;
  collections: AdoptedCollection[];
  /** Content Mimsy could not place, and why (nothing is changed for it). */
  skipped: { path: string; reason: string }[];
  created: string[];
  commit: string;
  /** `mimsy validate` right after: the problem count and the entries it checked. */
  problems: number;
  /** The first of those problems, as `mimsy validate` prints them. */
  problemLines: string[];
  checked: number;
}

const exists = (root: string, p: string): boolean => existsSync(path.join(root, p));
const isDir = (root: string, p: string): boolean => {
  try {
    return statSync(path.join(root, p)).isDirectory();
  } catch {
    return false;
  }
};
const dirsIn = (root: string, p: string): string[] =>
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
const filesIn = (root: string, p: string): string[] =>
  isDir(root, p)
    ? readdirSync(path.join(root, p), { withFileTypes: true })
        .filter((d) => d.isFile() && !d.name.startsWith('.'))
        .map((d) => d.name)
        .sort()
    : [];

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

/** A site configuration file read as data (TOML, YAML or JSON), or {} when absent or unreadable. */
function readConfig(root: string, names: string[]): Record<string, unknown> {
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

interface Plan {
  media: { dir: string; publicPath: string };
  /** Folders of entries (and the name each collection gets). */
  folders: { name: string; folder: string; slug?: string }[];
  /** Data folders: each file a singleton, each subfolder a collection. */
  data: string[];
  /** Pages outside any collection folder (a Jekyll site's `about.md`): one singleton each. */
  pages?: string[];
  skipped: { path: string; reason: string }[];
}

function planHugo(root: string): Plan {
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

function planJekyll(root: string): Plan {
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

const MARKDOWN_PAGE = /\.(md|markdown)$/i;

/** Whether a file starts with a YAML front matter fence (after a byte order mark). */
function hasFrontMatter(root: string, file: string): boolean {
  return /^(\uFEFF)?---[ \t]*\r?\n/.test(readFileSync(path.join(root, file), 'utf8').slice(0, 16));
}

/** Whether a folder (or one below it, not excluded) holds a Markdown page with front matter. */
function holdsPages(root: string, dir: string, excluded: Set<string>): boolean {
  return (
    filesIn(root, dir).some((f) => MARKDOWN_PAGE.test(f) && hasFrontMatter(root, `${dir}/${f}`)) ||
    dirsIn(root, dir).some((d) => !excluded.has(`${dir}/${d}`) && holdsPages(root, `${dir}/${d}`, excluded))
  );
}

function planAstro(root: string): Plan {
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

function planEleventy(root: string): Plan {
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
function inferFields(data: Record<string, unknown>): Record<string, unknown>[] {
  return Object.entries(data)
    .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(k))
    .map(([k, v]) => {
      const type = infer.inferType([v], 1, false);
      return type ? { name: k, ...type } : null;
    })
    .filter((f) => f !== null);
}

const DATA_FORMAT: Record<string, ContentFormat> = { json: 'json', yaml: 'yaml', yml: 'yaml', toml: 'toml' };

function schemaName(raw: string, taken: Set<string>): string {
  let name =
    raw
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'content';
  if (!/^[a-z0-9]/.test(name)) name = `c${name}`;
  name = name.slice(0, 60);
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}-${i}`;
  taken.add(candidate);
  return candidate;
}

export async function adopt(options: AdoptOptions): Promise<AdoptResult> {
  const { root } = options;
  if (!isDir(root, ''))
    throw new UserError(`${root} is not a folder: run mimsy init --from in the site's own folder.`);
  if (exists(root, CONFIG_FILE))
    throw new UserError(
      `${root} is already a Mimsy repository (it has ${CONFIG_FILE}). Nothing was changed.`,
    );
  if (exists(root, 'schemas') && !isDir(root, 'schemas'))
    throw new UserError(
      `${root}/schemas exists and is not a folder; Mimsy keeps its schemas there. Nothing was changed.`,
    );
  const generator = options.from === 'auto' ? detect(root) : options.from;
  if (!generator)
    throw new UserError(
      `No Hugo, Jekyll, Astro or Eleventy configuration found in ${root} (hugo.toml, _config.yml, astro.config.*, eleventy.config.*). Name the generator with --from hugo|jekyll|astro|eleventy.`,
    );
  const plan = { hugo: planHugo, jekyll: planJekyll, astro: planAstro, eleventy: planEleventy }[generator](
    root,
  );
  const skipped = [...plan.skipped];
  const taken = new Set<string>();
  const schemas: { name: string; file: string; schema: Record<string, unknown> }[] = [];
  const collections: AdoptedCollection[] = [];

  // The config first (as an uncommitted file), so that `schema infer` sees the ignore list.
  const config = { version: 1, schemas: 'schemas', media: plan.media, ignore: [] as string[] };
  const created: { path: string; bytes: Uint8Array }[] = [];
  const encode = (value: unknown): Uint8Array =>
    new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);

  for (const { name: rawName, folder, slug } of plan.folders) {
    const name = schemaName(rawName, taken);
    // A site's root pages (`content`) leave the sections to their own collections.
    const inner = plan.folders
      .filter((f) => f.folder.startsWith(`${folder}/`))
      .map((f) => f.folder.slice(folder.length + 1));
    let result;
    try {
      result = await infer.run({ cwd: root, folder, name, exclude: inner });
    } catch (error) {
      skipped.push({ path: folder, reason: (error as Error).message });
      taken.delete(name);
      continue;
    }
    const schema = { ...result.schema } as Record<string, unknown>;
    if (slug) schema.slug = slug;
    // Files beside the content that are not entries (images outside bundles, HTML pages): theirs.
    const ignore = [
      ...new Set(
        result.notEntries.map((n) => {
          const rel = n.file.slice(folder.length + 1);
          const ext = /\.([A-Za-z0-9]+)$/.exec(rel)?.[1];
          return ext &&
            !Object.values(FORMAT_EXTENSIONS)
              .flat()
              .includes(ext.toLowerCase() as never)
            ? `**/*.${ext}`
            : rel;
        }),
      ),
    ];
    if (ignore.length) schema.ignore = ignore;
    for (const n of result.notEntries)
      skipped.push({
        path: n.file,
        reason: `not content Mimsy edits (${n.problem.replace(/ \(list it in "ignore".*\)$/, '')}); listed in "ignore"`,
      });
    for (const u of result.unreadable) skipped.push({ path: u.file, reason: `cannot be read: ${u.reason}` });
    schemas.push({ name, file: `schemas/${name}.json`, schema });
    collections.push({
      name,
      kind: 'collection',
      path: folder,
      format: schema.format as ContentFormat,
      entries: result.files,
      fields: (schema.fields as unknown[]).length,
    });
  }

  for (const rel of plan.pages ?? []) {
    let decoded: { data: Record<string, unknown>; body?: string };
    try {
      decoded = decodeEntry({ format: 'markdown' }, readFileSync(path.join(root, rel)));
    } catch (error) {
      skipped.push({ path: rel, reason: `cannot be read: ${(error as Error).message}` });
      continue;
    }
    const stem = path.posix.basename(rel).replace(/\.[^.]+$/, '');
    const name = schemaName(`page-${stem}`, taken);
    const fields: Record<string, unknown>[] = [...inferFields(decoded.data)];
    fields.push({ name: fields.some((f) => f.name === 'body') ? 'content' : 'body', type: 'markdown' });
    const title = typeof decoded.data.title === 'string' ? decoded.data.title.slice(0, 60) : '';
    schemas.push({
      name,
      file: `schemas/${name}.json`,
      schema: { label: title || `Page ${stem}`, kind: 'singleton', file: rel, format: 'markdown', fields },
    });
    collections.push({
      name,
      kind: 'singleton',
      path: rel,
      format: 'markdown',
      entries: 1,
      fields: fields.length,
    });
  }

  for (const dataDir of plan.data) {
    for (const file of filesIn(root, dataDir)) {
      const ext = file.split('.').pop()!.toLowerCase();
      const format = DATA_FORMAT[ext];
      if (!format) continue;
      const rel = `${dataDir}/${file}`;
      let data: Record<string, unknown>;
      try {
        data = decodeEntry({ format }, readFileSync(path.join(root, rel))).data;
      } catch (error) {
        skipped.push({ path: rel, reason: `cannot be read as data: ${(error as Error).message}` });
        continue;
      }
      const name = schemaName(file.replace(/\.[^.]+$/, ''), taken);
      const fields = inferFields(data);
      if (fields.length === 0) {
        skipped.push({
          path: rel,
          reason: 'holds no fields Mimsy can edit (a list at the top, or only odd keys)',
        });
        taken.delete(name);
        continue;
      }
      schemas.push({
        name,
        file: `schemas/${name}.json`,
        schema: { label: name, kind: 'singleton', file: rel, format, fields },
      });
      collections.push({ name, kind: 'singleton', path: rel, format, entries: 1, fields: fields.length });
    }
    for (const sub of dirsIn(root, dataDir)) {
      const name = schemaName(sub, taken);
      try {
        const result = await infer.run({ cwd: root, folder: `${dataDir}/${sub}`, name });
        schemas.push({ name, file: `schemas/${name}.json`, schema: result.schema });
        collections.push({
          name,
          kind: 'collection',
          path: `${dataDir}/${sub}`,
          format: result.schema.format as ContentFormat,
          entries: result.files,
          fields: (result.schema.fields as unknown[]).length,
        });
      } catch (error) {
        skipped.push({ path: `${dataDir}/${sub}`, reason: (error as Error).message });
        taken.delete(name);
      }
    }
  }

  for (const s of schemas) {
    if (exists(root, s.file)) throw new UserError(`${s.file} already exists; nothing was changed.`);
    created.push({ path: s.file, bytes: encode(s.schema) });
  }
  created.unshift({ path: CONFIG_FILE, bytes: encode(config) });
  if (!exists(root, '.gitignore'))
    created.push({
      path: '.gitignore',
      bytes: new TextEncoder().encode(
        '# Mimsy keeps local state here (users file, session secret).\n.mimsy/\nnode_modules/\n',
      ),
    });
  const commit = await commitFiles(
    root,
    created.map((c) => ({ ...c, expected: null })),
    `Adopt this ${generator} site in Mimsy (${collections.length} content types)`,
  );
  const report = await validate.run({ cwd: root, json: true });
  return {
    root,
    generator,
    media: plan.media.dir,
    collections,
    skipped,
    created: created.map((c) => c.path),
    commit,
    problems:
      report.schemaIssues.length +
      report.entries.reduce((n, r) => n + r.problems.length, 0) +
      report.unaddressable.length,
    checked: report.checked,
    problemLines: validate
      .render(report)
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(0, 20),
  };
}

export function render(result: AdoptResult): string {
  const rows = result.collections.map((c) => [
    c.name,
    c.kind,
    c.path,
    c.format,
    String(c.entries),
    String(c.fields),
  ]);
  const head = ['content type', 'kind', 'path', 'format', 'entries', 'fields'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [
    `Adopted the ${NAMES[result.generator]} site in ${result.root}: ${result.collections.length} content types, media in ${result.media}/.`,
    '',
    line(head),
    ...rows.map(line),
    '',
  ];
  if (result.skipped.length) {
    out.push('Not placed (left as they are):');
    for (const s of result.skipped.slice(0, 20)) out.push(`  ${s.path}: ${s.reason}`);
    if (result.skipped.length > 20) out.push(`  … and ${result.skipped.length - 20} more`);
    out.push('');
  }
  out.push(
    result.problems === 0
      ? 'mimsy validate: no problems. No existing file was changed.'
      : `mimsy validate: ${result.problems} problem(s) — run it to see them. No existing file was changed.`,
    '',
    'Next: mimsy serve',
  );
  return out.join('\n');
}
