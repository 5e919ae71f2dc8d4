import { ErrorCodes, MimsyError, NotFoundError } from './errors.js';
import type { EntryReport } from './index-store.js';
import { ContentIndex } from './index-store.js';
import { assertSafeId } from './paths.js';
import type { Project } from './project.js';
import { findRoot, getSchema, loadProject } from './project.js';
import { ReadOnlyFsStore } from './store/readonly.js';
import type { Field, Schema } from './types.js';

/** An entry as a site build sees it. */
export interface ReaderEntry<Data = Record<string, unknown>> {
  slug: string;
  path: string;
  version: string;
  data: Data;
  /** The Markdown body (markdown schemas only). */
  body?: string;
}

export interface ReaderOptions {
  /**
   * What to do with invalid content: 'throw' (default) fails the build with every problem listed;
   * 'skip' leaves invalid entries out; 'off' returns everything as it is.
   */
  validate?: 'throw' | 'skip' | 'off';
  /**
   * How values of `date` and `datetime` fields come back: 'string' (default) exactly as written in
   * the file, the same in YAML, TOML and JSON; 'date' as `Date` objects, as gray-matter returns
   * unquoted YAML dates (a date without a time is midnight UTC). Undeclared keys stay as read.
   */
  dates?: 'string' | 'date';
}

/** Problems of mimsy.config.json concern every schema. */
const CONFIG_SCHEMA = '';

/** `schemas/posts.json` → `posts`; the config file → ''. */
function schemaOfFile(file: string): string {
  const match = /^schemas\/([^/]+)\.json$/.exec(file);
  return match ? match[1]! : CONFIG_SCHEMA;
}

/** The value with every `date`/`datetime` field (nested ones too) turned into a Date. */
function withDates(fields: readonly Field[], data: Record<string, unknown>): Record<string, unknown> {
  const convert = (field: Omit<Field, 'name'>, value: unknown): unknown => {
    if ((field.type === 'date' || field.type === 'datetime') && typeof value === 'string') {
      const date = new Date(
        /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.replace(' ', 'T'),
      );
      return Number.isNaN(date.getTime()) ? value : date;
    }
    if (
      field.type === 'object' &&
      field.fields &&
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value)
    )
      return withDates(field.fields, value as Record<string, unknown>);
    if (field.type === 'list' && field.of && Array.isArray(value))
      return value.map((v) => convert(field.of!, v));
    return value;
  };
  const out = { ...data };
  for (const field of fields) if (field.name in out) out[field.name] = convert(field, out[field.name]);
  return out;
}

/** Thrown when the content has problems and `validate` is 'throw': `reports` lists them all. */
export class ContentValidationError extends MimsyError {
  constructor(readonly reports: EntryReport[]) {
    const lines = reports.flatMap((r) =>
      r.problems.map(
        (p) => `  ${r.path}${p.line ? `:${p.line}` : ''} ${p.path ? p.path + ' ' : ''}${p.message}`,
      ),
    );
    super(
      ErrorCodes.VALIDATION,
      `The content has ${lines.length} problem(s):\n${lines.slice(0, 50).join('\n')}${lines.length > 50 ? `\n  … and ${lines.length - 50} more` : ''}\nRun "mimsy validate" for the full report.`,
      { reports },
    );
    this.name = 'ContentValidationError';
  }
}

/** Maps schema names to their data types, e.g. from `mimsy types`. */
export type ContentTypes = Record<string, Record<string, unknown>>;

/**
 * The constraint on a map of data types: any object type whose values are objects — interfaces
 * too (`mimsy types` emits interfaces, which have no implicit index signature).
 */
export type ContentTypesOf<T> = { [K in keyof T]: object };

export interface CollectionReader<Data> {
  /** Every entry, sorted by the schema's sort (or slug). */
  all(): Promise<ReaderEntry<Data>[]>;
  /** Every slug. */
  slugs(): Promise<string[]>;
  /** One entry, or null when it does not exist. */
  read(slug: string): Promise<ReaderEntry<Data> | null>;
  /** One entry, or a NotFoundError naming it. */
  readOrThrow(slug: string): Promise<ReaderEntry<Data>>;
}

export interface SingletonReader<Data> {
  read(): Promise<ReaderEntry<Data> | null>;
  readOrThrow(): Promise<ReaderEntry<Data>>;
}

export interface Reader<
  Collections extends ContentTypesOf<Collections>,
  Singletons extends ContentTypesOf<Singletons>,
> {
  readonly root: Promise<string>;
  schemas(): Promise<Schema[]>;
  collection<K extends keyof Collections & string>(name: K): CollectionReader<Collections[K]>;
  singleton<K extends keyof Singletons & string>(name: K): SingletonReader<Singletons[K]>;
  /**
   * Every problem in the repository — schema mistakes, files that cannot be read or served, values
   * that break their schema, broken relations, duplicates — without throwing, whatever `validate` is.
   */
  problems(): Promise<EntryReport[]>;
}

/**
 * Reads a content repository for a static site build: no server, no Git needed. `dir` is the
 * repository root or any folder inside it. The index is built once, on first use.
 *
 * ```ts
 * const reader = createReader('.');
 * const posts = await reader.collection('posts').all();
 * ```
 */
export function createReader<
  Collections extends ContentTypesOf<Collections> = ContentTypes,
  Singletons extends ContentTypesOf<Singletons> = ContentTypes,
>(dir: string, options: ReaderOptions = {}): Reader<Collections, Singletons> {
  const mode = options.validate ?? 'throw';
  interface Loaded {
    project: Project;
    index: ContentIndex;
    /** Entries with problems, by schema and slug. */
    bad: Map<string, EntryReport>;
    /** Every problem: entries, files that cannot be served, schema mistakes. */
    reports: EntryReport[];
  }
  let loaded: Promise<Loaded> | null = null;
  const load = (): Promise<Loaded> => {
    loaded ??= (async () => {
      const root = await findRoot(dir);
      if (!root)
        throw new MimsyError(
          ErrorCodes.NOT_A_REPOSITORY,
          `No mimsy.config.json in ${dir} or any folder above it. Point createReader() at your content repository.`,
        );
      const project = await loadProject(root);
      const index = await ContentIndex.build(project, new ReadOnlyFsStore(root), { history: false });
      const report = index.validate();
      const bad = new Map(report.entries.map((r) => [`${r.schema}\0${r.slug}`, r]));
      const reports: EntryReport[] = [
        ...project.issues.map((i) => ({
          schema: schemaOfFile(i.file),
          slug: '',
          path: i.file,
          problems: [{ path: i.path, message: `${i.message}. ${i.fix}` }],
        })),
        ...report.entries,
        ...report.unaddressable.map((u) => ({
          schema: u.schema,
          slug: '',
          path: u.path,
          problems: [{ path: '', message: u.message.replace(u.path + ' ', '') }],
        })),
      ];
      return { project, index, bad, reports };
    })();
    return loaded;
  };
  /**
   * In 'throw' mode, reading a schema fails when *it* has problems — its schema file, the config,
   * its entries, its files that cannot be served — not when another schema does.
   */
  const assertClean = ({ reports }: Loaded, name: string): void => {
    if (mode !== 'throw') return;
    const own = reports.filter((r) => r.schema === name || r.schema === CONFIG_SCHEMA);
    if (own.length) throw new ContentValidationError(own);
  };
  const toReaderEntry = <Data>(
    entry: {
      slug: string;
      path: string;
      version: string;
      data: Record<string, unknown>;
      body?: string;
    },
    schema: Schema,
  ): ReaderEntry<Data> => {
    const out: ReaderEntry<Data> = {
      slug: entry.slug,
      path: entry.path,
      version: entry.version,
      data: (options.dates === 'date' ? withDates(schema.fields, entry.data) : entry.data) as Data,
    };
    if (entry.body !== undefined) out.body = entry.body;
    return out;
  };
  const usable = (bad: Map<string, EntryReport>, schema: string, slug: string): boolean =>
    mode !== 'skip' || !bad.has(`${schema}\0${slug}`);
  const kindOf = (loadedProject: Loaded, name: string, kind: Schema['kind']): Schema => {
    const { project } = loadedProject;
    if (!project.schemas.has(name)) assertClean(loadedProject, name); // a schema file too broken to load
    const schema = getSchema(project, name);
    if (schema.kind !== kind)
      throw new MimsyError(
        ErrorCodes.WRONG_KIND,
        `"${name}" is a ${schema.kind}; use reader.${schema.kind}('${name}').`,
      );
    assertClean(loadedProject, name);
    return schema;
  };
  return {
    get root() {
      return load().then((l) => l.project.root);
    },
    async schemas() {
      return [...(await load()).project.schemas.values()];
    },
    collection<K extends keyof Collections & string>(name: K): CollectionReader<Collections[K]> {
      type Data = Collections[K];
      const read = async (slug: string): Promise<ReaderEntry<Data> | null> => {
        assertSafeId(slug);
        const loaded = await load();
        const { index, bad } = loaded;
        const schema = kindOf(loaded, name, 'collection');
        const entry = index.get(name, slug);
        return entry && usable(bad, name, slug) ? toReaderEntry<Data>(entry, schema) : null;
      };
      return {
        async all() {
          const loaded = await load();
          const { index, bad } = loaded;
          const schema = kindOf(loaded, name, 'collection');
          const total = index.count(name);
          const sorted = total ? index.list(name, { limit: 500 }) : { items: [], nextCursor: null };
          const items = [...sorted.items];
          let cursor = sorted.nextCursor;
          while (cursor) {
            const page = index.list(name, { limit: 500, cursor });
            items.push(...page.items);
            cursor = page.nextCursor;
          }
          return items.filter((e) => usable(bad, name, e.slug)).map((e) => toReaderEntry<Data>(e, schema));
        },
        async slugs() {
          const loaded = await load();
          const { index, bad } = loaded;
          kindOf(loaded, name, 'collection');
          return index
            .all(name)
            .filter((e) => usable(bad, name, e.slug))
            .map((e) => e.slug);
        },
        read,
        async readOrThrow(slug: string) {
          const entry = await read(slug);
          if (!entry) throw new NotFoundError(`There is no entry ${name}/${slug}.`, { schema: name, slug });
          return entry;
        },
      };
    },
    singleton<K extends keyof Singletons & string>(name: K): SingletonReader<Singletons[K]> {
      type Data = Singletons[K];
      const read = async (): Promise<ReaderEntry<Data> | null> => {
        const loaded = await load();
        const { index, bad } = loaded;
        const schema = kindOf(loaded, name, 'singleton');
        const entry = index.get(name, '');
        return entry && usable(bad, name, '') ? toReaderEntry<Data>(entry, schema) : null;
      };
      return {
        read,
        async readOrThrow() {
          const entry = await read();
          if (!entry) throw new NotFoundError(`The singleton ${name} has no file yet.`, { schema: name });
          return entry;
        },
      };
    },
    async problems() {
      const { reports } = await load();
      return reports;
    },
  };
}
