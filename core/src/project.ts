import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, InvalidPathError, MimsyError, pointer } from './errors.js';
import { contentPathProblem } from './paths.js';
import type { SchemaIssue } from './schema/check.js';
import { readInRoot } from './store/fs.js';
import { checkGlobs, checkSchema, suggest } from './schema/check.js';
import type { MimsyConfig, Schema } from './types.js';

export const CONFIG_FILE = 'mimsy.config.json';

export const DEFAULT_CONFIG: MimsyConfig = {
  version: 1,
  schemas: 'schemas',
  media: { dir: 'public/media', publicPath: '/media' },
  git: { branch: 'main', remote: 'origin', push: 'auto' },
  commit: { message: '{{action}} {{schema}}/{{slug}}{{fields}}' },
  ignore: [],
};

/** The content repository's settings and content model, as loaded from disk. */
export interface Project {
  root: string;
  config: MimsyConfig;
  schemas: Map<string, Schema>;
  /** Mistakes in the config or schema files. Schemas with mistakes are left out of `schemas`. */
  issues: SchemaIssue[];
  /**
   * Schemas whose file exists but has mistakes (left out of `schemas`): relations to them are not
   * checked — unknown is not missing — and nothing else is dropped because of them.
   */
  broken?: string[];
}

/** Walks up from `from` to the folder holding mimsy.config.json. */
export async function findRoot(from: string): Promise<string | null> {
  let dir = path.resolve(from);
  for (;;) {
    try {
      if ((await stat(path.join(dir, CONFIG_FILE))).isFile()) return dir;
    } catch {
      // keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Where a JSON.parse error happened, as 1-based line and column. */
export function jsonErrorPosition(
  text: string,
  error: unknown,
): { line: number; column: number } | undefined {
  const message = error instanceof Error ? error.message : '';
  const m = /position (\d+)/.exec(message) ?? /line (\d+) column (\d+)/.exec(message);
  if (!m) return undefined;
  if (m.length === 3) return { line: Number(m[1]), column: Number(m[2]) };
  let offset = Number(m[1]);
  // A missing comma is noticed at the next value, often on the next line: the place to fix is
  // right after the value before it.
  if (/Expected ',' or/.test(message)) {
    let i = offset - 1;
    while (i > 0 && /\s/.test(text[i]!)) i--;
    offset = i + 1;
  }
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function parseJsonFile(text: string, file: string): { value: unknown } | { issue: SchemaIssue } {
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (error) {
    const at = jsonErrorPosition(text, error);
    return {
      issue: {
        file,
        path: '',
        ...(at ? { line: at.line, column: at.column } : {}),
        message: `is not valid JSON${at ? ` (line ${at.line}, column ${at.column})` : ''}: ${(error as Error).message.replace(/ in JSON at position \d+.*$/s, '')}`,
        fix: 'Fix the JSON syntax: look for a missing comma or quote, or a trailing comma, near that position.',
      },
    };
  }
}

const CONFIG_KEYS = ['$schema', 'version', 'schemas', 'media', 'git', 'commit', 'ignore'];

/** Validates mimsy.config.json's parsed content and fills in defaults. */
export function checkConfig(
  raw: unknown,
  file = CONFIG_FILE,
): { config: MimsyConfig; issues: SchemaIssue[] } {
  const issues: SchemaIssue[] = [];
  const add = (p: string, message: string, fix: string): void =>
    void issues.push({ file, path: p, message, fix });
  const config = structuredClone(DEFAULT_CONFIG);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    add('', 'the config must be a JSON object', 'Write { "version": 1 }.');
    return { config, issues };
  }
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!CONFIG_KEYS.includes(key)) {
      const guess = suggest(key, CONFIG_KEYS);
      add(
        pointer(key),
        `"${key}" is not a setting`,
        guess ? `Did you mean "${guess}"?` : `Remove it; settings are ${CONFIG_KEYS.slice(1).join(', ')}.`,
      );
    }
  }
  if (r.version !== 1)
    add(
      '/version',
      r.version === undefined
        ? 'the config has no version'
        : `version ${JSON.stringify(r.version)} is not supported`,
      'Write "version": 1.',
    );
  const section = (key: 'media' | 'git' | 'commit'): Record<string, unknown> | undefined => {
    const v = r[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      add(
        pointer(key),
        `"${key}" must be an object`,
        `See docs/reference/config.md for the "${key}" settings.`,
      );
      return undefined;
    }
    return v as Record<string, unknown>;
  };
  if (r.schemas !== undefined) {
    const problem = contentPathProblem(r.schemas);
    if (problem) add('/schemas', `the schemas folder ${problem}`, 'Write e.g. "schemas": "schemas".');
    else config.schemas = r.schemas as string;
  }
  const media = section('media');
  if (media) {
    if (media.dir !== undefined) {
      const problem = contentPathProblem(media.dir);
      if (problem) add('/media/dir', `the media folder ${problem}`, 'Write e.g. "dir": "public/media".');
      else config.media.dir = media.dir as string;
    }
    if (media.publicPath !== undefined) {
      if (typeof media.publicPath !== 'string' || !media.publicPath.startsWith('/'))
        add('/media/publicPath', 'publicPath must start with "/"', 'Write e.g. "publicPath": "/media".');
      else config.media.publicPath = media.publicPath.replace(/\/+$/, '') || '/';
    }
    if (media.allowedHosts !== undefined) {
      const hosts = media.allowedHosts;
      if (
        !Array.isArray(hosts) ||
        !hosts.every((h) => typeof h === 'string' && /^[a-z0-9.-]+$/i.test(h) && !h.startsWith('.'))
      )
        add(
          '/media/allowedHosts',
          'allowedHosts must be a list of host names',
          'Write e.g. "allowedHosts": ["images.example.com"] (no scheme, no path).',
        );
      else config.media.allowedHosts = hosts.map((h: string) => h.toLowerCase());
    }
  }
  const git = section('git');
  if (git) {
    for (const key of ['branch', 'remote'] as const) {
      const v = git[key];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(v) || v.includes('..'))
        add(
          `/git/${key}`,
          `"${key}" is not a valid Git name`,
          `Write e.g. "${key}": "${DEFAULT_CONFIG.git[key]}".`,
        );
      else config.git[key] = v;
    }
    if (git.push !== undefined) {
      if (git.push !== 'auto' && git.push !== 'off')
        add(
          '/git/push',
          `push must be "auto" or "off"`,
          'Write "push": "auto" to push after each commit, or "off".',
        );
      else config.git.push = git.push;
    }
  }
  const commit = section('commit');
  if (commit?.message !== undefined) {
    if (typeof commit.message !== 'string' || commit.message.trim() === '')
      add(
        '/commit/message',
        'the commit message template must be non-empty text',
        'Write e.g. "message": "{{action}} {{schema}}/{{slug}}".',
      );
    else config.commit.message = commit.message;
  }
  const ignore = checkGlobs({ add }, r.ignore, '/ignore');
  if (ignore) config.ignore = ignore;
  return { config, issues };
}

/** Loads mimsy.config.json and every schema file. Never throws for mistakes in them: see `issues`. */
export async function loadProject(root: string): Promise<Project> {
  const absoluteRoot = path.resolve(root);
  let configText: string | null = null;
  try {
    const bytes = await readInRoot(absoluteRoot, CONFIG_FILE);
    if (bytes) configText = Buffer.from(bytes).toString('utf8');
  } catch (error) {
    if (error instanceof InvalidPathError) throw error; // a link: never followed
  }
  if (configText === null) {
    throw new MimsyError(
      ErrorCodes.NOT_A_REPOSITORY,
      `${absoluteRoot} is not a Mimsy repository: it has no ${CONFIG_FILE}.`,
      { root: absoluteRoot },
    );
  }
  const issues: SchemaIssue[] = [];
  const parsed = parseJsonFile(configText, CONFIG_FILE);
  const { config, issues: configIssues } = checkConfig('value' in parsed ? parsed.value : {});
  if ('issue' in parsed) issues.push(parsed.issue);
  issues.push(...configIssues);

  const schemaDir = path.join(absoluteRoot, config.schemas);
  let files: string[] = [];
  try {
    files = (await readdir(schemaDir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    issues.push({
      file: config.schemas,
      path: '',
      message: 'the schemas folder does not exist',
      fix: `Create ${config.schemas}/ with one JSON file per content type (run "mimsy schema new <name>").`,
    });
  }
  const raws = new Map<string, { source: string; value: unknown }>();
  // Every schema file names a schema, even one that cannot be read: a relation to it is not a
  // relation to nothing, so the schemas that point at it are not dropped too.
  const schemaNames = files.map((f) => f.slice(0, -'.json'.length));
  for (const file of files) {
    const source = `${config.schemas}/${file}`;
    let bytes: Uint8Array | null;
    try {
      bytes = await readInRoot(absoluteRoot, source);
    } catch (error) {
      if (!(error instanceof InvalidPathError)) throw error;
      issues.push({
        file: source,
        path: '',
        message: error.message,
        fix: 'Replace the link with the schema file itself.',
      });
      continue;
    }
    if (!bytes) continue;
    const result = parseJsonFile(Buffer.from(bytes).toString('utf8'), source);
    if ('issue' in result) issues.push(result.issue);
    else raws.set(file.slice(0, -'.json'.length), { source, value: result.value });
  }
  const kinds = new Map(
    [...raws].map(([name, { value }]) => [name, String((value as Record<string, unknown> | null)?.kind)]),
  );
  const schemas = new Map<string, Schema>();
  for (const [name, { source, value }] of raws) {
    const result = checkSchema(name, source, value, { schemaNames, kinds });
    issues.push(...result.issues);
    if (result.schema) schemas.set(name, result.schema);
  }
  issues.push(...checkOverlaps([...schemas.values()]));
  const broken = schemaNames.filter((n) => !schemas.has(n));
  return { root: absoluteRoot, config, schemas, issues, ...(broken.length ? { broken } : {}) };
}

/**
 * Two schemas must not claim the same files: one folder for two collections, or a singleton's file
 * inside a collection's folder. A collection's folder may hold another's (`content` and
 * `content/posts`): each file belongs to the deepest.
 */
function checkOverlaps(schemas: Schema[]): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const claims = schemas.map((s) => ({ s, p: s.folder ?? s.file! }));
  for (let i = 0; i < claims.length; i++) {
    for (let j = i + 1; j < claims.length; j++) {
      const a = claims[i]!;
      const b = claims[j]!;
      const inside = (x: string, y: string): boolean => x === y || x.startsWith(y + '/');
      const singletonIn = (file: Schema, folder: Schema): boolean =>
        file.kind === 'singleton' && folder.kind === 'collection' && inside(file.file!, folder.folder!);
      const clash = a.p === b.p || singletonIn(a.s, b.s) || singletonIn(b.s, a.s);
      if (clash) {
        issues.push({
          file: b.s.source,
          path: b.s.folder ? '/folder' : '/file',
          message: `"${b.p}" overlaps ${a.s.name}'s "${a.p}", so both schemas would claim the same files`,
          fix: 'Give each schema its own folder or file.',
        });
      }
    }
  }
  return issues;
}

/** The collection or singleton, or a MimsyError naming the known ones. */
export function getSchema(project: Pick<Project, 'schemas'>, name: string): Schema {
  const schema = project.schemas.get(name);
  if (!schema) {
    const known = [...project.schemas.keys()];
    const guess = suggest(name, known);
    throw new MimsyError(
      ErrorCodes.UNKNOWN_SCHEMA,
      `There is no content type "${name}".${guess ? ` Did you mean "${guess}"?` : ''} Known: ${known.join(', ') || '(none)'}.`,
      { schema: name, known },
    );
  }
  return schema;
}
