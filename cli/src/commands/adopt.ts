// `mimsy init --from hugo|jekyll|astro|eleventy|auto`: adopts an existing site as it is. Detects the
// generator from its config, finds its content and data folders by that generator's conventions,
// infers one schema per collection, and commits only new files (mimsy.config.json, schemas/).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, decodeEntry, FORMAT_EXTENSIONS } from '@mimsy/core';
import { detect, type Generator } from '../adopt/plan.js';
export { detect } from '../adopt/plan.js';
import { planAstro } from '../adopt/astro.js';
import { planEleventy } from '../adopt/eleventy.js';
import { planHugo } from '../adopt/hugo.js';
import { planJekyll } from '../adopt/jekyll.js';
import { dirsIn, exists, filesIn, isDir } from '../adopt/site.js';
import type { ContentFormat } from '@mimsy/core';
import { UserError } from '../errors.js';
import { commitFiles } from '../commit-files.js';
import * as infer from './schema-infer.js';
import * as validate from './validate.js';

export { GENERATORS, type Generator } from '../adopt/plan.js';
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
