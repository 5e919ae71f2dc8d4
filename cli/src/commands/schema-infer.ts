import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CONFIG_FILE,
  checkSchema,
  decodeEntry,
  findRoot,
  isValidDate,
  isValidDateTime,
  isValidSchemaName,
  loadProject,
  slugify,
  validateEntry,
  EntryFiles,
  FORMAT_EXTENSIONS,
} from '@mimsy/core';
import type { ContentFormat, Field, Schema } from '@mimsy/core';
import { UserError } from '../errors.js';
import { commitFiles } from '../commit-files.js';

export interface InferOptions {
  cwd: string;
  args?: string[];
  folder?: string;
  name?: string;
  write?: boolean;
  /** Subfolders (relative to the folder) that belong to other collections. */
  exclude?: string[];
}

export interface InferResult {
  name: string;
  folder: string;
  files: number;
  passing: number;
  schema: Record<string, unknown>;
  leftOut: { field: string; reason: string }[];
  unreadable: { file: string; reason: string }[];
  /** Files in the folder that would not be entries, and why (the same report as `validate`). */
  notEntries: { file: string; problem: string }[];
  written: string | null;
}

type FieldType = Omit<Field, 'name'>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COLOR = /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const IMAGE = /\.(png|jpe?g|gif|webp|avif|svg)$/i;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The narrowest field type that every value fits, or null when the values disagree. */
export function inferType(values: unknown[], samples: number, allowSelect = true): FieldType | null {
  const present = values.filter((v) => v !== undefined && v !== null && v !== '');
  if (present.length === 0) return { type: 'string' };
  if (present.every((v) => typeof v === 'boolean')) return { type: 'boolean' };
  if (present.every((v) => typeof v === 'number' && Number.isFinite(v)))
    return present.every((v) => Number.isInteger(v)) ? { type: 'number', integer: true } : { type: 'number' };
  if (present.every((v) => typeof v === 'string')) {
    const strings = present;
    if (strings.every(isValidDate)) return { type: 'date' };
    // Hugo and Jekyll mix dates with date-times in one field; a datetime field takes both.
    if (strings.every(isValidDateTime)) return { type: 'datetime' };
    if (strings.every((s) => EMAIL.test(s))) return { type: 'email' };
    if (strings.every((s) => COLOR.test(s))) return { type: 'color' };
    if (strings.every((s) => (s.startsWith('/') || /^https?:\/\//.test(s)) && IMAGE.test(s)))
      return { type: 'image' };
    if (strings.every((s) => /^https?:\/\/\S+$/.test(s))) return { type: 'url' };
    if (strings.some((s) => s.includes('\n'))) return { type: 'text' };
    const distinct = [...new Set(strings)];
    // A choice only for values that repeat: in 3 files or more, at most one distinct value in
    // three. Titles that happen to be few are not choices (a new page could not be made).
    if (
      allowSelect &&
      strings.length >= 3 &&
      distinct.length <= 8 &&
      distinct.length * 3 <= strings.length &&
      distinct.every((d) => d.length <= 40)
    ) {
      return { type: 'select', options: distinct.sort() };
    }
    return { type: 'string' };
  }
  if (present.every(Array.isArray)) {
    const items = (present as unknown[][]).flat();
    const of = inferType(items, samples, false);
    return of && of.type !== 'list' ? { type: 'list', of } : null;
  }
  if (present.every(isPlainObject)) {
    const objects = present;
    const keys = [...new Set(objects.flatMap((o) => Object.keys(o)))];
    const fields: Field[] = [];
    for (const key of keys) {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key)) return null;
      const t = inferType(
        objects.map((o) => o[key]),
        objects.length,
        false,
      );
      if (!t) return null;
      fields.push({
        name: key,
        ...t,
        ...(objects.every((o) => o[key] !== undefined && o[key] !== null && o[key] !== '')
          ? { required: true }
          : {}),
      });
    }
    return fields.length ? { type: 'object', fields } : null;
  }
  return null;
}

/** New entries' front matter in the language most of the files use (Hugo sites often use TOML). */
function frontMatterOf(samples: { frontMatter?: string | null }[]): { frontMatter?: 'toml' | 'json' } {
  const count = (language: string): number => samples.filter((s) => s.frontMatter === language).length;
  const yaml = count('yaml');
  for (const language of ['toml', 'json'] as const)
    if (count(language) > yaml) return { frontMatter: language };
  return {};
}

/** Every file under `dir` (repository-relative paths from `root`), dotfiles skipped. */
function listFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.isFile()) out.push(path.relative(root, path.join(d, e.name)).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * The files that would be the collection's entries, by the same rules the index uses (extensions,
 * bundles, ignored files), for the format most of them have.
 */
function entryFiles(
  root: string,
  folder: string,
  name: string,
  ignore: string[],
  exclude: string[] = [],
): { format: ContentFormat; entries: string[]; problems: { file: string; problem: string }[] } {
  const all = listFiles(root, path.join(root, folder)).filter(
    (f) => !exclude.some((x) => f.startsWith(`${folder}/${x}/`)),
  );
  const count = (format: ContentFormat): number =>
    all.filter((f) => FORMAT_EXTENSIONS[format].some((e) => f.toLowerCase().endsWith(`.${e}`))).length;
  const formats: ContentFormat[] = ['markdown', 'json', 'yaml', 'toml'];
  const format = formats.reduce((best, f) => (count(f) > count(best) ? f : best), 'markdown');
  const schema = { name, kind: 'collection', folder, format, fields: [], label: name, source: '' } as Schema;
  const bundles = new Map<string, 'leaf' | 'branch'>();
  for (const file of all) {
    const bundle = EntryFiles.bundleOf(schema, file);
    if (bundle) bundles.set(bundle.dir, bundle.kind);
  }
  const files = new EntryFiles([schema], { ignore });
  const entries: string[] = [];
  const problems: { file: string; problem: string }[] = [];
  for (const file of all) {
    const placed = files.place(file, (_schema, dir) => bundles.get(dir) ?? null);
    if (placed?.kind === 'entry') entries.push(file);
    else if (placed?.kind === 'problem') problems.push({ file, problem: placed.problem });
  }
  return { format, entries, problems };
}

/** `mimsy schema infer <folder>`: a schema that every existing file passes. */
export async function run(options: InferOptions): Promise<InferResult> {
  const folderArg = options.folder ?? options.args?.[0];
  if (!folderArg) throw new UserError('Name the folder to read, e.g. mimsy schema infer content/blog.');
  const absolute = path.resolve(options.cwd, folderArg);
  if (!existsSync(absolute)) throw new UserError(`${absolute} does not exist.`);
  const root = (await findRoot(absolute)) ?? options.cwd;
  const folder = path.relative(root, absolute).split(path.sep).join('/');
  if (!folder || folder.startsWith('..'))
    throw new UserError(`${absolute} must be a folder inside the repository.`);
  const name = options.name ?? slugify(path.basename(absolute));
  if (!isValidSchemaName(name))
    throw new UserError(`${JSON.stringify(name)} cannot be a schema name; pass --name.`);
  // Inferring may come before the repository has a config (mimsy init --from).
  const project = existsSync(path.join(root, CONFIG_FILE)) ? await loadProject(root) : null;
  const {
    format,
    entries: chosen,
    problems,
  } = entryFiles(root, folder, name, project?.config.ignore ?? [], options.exclude);
  if (!chosen.length)
    throw new UserError(
      `${folder} holds no content files to learn from (Markdown: .md, .markdown, .mdx, .mdoc; data: .json, .yaml, .yml, .toml).`,
    );
  const samples: {
    file: string;
    data: Record<string, unknown>;
    body?: string;
    frontMatter?: string | null;
  }[] = [];
  const unreadable: InferResult['unreadable'] = [];
  for (const file of chosen) {
    try {
      const decoded = decodeEntry({ format }, readFileSync(path.join(root, file)));
      samples.push({
        file,
        data: decoded.data,
        ...(decoded.body !== undefined ? { body: decoded.body } : {}),
        frontMatter: decoded.frontMatter ?? null,
      });
    } catch (error) {
      unreadable.push({ file, reason: (error as Error).message });
    }
  }
  const keys: string[] = [];
  for (const s of samples) for (const k of Object.keys(s.data)) if (!keys.includes(k)) keys.push(k);
  const fields: Field[] = [];
  const leftOut: InferResult['leftOut'] = [];
  for (const key of keys) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key)) {
      leftOut.push({ field: key, reason: 'not usable as a field name (kept in the files, not edited)' });
      continue;
    }
    const values = samples.map((s) => s.data[key]);
    const type = inferType(values, samples.length);
    if (!type) {
      leftOut.push({
        field: key,
        reason: 'its values have different types across files (kept in the files, not edited)',
      });
      continue;
    }
    const required = values.every(
      (v) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0),
    );
    fields.push({ name: key, ...type, ...(required ? { required: true } : {}) });
  }
  if (format === 'markdown')
    fields.push({ name: keys.includes('body') ? 'content' : 'body', type: 'markdown' });
  const schema: Record<string, unknown> = {
    label: name.replace(/[-_]/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    kind: 'collection',
    folder,
    format,
    ...(fields.some((f) => f.name === 'title' && f.type === 'string') ? { slug: '{{title}}' } : {}),
    ...frontMatterOf(samples),
    ...(fields.some((f) => f.name === 'date' && (f.type === 'date' || f.type === 'datetime'))
      ? { sort: '-date' }
      : {}),
    fields,
  };
  const normalized: Schema = {
    ...(schema as unknown as Schema),
    name,
    source: '',
    ...(format === 'markdown' ? { bodyField: fields[fields.length - 1]!.name } : {}),
  };
  const passing = samples.filter((s) => validateEntry(normalized, s.data, s.body).length === 0).length;
  let written: string | null = null;
  if (options.write) {
    if (!project) throw new UserError(`${root} has no ${CONFIG_FILE}: run mimsy init first.`);
    const file = `${project.config.schemas}/${name}.json`;
    if (existsSync(path.join(root, file)))
      throw new UserError(`${file} already exists; pass --name to choose another, or print without --write.`);
    const { issues } = checkSchema(name, file, schema, { schemaNames: [...project.schemas.keys(), name] });
    if (issues.length)
      throw new UserError(
        `The inferred schema has problems:\n${issues.map((i) => `  ${i.path} ${i.message}`).join('\n')}`,
      );
    await commitFiles(
      root,
      [
        {
          path: file,
          bytes: new TextEncoder().encode(JSON.stringify(schema, null, 2) + '\n'),
          expected: null,
        },
      ],
      `add schema ${name} (inferred from ${folder})`,
    );
    written = file;
  }
  return {
    name,
    folder,
    files: samples.length,
    passing,
    schema,
    leftOut,
    unreadable,
    notEntries: problems,
    written,
  };
}

export function render(result: InferResult): string {
  const lines = [
    result.written ? `Wrote ${result.written}` : JSON.stringify(result.schema, null, 2),
    '',
    `${result.passing} of ${result.files} file(s) pass this schema.`,
  ];
  for (const l of result.leftOut) lines.push(`Left out "${l.field}": ${l.reason}.`);
  for (const u of result.unreadable) lines.push(`Could not read ${u.file}: ${u.reason}`);
  for (const n of result.notEntries.slice(0, 10)) lines.push(`Not an entry: ${n.file} ${n.problem}.`);
  if (result.notEntries.length > 10)
    lines.push(`… and ${result.notEntries.length - 10} more files that are not entries.`);
  if (!result.written)
    lines.push(`Write it with: mimsy schema infer ${result.folder} --name ${result.name} --write`);
  return lines.join('\n');
}
