import { execa, parseCommandString } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  applyDefaults,
  decodeEntry,
  encodeEntry,
  gitIdentity,
  optionValue,
  Repository,
  suggest,
  ValidationError,
} from '@mimsy/core';
import type { Entry, Field, Schema } from '@mimsy/core';
import { repositoryRoot } from '../context.js';
import { UserError } from '../errors.js';

export interface NewOptions {
  cwd: string;
  args?: string[];
  schema?: string;
  slug?: string;
  set?: string[];
  body?: string;
  edit?: boolean;
}

export interface NewResult {
  entry: Entry;
  commit: string;
}

/** Turns `--set key=value` text into the field's type. */
export function parseValue(field: Field | undefined, raw: string): unknown {
  const json = (): unknown => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new UserError(`${field?.name ?? 'value'}: "${raw}" is not valid JSON.`);
    }
  };
  if (!field) return raw;
  switch (field.type) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw new UserError(`${field.name} is a number; "${raw}" is not.`);
      return n;
    }
    case 'boolean':
      if (raw !== 'true' && raw !== 'false')
        throw new UserError(`${field.name} is true or false; "${raw}" is neither.`);
      return raw === 'true';
    case 'list':
      return raw.trim().startsWith('[')
        ? json()
        : raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
            .map((s) => parseValue(field.of ? { ...field.of, name: field.name } : undefined, s));
    case 'object':
      return json();
    case 'select':
    case 'relation':
      return field.multiple
        ? raw.trim().startsWith('[')
          ? json()
          : raw
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
        : raw;
    default:
      return raw;
  }
}

async function editInEditor(schema: Schema, bytes: Uint8Array): Promise<Uint8Array> {
  const editor = process.env.VISUAL ?? process.env.EDITOR;
  if (!editor) throw new UserError('Set $EDITOR (or $VISUAL) to use --edit.');
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-edit-'));
  const file = path.join(dir, `entry.${schema.format === 'markdown' ? 'md' : 'json'}`);
  writeFileSync(file, bytes);
  try {
    // $EDITOR may carry arguments ("code --wait"), as Git's core.editor does.
    const [command = editor, ...args] = parseCommandString(editor);
    const result = await execa(command, [...args, file], { stdio: 'inherit', reject: false });
    if (result.failed)
      throw new UserError(
        `The editor ${result.exitCode === undefined ? `could not start (${result.shortMessage})` : `exited with ${result.exitCode}`}; nothing was created.`,
      );
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `mimsy new <schema> [slug]`: an entry from the defaults and --set values, committed. */
export async function run(options: NewOptions): Promise<NewResult> {
  const root = await repositoryRoot(options.cwd);
  const schemaName = options.schema ?? options.args?.[0] ?? '';
  const slug = options.slug ?? options.args?.[1];
  // The CLI commits locally; pushing is "mimsy sync"'s job, whatever git.push says for the server.
  const repo = await Repository.open(root, { history: false, git: { push: 'off' } });
  try {
    const schema = repo.schema(schemaName);
    if (schema.kind === 'singleton')
      throw new UserError(`${schemaName} is a singleton: edit ${schema.file} (or use the admin) instead.`);
    let data: Record<string, unknown> = {};
    let body = options.body;
    for (const pair of options.set ?? []) {
      const eq = pair.indexOf('=');
      if (eq < 1) throw new UserError(`--set takes key=value; got "${pair}".`);
      const key = pair.slice(0, eq);
      const field = schema.fields.find((f) => f.name === key);
      if (!field) {
        const names = schema.fields.map((f) => f.name);
        const guess = suggest(key, names);
        throw new UserError(
          `${schemaName} has no field "${key}"${guess ? ` — did you mean ${guess}?` : ''} Its fields are ${names.join(', ')}.`,
        );
      }
      if (key === schema.bodyField) body = pair.slice(eq + 1);
      else data[key] = parseValue(field, pair.slice(eq + 1));
    }
    if (options.edit) {
      if (!process.stdin.isTTY) throw new UserError('--edit needs a terminal.');
      const edited = decodeEntry(
        schema,
        await editInEditor(
          schema,
          encodeEntry(schema, { data: applyDefaults(schema, data), body: body ?? '' }),
        ),
      );
      data = edited.data;
      if (edited.body !== undefined) body = edited.body;
    }
    const input: { slug?: string; data: Record<string, unknown>; body?: string } = { data };
    if (slug) input.slug = slug;
    if (body !== undefined) input.body = body;
    try {
      const { entry, commit } = await repo.create(schemaName, input, { author: await gitIdentity(root) });
      return { entry, commit: commit.sha };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      // Name what the field takes, and how to set it: the slugs a relation can point to, a
      // select's options.
      const issues = error.issues.map((issue) => {
        const field = schema.fields.find((f) => `/${f.name}` === issue.path);
        if (!field) return issue;
        const values =
          field.type === 'relation' && field.schema
            ? repo.index.all(field.schema).map((e) => e.slug)
            : field.type === 'select'
              ? (field.options ?? []).map((o) => String(optionValue(o)))
              : [];
        if (!values.length) return { ...issue, fix: issue.fix ?? `Set it: --set ${field.name}=…` };
        const shown =
          values.slice(0, 12).join(', ') + (values.length > 12 ? `, … (${values.length} in all)` : '');
        return {
          ...issue,
          message: `${issue.message}: one of ${shown}`,
          fix: `Set it: --set ${field.name}=${values[0]}`,
        };
      });
      throw new ValidationError(error.message, issues); // same code for --json, richer issues
    }
  } finally {
    await repo.close();
  }
}

export function render(result: NewResult): string {
  return `Created ${result.entry.schema}/${result.entry.slug} (${result.entry.path}), commit ${result.commit.slice(0, 7)}.`;
}
