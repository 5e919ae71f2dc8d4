// Size: ~460 lines — every check of mimsy.config.json and schemas/*.json with its fix text;
// what depends on a field's type lives in fields/<type>.ts, the rest is shared by every type.
import type { Issue } from '../errors.js';
import { pointer } from '../errors.js';
import { isValidSchemaName, contentPathProblem } from '../paths.js';
import { linearPatternProblem } from '../pattern.js';
import type { ContentFormat, Field, FieldType, ListSettings, Schema } from '../types.js';
import { FIELD_TYPES, FORMAT_EXTENSIONS, ORDERABLE } from '../types.js';
import { isValidDate, isValidDateTime, validateValue } from '../validate.js';
import { FIELD_SPECS, TYPE_SETTINGS } from '../fields/index.js';

/** A mistake in a schema or config file: where (file + JSON pointer), what, and how to fix it. */
export interface SchemaIssue extends Issue {
  file: string;
  fix: string;
  /** Where in the file (1-based), when known. */
  line?: number;
  column?: number;
}

export { suggest } from '../suggest.js';
import { suggest } from '../suggest.js';

const SCHEMA_KEYS = [
  '$schema',
  'label',
  'description',
  'kind',
  'folder',
  'file',
  'format',
  'extensions',
  'ignore',
  'frontMatter',
  'strict',
  'slug',
  'sort',
  'list',
  'fields',
];
/** Settings every field type has; each type adds its own (fields/<type>.ts, `keys`). */
const COMMON_FIELD_KEYS = ['name', 'type', 'label', 'hint', 'required', 'default', 'unique'];
const FIELD_KEYS = [...COMMON_FIELD_KEYS, ...TYPE_SETTINGS.keys()];
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Checker {
  readonly issues: SchemaIssue[] = [];
  constructor(readonly file: string) {}
  add(path: string, message: string, fix: string): void {
    this.issues.push({ file: this.file, path, message, fix });
  }
  unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], at: string, what: string): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      const guess = suggest(key, allowed);
      this.add(
        at + pointer(key),
        `"${key}" is not a ${what} setting`,
        guess
          ? `Did you mean "${guess}"? Rename it.`
          : `Remove it; allowed settings are: ${allowed.filter((k) => k !== '$schema').join(', ')}.`,
      );
    }
  }
}

export interface SchemaContext {
  /** Names of every schema in the repository, for relation targets. */
  schemaNames: readonly string[];
  /** Kinds of every schema, so relations can be refused when they target a singleton. */
  kinds?: ReadonlyMap<string, string>;
}

function checkField(
  c: Checker,
  raw: unknown,
  at: string,
  ctx: SchemaContext,
  opts: { inList: boolean; collection: boolean },
): void {
  if (!isObject(raw))
    return c.add(at, 'a field must be an object', 'Write it as { "name": "title", "type": "string" }.');
  if (!opts.inList) {
    if (typeof raw.name !== 'string')
      c.add(at + '/name', 'the field has no name', 'Add "name": a short identifier such as "title".');
    else if (!FIELD_NAME.test(raw.name))
      c.add(
        at + '/name',
        `"${raw.name}" is not a usable field name`,
        'Use letters, digits and "_", starting with a letter or "_" (at most 64 characters).',
      );
  }
  const type = raw.type;
  if (typeof type !== 'string')
    return c.add(at + '/type', 'the field has no type', `Add "type": one of ${FIELD_TYPES.join(', ')}.`);
  if (!(FIELD_TYPES as readonly string[]).includes(type)) {
    const guess = suggest(type, FIELD_TYPES);
    return c.add(
      at + '/type',
      `"${type}" is not a field type`,
      guess ? `Did you mean "${guess}"?` : `Use one of ${FIELD_TYPES.join(', ')}.`,
    );
  }
  c.unknownKeys(raw, FIELD_KEYS, at, 'field');
  for (const [key, types] of TYPE_SETTINGS) {
    if (key in raw && !(types as readonly string[]).includes(type)) {
      c.add(
        at + pointer(key),
        `"${key}" does not apply to a ${type} field`,
        `Remove it, or use it on a ${types.join('/')} field.`,
      );
    }
  }
  for (const key of ['label', 'hint'] as const) {
    if (key in raw && typeof raw[key] !== 'string')
      c.add(at + pointer(key), `"${key}" must be text`, `Write it in quotes, e.g. "${key}": "…".`);
  }
  for (const key of ['required', 'multiple', 'unique', 'integer'] as const) {
    if (key in raw && typeof raw[key] !== 'boolean')
      c.add(at + pointer(key), `"${key}" must be true or false`, `Write "${key}": true (without quotes).`);
  }
  for (const key of ['minLength', 'maxLength'] as const) {
    const v = raw[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 0))
      c.add(at + pointer(key), `"${key}" must be a whole number ≥ 0`, `Write e.g. "${key}": 10.`);
  }
  if (
    typeof raw.minLength === 'number' &&
    typeof raw.maxLength === 'number' &&
    raw.minLength > raw.maxLength
  ) {
    c.add(at + '/minLength', 'minLength is larger than maxLength', 'Swap them or correct one of them.');
  }
  for (const key of ['min', 'max'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (type === 'date' || type === 'datetime') {
      const ok =
        typeof v === 'string' && (type === 'date' ? isValidDate(v) : isValidDateTime(v) || isValidDate(v));
      if (!ok)
        c.add(
          at + pointer(key),
          `"${key}" of a ${type} field must be a date`,
          `Write e.g. "${key}": "2026-01-01".`,
        );
    } else if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (type === 'list' && (!Number.isInteger(v) || v < 0))
    ) {
      c.add(
        at + pointer(key),
        `"${key}" must be a number`,
        type === 'list'
          ? `Write the number of items, e.g. "${key}": 3.`
          : `Write e.g. "${key}": 0 (without quotes).`,
      );
    }
  }
  if (typeof raw.min === 'number' && typeof raw.max === 'number' && raw.min > raw.max)
    c.add(at + '/min', 'min is larger than max', 'Swap them or correct one of them.');
  if ('pattern' in raw) {
    if (typeof raw.pattern !== 'string')
      c.add(
        at + '/pattern',
        '"pattern" must be text',
        'Write a regular expression in quotes, e.g. "^[A-Z]".',
      );
    else {
      let problem: string | null = null;
      try {
        new RegExp(raw.pattern, 'u');
        // Both engines must accept it: the admin runs the browser's, the server runs RE2.
        problem = linearPatternProblem(raw.pattern);
      } catch (error) {
        problem = (error as Error).message;
      }
      if (problem !== null)
        c.add(
          at + '/pattern',
          `"${raw.pattern}" is not a usable regular expression: ${problem}`,
          'Fix the expression (no backreferences or look-arounds: patterns run in linear time); a backslash is written "\\\\" in JSON.',
        );
    }
  }
  if ('accept' in raw && !(Array.isArray(raw.accept) && raw.accept.every((a) => typeof a === 'string'))) {
    c.add(
      at + '/accept',
      '"accept" must be a list of file extensions',
      'Write e.g. "accept": ["jpg", "png"].',
    );
  }
  const spec = FIELD_SPECS[type as FieldType];
  if (raw.unique !== undefined && (!opts.collection || !spec.uniqueable)) {
    c.add(
      at + '/unique',
      opts.collection
        ? `a ${type} field cannot be unique`
        : '"unique" only applies to fields of a collection',
      'Remove "unique".',
    );
  }
  spec.checkDefinition?.(raw, at, {
    add: (path, message, fix) => c.add(path, message, fix),
    checkField: (inner, innerAt, options) => checkField(c, inner, innerAt, ctx, options),
    checkFields: (fields, innerAt) => checkFields(c, fields, innerAt, ctx, false),
    schemaNames: ctx.schemaNames,
    kinds: ctx.kinds,
  });
  // A default must pass the field's own constraints ("now" stands for the current date/time).
  if (raw.default !== undefined && !(raw.default === 'now' && (type === 'date' || type === 'datetime'))) {
    const problems: Issue[] = [];
    validateValue({ ...(raw as unknown as Field), required: false }, raw.default, '', problems);
    for (const p of problems)
      c.add(
        at + '/default' + p.path,
        `the default ${JSON.stringify(raw.default)} ${p.message}`,
        'Change the default so that it satisfies the field, or remove it.',
      );
  }
}

function checkFields(
  c: Checker,
  fields: unknown[],
  at: string,
  ctx: SchemaContext,
  collection: boolean,
): void {
  const seen = new Map<string, number>();
  fields.forEach((f, i) => {
    checkField(c, f, `${at}/${i}`, ctx, { inList: false, collection });
    // An image's `alt` names a text field beside it, which holds the image's description.
    if (isObject(f) && f.type === 'image' && f.alt !== undefined) {
      const target = fields.find((g) => isObject(g) && g.name === f.alt) as
        Record<string, unknown> | undefined;
      if (typeof f.alt !== 'string' || !target || !['string', 'text'].includes(String(target.type)))
        c.add(
          `${at}/${i}/alt`,
          `"alt" must name a text field beside "${String(f.name)}"${typeof f.alt === 'string' && !target ? ` (there is no field "${f.alt}")` : ''}`,
          `Add { "name": "${String(f.name)}Alt", "type": "string" } and write "alt": "${String(f.name)}Alt".`,
        );
    }
    if (isObject(f) && typeof f.name === 'string') {
      const first = seen.get(f.name);
      if (first !== undefined)
        c.add(
          `${at}/${i}/name`,
          `the field name "${f.name}" is used twice (also at ${at}/${first})`,
          'Rename one of them: field names must be unique.',
        );
      else seen.set(f.name, i);
    }
  });
}

const TEMPLATE_VAR = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;
const TEMPLATE_BUILTINS = ['year', 'month', 'day', 'now', 'uuid'];

/**
 * Checks one parsed schema file and returns the normalized Schema (or null when it is too broken
 * to use) with every issue found.
 */
export function checkSchema(
  name: string,
  source: string,
  raw: unknown,
  ctx: SchemaContext,
): { schema: Schema | null; issues: SchemaIssue[] } {
  const c = new Checker(source);
  if (!isValidSchemaName(name)) {
    c.add(
      '',
      `${JSON.stringify(name)} is not a usable schema name`,
      'Rename the file: lowercase letters, digits, "_" and "-", e.g. schemas/blog-posts.json.',
    );
  }
  if (!isObject(raw)) {
    c.add(
      '',
      'a schema must be a JSON object',
      'Start from { "kind": "collection", "folder": "content/posts", "format": "markdown", "fields": [] }.',
    );
    return { schema: null, issues: c.issues };
  }
  c.unknownKeys(raw, SCHEMA_KEYS, '', 'schema');
  const kind = raw.kind;
  if (kind !== 'collection' && kind !== 'singleton') {
    c.add(
      '/kind',
      kind === undefined ? 'the schema has no kind' : `${JSON.stringify(kind)} is not a kind`,
      'Add "kind": "collection" (a folder of entries) or "singleton" (one file).',
    );
  }
  const format = raw.format ?? 'markdown';
  const formats = Object.keys(FORMAT_EXTENSIONS);
  if (typeof format !== 'string' || !formats.includes(format))
    c.add(
      '/format',
      `${JSON.stringify(format)} is not a format`,
      'Use "format": "markdown" (front matter and body), "json", "yaml" or "toml" (data files).',
    );
  const formatExtensions: readonly string[] = FORMAT_EXTENSIONS[format as ContentFormat] ?? ['md'];
  let extensions = [...formatExtensions];
  if (raw.extensions !== undefined) {
    const list = raw.extensions;
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((e): e is string => typeof e === 'string' && formatExtensions.includes(e))
    )
      c.add(
        '/extensions',
        `"extensions" must be a list of the extensions a ${JSON.stringify(format)} file can have`,
        `Use some of ${formatExtensions.map((e) => JSON.stringify(e)).join(', ')} (the first one is used for new entries).`,
      );
    else extensions = [...new Set(list)];
  }
  const ignore = checkGlobs(c, raw.ignore, '/ignore');
  if (raw.strict !== undefined && typeof raw.strict !== 'boolean')
    c.add(
      '/strict',
      'must be true or false',
      'true: keys no field declares are errors; false: they are allowed and typed as unknown; leave it out to have them reported as warnings.',
    );
  if (
    raw.frontMatter !== undefined &&
    (format !== 'markdown' || !['yaml', 'toml', 'json'].includes(raw.frontMatter as string))
  )
    c.add(
      '/frontMatter',
      format === 'markdown'
        ? `${JSON.stringify(raw.frontMatter)} is not a front matter language`
        : '"frontMatter" is for markdown schemas',
      format === 'markdown' ? 'Use "yaml" (---), "toml" (+++) or "json".' : 'Remove it.',
    );
  if (kind === 'collection') {
    const problem = contentPathProblem(raw.folder);
    if (problem)
      c.add(
        '/folder',
        raw.folder === undefined ? 'a collection needs a folder' : `the folder ${problem}`,
        `Add "folder": "content/${name}".`,
      );
    if ('file' in raw)
      c.add('/file', '"file" is for singletons', 'Remove "file", or make the schema "kind": "singleton".');
  } else if (kind === 'singleton') {
    const problem = contentPathProblem(raw.file);
    const ext = `.${extensions[0]}`;
    if (problem)
      c.add(
        '/file',
        raw.file === undefined ? 'a singleton needs a file' : `the file ${problem}`,
        `Add "file": "content/${name}${ext}".`,
      );
    else if (!extensions.some((e) => String(raw.file).endsWith(`.${e}`)))
      c.add(
        '/file',
        `a ${format as string} singleton's file must end in ${extensions.map((e) => `.${e}`).join(' or ')}`,
        `Rename it to ${String(raw.file).replace(/\.[^./]*$/, '')}${ext}, or set "format" to the file's language.`,
      );
    for (const key of ['folder', 'slug', 'sort', 'ignore'])
      if (key in raw) c.add(pointer(key), `"${key}" is for collections`, `Remove "${key}".`);
  }
  for (const key of ['label', 'description', 'slug', 'sort'] as const) {
    if (key in raw && typeof raw[key] !== 'string')
      c.add(pointer(key), `"${key}" must be text`, `Write it in quotes.`);
  }
  const fields = raw.fields;
  if (!Array.isArray(fields) || fields.length === 0) {
    c.add(
      '/fields',
      'the schema has no fields',
      'Add "fields": [{ "name": "title", "type": "string", "required": true }].',
    );
    return { schema: null, issues: c.issues };
  }
  checkFields(c, fields, '/fields', ctx, kind === 'collection');
  const named = fields.filter(isObject).filter((f) => typeof f.name === 'string') as unknown as Field[];
  const fieldNames = named.map((f) => f.name);
  let bodyField: string | undefined;
  if (format === 'markdown') {
    const bodies = named.filter((f) => f.type === 'markdown');
    if (bodies.length === 0)
      c.add(
        '/fields',
        'a markdown schema needs one field of type "markdown" for the body',
        'Add { "name": "body", "type": "markdown" }, or use a data format ("json", "yaml" or "toml").',
      );
    if (bodies.length > 1) {
      const second = fields.indexOf(bodies[1]);
      c.add(
        `/fields/${second}/type`,
        `a markdown schema has exactly one markdown body, and "${bodies[1]!.name}" is a second one`,
        'Make the others "text", or use "format": "json".',
      );
    }
    bodyField = bodies[0]?.name;
  }
  if (typeof raw.slug === 'string') {
    const vars = [...raw.slug.matchAll(TEMPLATE_VAR)].map((m) => m[1]!);
    if (vars.length === 0 && !/^[a-z0-9]/.test(raw.slug))
      c.add('/slug', 'the slug template uses no field', 'Write e.g. "slug": "{{title}}".');
    for (const v of vars) {
      const root = v.split('.')[0]!;
      if (!fieldNames.includes(root) && !TEMPLATE_BUILTINS.includes(root)) {
        const guess = suggest(root, fieldNames);
        c.add(
          '/slug',
          `the slug template uses {{${v}}}, and there is no such field`,
          guess
            ? `Did you mean {{${guess}}}?`
            : `Use one of the fields (${fieldNames.join(', ')}) or ${TEMPLATE_BUILTINS.map((b) => `{{${b}}}`).join(', ')}.`,
        );
      }
    }
  }
  if (typeof raw.sort === 'string') {
    const field = raw.sort.replace(/^-/, '');
    if (!fieldNames.includes(field) && !['slug', 'updatedAt'].includes(field)) {
      const guess = suggest(field, fieldNames);
      c.add(
        '/sort',
        `the sort uses "${field}", and there is no such field`,
        guess
          ? `Did you mean "${raw.sort.startsWith('-') ? '-' : ''}${guess}"?`
          : 'Use a field name, with "-" in front for descending.',
      );
    }
  }
  const list = checkList(c, raw.list, named, kind === 'collection');
  if (c.issues.length > 0 && kind !== 'collection' && kind !== 'singleton')
    return { schema: null, issues: c.issues };
  const schema: Schema = {
    name,
    label: typeof raw.label === 'string' ? raw.label : name,
    kind: kind as Schema['kind'],
    format: format as Schema['format'],
    fields: named,
    source,
  };
  if (typeof raw.description === 'string') schema.description = raw.description;
  if (kind === 'collection') schema.folder = raw.folder as string;
  else schema.file = raw.file as string;
  if (ignore?.length) schema.ignore = ignore;
  if (raw.extensions !== undefined) schema.extensions = extensions;
  if (raw.frontMatter === 'toml' || raw.frontMatter === 'json') schema.frontMatter = raw.frontMatter;
  if (typeof raw.slug === 'string') schema.slug = raw.slug;
  if (typeof raw.sort === 'string') schema.sort = raw.sort;
  if (list) schema.list = list;
  if (typeof raw.strict === 'boolean') schema.strict = raw.strict;
  if (bodyField) schema.bodyField = bodyField;
  return { schema: c.issues.length ? null : schema, issues: c.issues };
}

/** A collection's `list` settings: every name must be a field (and sortable ones orderable). */
function checkList(
  c: { add(path: string, message: string, fix: string): void },
  raw: unknown,
  fields: Field[],
  collection: boolean,
): ListSettings | undefined {
  if (raw === undefined) return undefined;
  if (!collection) {
    c.add('/list', '"list" is for collections', 'Remove "list".');
    return undefined;
  }
  if (!isObject(raw)) {
    c.add('/list', '"list" must be an object', 'Write e.g. "list": { "columns": ["author", "date"] }.');
    return undefined;
  }
  const names = fields.map((f) => f.name);
  const out: ListSettings = {};
  for (const key of Object.keys(raw))
    if (!['title', 'columns', 'sortable'].includes(key))
      c.add(`/list/${key}`, `"${key}" is not a list setting`, 'Use "title", "columns" or "sortable".');
  const known = (name: unknown, at: string): name is string => {
    if (typeof name === 'string' && names.includes(name)) return true;
    const guess = typeof name === 'string' ? suggest(name, names) : null;
    c.add(
      at,
      `${JSON.stringify(name)} is not a field of this schema`,
      guess ? `Did you mean "${guess}"?` : `Use one of ${names.join(', ')}.`,
    );
    return false;
  };
  if (raw.title !== undefined && known(raw.title, '/list/title')) out.title = raw.title;
  for (const key of ['columns', 'sortable'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (!Array.isArray(value)) {
      c.add(`/list/${key}`, `"${key}" must be a list of field names`, `Write e.g. "${key}": ["date"].`);
      continue;
    }
    const ok = value.filter((v, i): v is string => known(v, `/list/${key}/${i}`));
    if (key === 'sortable')
      for (const name of ok) {
        const type = fields.find((f) => f.name === name)!.type;
        if (!ORDERABLE.includes(type))
          c.add(
            `/list/sortable/${value.indexOf(name)}`,
            `a list cannot be ordered by "${name}" (a ${type} field)`,
            `Use fields of type ${ORDERABLE.join(', ')}.`,
          );
      }
    out[key] = ok;
  }
  return out;
}

/** A list of glob patterns (picomatch syntax), or undefined when absent. */
export function checkGlobs(
  c: { add(path: string, message: string, fix: string): void },
  value: unknown,
  at: string,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    !value.every((g): g is string => typeof g === 'string' && g.length > 0 && g.length <= 256)
  ) {
    c.add(
      at,
      'must be a list of glob patterns',
      'Write e.g. ["**/*.jpg", "drafts/**"] (each at most 256 characters).',
    );
    return undefined;
  }
  return value;
}
