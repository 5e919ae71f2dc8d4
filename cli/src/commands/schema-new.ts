import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { checkSchema, FIELD_TYPES, isValidSchemaName, loadProject } from '@mimsy/core';
import type { Field } from '@mimsy/core';
import { repositoryRoot } from '../context.js';
import { UserError } from '../errors.js';
import { commitFiles } from '../commit-files.js';

export interface SchemaNewOptions {
  cwd: string;
  args?: string[];
  name?: string;
  singleton?: boolean;
  format?: 'markdown' | 'json';
  field?: string[];
  label?: string;
  /** Ask for fields on a TTY when none are given (default: when stdin is a TTY). */
  interactive?: boolean;
}

export interface SchemaNewResult {
  name: string;
  file: string;
  schema: Record<string, unknown>;
  commit: string;
}

/** Parses `name:type[!]`, e.g. `title:string!`, `tags:list`, `author:relation=authors`. */
export function parseField(spec: string): Field {
  const m = /^([A-Za-z_][A-Za-z0-9_]*):([a-z]+)(?:=([a-z0-9_-]+|[^!]+))?(!)?$/.exec(spec.trim());
  if (!m)
    throw new UserError(
      `"${spec}" is not a field: write name:type, e.g. title:string! ("!" = required), tags:list, author:relation=authors, status:select=draft|published.`,
    );
  const [, name, type, extra, required] = m as unknown as [
    string,
    string,
    string,
    string | undefined,
    string | undefined,
  ];
  if (!(FIELD_TYPES as readonly string[]).includes(type))
    throw new UserError(`"${type}" is not a field type; use one of ${FIELD_TYPES.join(', ')}.`);
  const field: Field = { name, type: type as Field['type'] };
  if (required) field.required = true;
  if (type === 'list') field.of = { type: (extra as Field['type']) ?? 'string' };
  if (type === 'relation') {
    if (!extra) throw new UserError(`A relation needs its target: ${name}:relation=<schema>.`);
    field.schema = extra;
  }
  if (type === 'select') {
    if (!extra) throw new UserError(`A select needs options: ${name}:select=draft|published.`);
    field.options = extra.split('|');
  }
  if (type === 'object') field.fields = [{ name: 'value', type: 'string' }];
  return field;
}

async function askFields(format: string): Promise<Field[]> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const fields: Field[] = [];
  process.stderr.write(
    `Add fields as name:type (e.g. title:string!, "!" = required). Types: ${FIELD_TYPES.join(' ')}. Empty line to finish.\n`,
  );
  try {
    for (;;) {
      const line = (await rl.question('field> ')).trim();
      if (!line) break;
      try {
        fields.push(parseField(line));
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
      }
    }
  } finally {
    rl.close();
  }
  if (format === 'markdown' && !fields.some((f) => f.type === 'markdown'))
    fields.push({ name: 'body', type: 'markdown' });
  return fields;
}

/** `mimsy schema new <name>`: a valid schema file and its content folder, committed. */
export async function run(options: SchemaNewOptions): Promise<SchemaNewResult> {
  const root = await repositoryRoot(options.cwd);
  const name = options.name ?? options.args?.[0] ?? '';
  if (!isValidSchemaName(name))
    throw new UserError(
      `${JSON.stringify(name)} cannot be a schema name: use lowercase letters, digits, "_" and "-", e.g. blog-posts.`,
    );
  const project = await loadProject(root);
  const file = `${project.config.schemas}/${name}.json`;
  if (existsSync(path.join(root, file)))
    throw new UserError(`${file} already exists. Edit it, or choose another name.`);
  const singleton = options.singleton === true;
  const format = options.format ?? (singleton ? 'json' : 'markdown');
  let fields: Field[];
  if (options.field?.length) {
    fields = options.field.map(parseField);
    if (format === 'markdown' && !fields.some((f) => f.type === 'markdown'))
      fields.push({ name: 'body', type: 'markdown' });
  } else if (options.interactive ?? process.stdin.isTTY === true) {
    fields = await askFields(format);
  } else {
    fields = [
      { name: 'title', type: 'string', required: true },
      ...(format === 'markdown' ? [{ name: 'body', type: 'markdown' } as Field] : []),
    ];
  }
  const ext = format === 'markdown' ? 'md' : 'json';
  const schema: Record<string, unknown> = {
    label: options.label ?? name.replace(/[-_]/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    kind: singleton ? 'singleton' : 'collection',
    ...(singleton ? { file: `content/${name}.${ext}` } : { folder: `content/${name}` }),
    format,
    ...(singleton ? {} : fields.some((f) => f.name === 'title') ? { slug: '{{title}}' } : {}),
    fields,
  };
  const names = [...project.schemas.keys(), name];
  const kinds = new Map([...project.schemas.values()].map((s) => [s.name, s.kind as string]));
  const { issues } = checkSchema(name, file, schema, { schemaNames: names, kinds });
  if (issues.length)
    throw new UserError(
      `The schema would not be valid:\n${issues.map((i) => `  ${i.path} ${i.message}. ${i.fix}`).join('\n')}`,
    );
  const enc = new TextEncoder();
  const changes = [{ path: file, bytes: enc.encode(JSON.stringify(schema, null, 2) + '\n'), expected: null }];
  if (!singleton) changes.push({ path: `content/${name}/.gitkeep`, bytes: new Uint8Array(), expected: null });
  const commit = await commitFiles(root, changes, `add schema ${name}`);
  return { name, file, schema, commit };
}

export function render(result: SchemaNewResult): string {
  const fields = (result.schema.fields as Field[])
    .map((f) => `${f.name}:${f.type}${f.required ? '!' : ''}`)
    .join(' ');
  // The hint sets the fields a new entry needs (or the first text field), named as the schema names them.
  const list = result.schema.fields as Field[];
  const needed = list.filter((f) => f.required && f.type !== 'markdown');
  const shown = needed.length ? needed : list.filter((f) => f.type === 'string').slice(0, 1);
  const sets = shown.map((f) => ` --set ${f.name}=…`).join('');
  return `Created ${result.file} (${result.schema.kind as string}, ${result.schema.format as string}): ${fields}\nNext: mimsy new ${result.name}${sets}`;
}
