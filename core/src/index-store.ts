// Size: ~650 lines, one job — the in-memory index every list, search, filter, sort, cursor,
// referrer and validation report reads; its parts share one data structure and one invariant
// (each path indexed once, updated in place on every write, pull and file-system event).
import { decodeEntry, ParseError } from './codec/index.js';
import { ErrorCodes, InvalidPathError, MimsyError, ValidationError } from './errors.js';
import type { BundleLookup, Placement } from './entry-files.js';
import { EntryFiles } from './entry-files.js';
import { isValidSlug } from './paths.js';
import type { Project } from './project.js';
import type { ContentStore, StoredFile } from './store/port.js';
import type { CommitInfo, Entry, EntryEvent, ListQuery, ListResult, Schema } from './types.js';
import type { RelationLookup } from './validate.js';
import { findDuplicates, unknownKeys, usePatternEngine, validateEntry } from './validate.js';
import { compileLinear } from './pattern.js';

// Everything that indexes content (server, CLI, reader) runs schema patterns in linear time.
usePatternEngine(compileLinear);

/** A file in a schema's folder that cannot be an entry (e.g. its name is not a valid slug). */
export interface UnaddressableFile {
  path: string;
  schema: string;
  message: string;
}

/** A repository-wide problem found by `validate()`. */
export interface EntryReport {
  schema: string;
  slug: string;
  path: string;
  problems: { path: string; message: string; line?: number }[];
}

type Listener = (event: EntryEvent) => void;

interface Slot {
  entry: Entry;
  search?: string;
  /** Validation runs when an entry is first handed out, not while the index is built. */
  validated?: boolean;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
const MAX_LIMIT = 500;

/** Builds an Entry from a stored file: parse errors and schema problems become part of it. */
export function toEntry(
  schema: Schema,
  slug: string,
  file: StoredFile,
  options: { validate?: boolean } = {},
): Entry {
  const entry: Entry = { schema: schema.name, slug, path: file.path, version: file.version, data: {} };
  try {
    const decoded = decodeEntry(schema, file.bytes);
    entry.data = decoded.data;
    if (schema.format === 'markdown') entry.body = decoded.body ?? '';
    if (options.validate !== false) addProblems(schema, entry);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    entry.parseError = { path: '', message: error.message };
    if (error.line !== undefined) entry.parseError.line = error.line;
  }
  return entry;
}

/** Field-level problems of an entry against its schema (relations are checked repository-wide). */
function addProblems(schema: Schema, entry: Entry): void {
  if (entry.parseError) return;
  const issues = validateEntry(schema, entry.data, entry.body);
  if (issues.length) entry.problems = issues.map((i) => ({ path: i.path, message: i.message }));
}

function sortKey(entry: Entry, field: string): unknown {
  if (field === 'slug') return entry.slug;
  if (field === 'updatedAt') return entry.updatedAt;
  return entry.data[field];
}

/** An entry with its sort key worked out once, so that sorting 10,000 entries stays cheap. */
interface Ranked {
  slot: Slot;
  key: string | number;
  missing: boolean;
}

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}/;

function rank(slot: Slot, field: string): Ranked {
  const value = sortKey(slot.entry, field);
  if (value === undefined || value === null || value === '') return { slot, key: 0, missing: true };
  if (typeof value === 'number') return { slot, key: value, missing: false };
  if (typeof value === 'boolean') return { slot, key: Number(value), missing: false };
  return { slot, key: typeof value === 'string' ? value : JSON.stringify(value), missing: false };
}

function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  // ISO dates and datetimes sort correctly as plain strings, and much faster than with a collator.
  if (ISO_LIKE.test(x) && ISO_LIKE.test(y)) return x < y ? -1 : x > y ? 1 : 0;
  return collator.compare(x, y);
}

function matchesFilter(value: unknown, wanted: string): boolean {
  if (Array.isArray(value)) return value.some((v) => matchesFilter(v, wanted));
  if (value === undefined || value === null) return wanted === '';
  if (typeof value === 'object') return false;
  return (typeof value === 'string' ? value : JSON.stringify(value)) === wanted;
}

function collectText(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number') out.push(String(value));
  else if (Array.isArray(value)) value.forEach((v) => collectText(v, out));
  else if (typeof value === 'object' && value !== null)
    Object.values(value).forEach((v) => collectText(v, out));
}

function encodeCursor(key: unknown, slug: string): string {
  return Buffer.from(JSON.stringify([key ?? null, slug])).toString('base64url');
}

function decodeCursor(cursor: string): [unknown, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === 'string')
      return [value[0], value[1]];
  } catch {
    // fall through
  }
  throw new ValidationError('The cursor is not valid: request the first page again without "cursor".', [
    { path: '/cursor', message: 'is not a cursor this server issued' },
  ]);
}

/**
 * The in-memory index of every entry: built once at open, then kept current by writes (`put`)
 * and by file-system events (`refresh`). Lists, search and relation checks never touch the disk.
 */
export class ContentIndex {
  private readonly slots = new Map<string, Map<string, Slot>>();
  private readonly paths = new Map<string, { schema: string; slug: string }>();
  private readonly listeners = new Set<Listener>();
  /** Sorted entries per schema and sort, dropped whenever the schema's entries change. */
  private readonly sorted = new Map<string, Map<string, Ranked[]>>();
  readonly unaddressable = new Map<string, UnaddressableFile>();
  /** Resolves when updatedAt/updatedBy have been filled in from Git history. */
  historyLoaded: Promise<void> = Promise.resolve();
  private readonly files: EntryFiles;
  /** Folders holding a bundle's page (`index.*`, `_index.*`): "schema\0dir" → the pages' paths. */
  private readonly bundles = new Map<string, { kind: 'leaf' | 'branch'; pages: Set<string> }>();
  /** Page-bundle resources: "schema\0slug" → their paths. */
  private readonly resources = new Map<string, Set<string>>();
  private readonly bundleLookup: BundleLookup = (schema, dir) =>
    this.bundles.get(`${schema}\0${dir}`)?.kind ?? null;

  private constructor(
    private readonly project: Project,
    private readonly store: ContentStore,
  ) {
    for (const name of project.schemas.keys()) this.slots.set(name, new Map());
    this.files = new EntryFiles(project.schemas.values(), project.config);
  }

  /** Reads and parses every entry of every schema. */
  static async build(
    project: Project,
    store: ContentStore,
    options: { history?: boolean } = {},
  ): Promise<ContentIndex> {
    const index = new ContentIndex(project, store);
    const paths: string[] = [];
    for (const schema of project.schemas.values()) {
      if (schema.kind === 'singleton') paths.push(schema.file!);
      else {
        try {
          paths.push(...(await store.list(schema.folder!)));
        } catch (error) {
          if (!(error instanceof InvalidPathError)) throw error;
          index.report(schema.folder!, error); // the collection's folder is a link
        }
      }
    }
    // Sorted, so that of two files with one id (a.md and a.markdown) the same one always wins; once
    // each, as a collection's folder may hold another's (`content` and `content/posts`).
    paths.splice(0, paths.length, ...[...new Set(paths)].sort());
    for (const path of paths) index.noteBundle(path);
    const entries = paths.filter((path) => index.classify(path) === 'entry');
    const concurrency = 64;
    let next = 0;
    const read = new Map<string, StoredFile | null>();
    const worker = async (): Promise<void> => {
      while (next < entries.length) {
        const path = entries[next++]!;
        read.set(path, await index.readOrReport(path));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
    for (const path of entries) {
      const file = read.get(path);
      if (file) index.ingest(file);
    }
    if (options.history !== false) index.historyLoaded = index.loadHistory();
    return index;
  }

  /** Registers a bundle's page (by its path alone), so that the files beside it are its resources. */
  private noteBundle(path: string): void {
    const schema = this.files.schemaOf(path);
    const bundle = schema && EntryFiles.bundleOf(schema, path);
    if (!schema || !bundle) return;
    const key = `${schema.name}\0${bundle.dir}`;
    const known = this.bundles.get(key);
    if (known) known.pages.add(path);
    else this.bundles.set(key, { kind: bundle.kind, pages: new Set([path]) });
  }

  private forgetBundle(path: string): void {
    const schema = this.files.schemaOf(path);
    const bundle = schema && EntryFiles.bundleOf(schema, path);
    if (!schema || !bundle) return;
    const key = `${schema.name}\0${bundle.dir}`;
    const known = this.bundles.get(key);
    known?.pages.delete(path);
    if (known?.pages.size === 0) this.bundles.delete(key);
  }

  /**
   * Places a path without reading it: resources and ignored files are recorded (never read),
   * problems reported; 'entry' means the file must be read and ingested.
   */
  /** The entry a path is (or, deleted, was) the file of, by the placement rules; null otherwise. */
  entryOf(path: string): { schema: string; slug: string } | null {
    const place = this.files.place(path, this.bundleLookup);
    return place?.kind === 'entry' ? { schema: place.schema.name, slug: place.slug } : null;
  }

  private classify(path: string): Placement['kind'] | null {
    const placement = this.files.place(path, this.bundleLookup);
    this.unaddressable.delete(path);
    if (!placement) return null;
    if (placement.kind === 'resource' || placement.kind === 'problem') {
      // Not read, but a link is still a problem (Mimsy never follows one), whatever it points to.
      try {
        this.store.checkPath?.(path);
      } catch (error) {
        if (!(error instanceof InvalidPathError)) throw error;
        this.report(path, error);
        return 'problem';
      }
    }
    if (placement.kind === 'resource') {
      const key = `${placement.schema.name}\0${placement.slug}`;
      let set = this.resources.get(key);
      if (!set) this.resources.set(key, (set = new Set()));
      set.add(path);
    } else if (placement.kind === 'problem') {
      this.unaddressable.set(path, {
        path,
        schema: placement.schema.name,
        message: `${path} ${placement.problem}`,
      });
    }
    return placement.kind;
  }

  /** The files of an entry's page bundle (repository paths), besides its own. */
  resourcesOf(schema: string, slug: string): string[] {
    return [...(this.resources.get(`${schema}\0${slug}`) ?? [])].sort();
  }

  private async loadHistory(): Promise<void> {
    const dirs = [...this.project.schemas.values()].map((s) => s.folder ?? s.file!);
    let last: Map<string, CommitInfo>;
    try {
      last = await this.store.lastCommits(dirs);
    } catch {
      return; // history is a nicety for lists; the content itself is already indexed
    }
    for (const [path, info] of last) {
      const at = this.paths.get(path);
      const slot = at && this.slots.get(at.schema)?.get(at.slug);
      if (slot && !slot.entry.updatedAt) {
        slot.entry.updatedAt = info.date;
        slot.entry.updatedBy = info.author;
      }
    }
    this.sorted.clear();
  }

  /** Reads one file; a path Mimsy refuses to read (a symbolic link) becomes a problem, not an entry. */
  private async readOrReport(path: string): Promise<StoredFile | null> {
    try {
      return await this.store.read(path);
    } catch (error) {
      if (!(error instanceof InvalidPathError)) throw error;
      this.report(path, error);
      return null;
    }
  }

  private report(path: string, error: InvalidPathError): void {
    const schema =
      this.files.schemaOf(path) ?? [...this.project.schemas.values()].find((s) => s.folder === path);
    this.unaddressable.set(path, { path, schema: schema?.name ?? '', message: error.message });
  }

  /** Adds or replaces the entry held in `file`. Returns the entry, or null for a file that is not one. */
  private ingest(file: StoredFile, commit?: CommitInfo): Entry | null {
    const where = this.files.place(file.path, this.bundleLookup);
    if (!where || where.kind !== 'entry') return null;
    const taken = this.slots.get(where.schema.name)?.get(where.slug)?.entry;
    if (taken && taken.path !== file.path) {
      this.unaddressable.set(file.path, {
        path: file.path,
        schema: where.schema.name,
        message: `${file.path} has the same id (${where.slug}) as ${taken.path}; rename or remove one of them`,
      });
      return null;
    }
    const entry = toEntry(where.schema, where.slug, file, { validate: false });
    const previous = taken;
    if (commit) {
      entry.updatedAt = commit.date;
      entry.updatedBy = commit.author;
    } else if (previous?.updatedAt) {
      entry.updatedAt = previous.updatedAt;
      if (previous.updatedBy) entry.updatedBy = previous.updatedBy;
    }
    this.slots.get(where.schema.name)!.set(where.slug, { entry });
    this.sorted.delete(where.schema.name);
    this.paths.set(file.path, { schema: where.schema.name, slug: where.slug });
    return entry;
  }

  private drop(path: string): { schema: string; slug: string } | null {
    this.unaddressable.delete(path);
    for (const set of this.resources.values()) set.delete(path);
    const at = this.paths.get(path);
    if (!at) return null;
    this.paths.delete(path);
    this.slots.get(at.schema)?.delete(at.slug);
    this.sorted.delete(at.schema);
    return at;
  }

  /** A bundle page came or went: files under its folder are re-placed (resources ↔ problems). */
  private replaceAround(path: string): void {
    const schema = this.files.schemaOf(path);
    const bundle = schema && EntryFiles.bundleOf(schema, path);
    if (!schema || !bundle) return;
    const prefix = `${schema.folder}/${bundle.dir ? `${bundle.dir}/` : ''}`;
    for (const other of [...this.unaddressable.keys()]) if (other.startsWith(prefix)) this.classify(other);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: EntryEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // one broken listener must not stop the others
      }
    }
  }

  /** Records a write made through Mimsy (no disk read) and announces it. */
  put(path: string, file: StoredFile | null, commit: CommitInfo): Entry | null {
    const existed = this.paths.get(path);
    if (!file) {
      const at = this.drop(path);
      this.forgetBundle(path);
      if (at) this.emit({ type: 'deleted', ...at, path, version: null, source: 'api', commit: commit.sha });
      return null;
    }
    this.noteBundle(path);
    // A bundle's file (or an ignored one) is recorded by its path alone; an entry is ingested.
    if (this.classify(path) !== 'entry') return null;
    const ingested = this.ingest(file, commit);
    const entry = ingested && this.get(ingested.schema, ingested.slug);
    if (entry)
      this.emit({
        type: existed ? 'updated' : 'created',
        schema: entry.schema,
        slug: entry.slug,
        path,
        version: entry.version,
        source: 'api',
        commit: commit.sha,
      });
    return entry;
  }

  /** Re-reads one path from the store after an outside change; announces what changed. */
  async refresh(path: string, source: 'disk' | 'remote' = 'disk'): Promise<EntryEvent | null> {
    let refused: InvalidPathError | null = null;
    const placement = this.files.place(path, this.bundleLookup);
    if (placement && placement.kind !== 'entry') {
      // A resource, an ignored file or a problem: placed by its path, never read.
      this.drop(path);
      this.classify(path);
      return null;
    }
    const file = await this.store.read(path).catch((error: unknown) => {
      if (error instanceof InvalidPathError) refused = error;
      return null;
    });
    const at = this.paths.get(path);
    const current = at ? this.slots.get(at.schema)?.get(at.slug)?.entry : undefined;
    if (!file) {
      const dropped = this.drop(path);
      this.forgetBundle(path);
      this.replaceAround(path);
      if (refused) this.report(path, refused); // a file that turned into a link: a problem now
      if (!dropped) return null;
      const event: EntryEvent = { type: 'deleted', ...dropped, path, version: null, source };
      this.emit(event);
      return event;
    }
    if (current && current.version === file.version) return null;
    this.unaddressable.delete(path);
    this.noteBundle(path);
    this.replaceAround(path);
    const entry = this.ingest(file);
    if (!entry) return null;
    const event: EntryEvent = {
      type: current ? 'updated' : 'created',
      schema: entry.schema,
      slug: entry.slug,
      path,
      version: entry.version,
      source,
    };
    this.emit(event);
    return event;
  }

  private checked(schemaName: string, slot: Slot): Entry {
    if (!slot.validated) {
      slot.validated = true;
      const schema = this.project.schemas.get(schemaName);
      if (schema) addProblems(schema, slot.entry);
    }
    return slot.entry;
  }

  get(schema: string, slug: string): Entry | null {
    const slot = this.slots.get(schema)?.get(slug);
    return slot ? this.checked(schema, slot) : null;
  }

  has(schema: string, slug: string): boolean {
    return this.slots.get(schema)?.has(slug) ?? false;
  }

  /** Every entry of a schema, in slug order. */
  all(schema: string): Entry[] {
    return [...(this.slots.get(schema)?.values() ?? [])]
      .map((s) => this.checked(schema, s))
      .sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  }

  count(schema: string): number {
    return this.slots.get(schema)?.size ?? 0;
  }

  get lookup(): RelationLookup {
    // A relation to a schema whose file is broken cannot be checked: unknown, not missing.
    const broken = new Set(this.project.broken ?? []);
    return (schema, slug) => broken.has(schema) || this.has(schema, slug);
  }

  list(schemaName: string, query: ListQuery = {}): ListResult {
    const schema = this.project.schemas.get(schemaName);
    const slots = this.slots.get(schemaName);
    if (!schema || !slots)
      throw new MimsyError(ErrorCodes.UNKNOWN_SCHEMA, `There is no content type "${schemaName}".`);
    const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(query.limit ?? 50)));
    const sort = query.sort ?? schema.sort ?? 'slug';
    const descending = sort.startsWith('-');
    const field = sort.replace(/^-/, '');
    const known = new Set(['slug', 'updatedAt', ...schema.fields.map((f) => f.name)]);
    if (!known.has(field)) {
      throw new ValidationError(`Cannot sort by "${field}": use one of ${[...known].join(', ')}.`, [
        { path: '/sort', message: 'is not a field of this schema' },
      ]);
    }
    for (const name of Object.keys(query.filter ?? {})) {
      if (!known.has(name))
        throw new ValidationError(`Cannot filter by "${name}": it is not a field of ${schemaName}.`, [
          { path: `/filter/${name}`, message: 'is not a field of this schema' },
        ]);
    }
    const direction = descending ? -1 : 1;
    const compare = (a: Ranked, b: Ranked): number => {
      // Missing values stay last in both directions; ties break on slug so pages never overlap.
      if (a.missing !== b.missing) return a.missing ? 1 : -1;
      const byKey = a.missing ? 0 : compareKeys(a.key, b.key) * direction;
      return byKey !== 0
        ? byKey
        : a.slot.entry.slug < b.slot.entry.slug
          ? -1
          : a.slot.entry.slug > b.slot.entry.slug
            ? 1
            : 0;
    };
    // The sorted order is kept per (schema, sort) until the schema's entries change.
    let cache = this.sorted.get(schemaName);
    if (!cache) this.sorted.set(schemaName, (cache = new Map<string, Ranked[]>()));
    let ranked = cache.get(sort);
    if (!ranked) {
      ranked = [...slots.values()].map((slot) => rank(slot, field));
      ranked.sort(compare);
      cache.set(sort, ranked);
    }
    let items = ranked;
    for (const [name, wanted] of Object.entries(query.filter ?? {})) {
      items = items.filter((r) => matchesFilter(sortKey(r.slot.entry, name), wanted));
    }
    const terms = (query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    if (terms.length) items = items.filter((r) => terms.every((t) => this.searchText(r.slot).includes(t)));
    let start = 0;
    if (query.cursor) {
      const [key, slug] = decodeCursor(query.cursor);
      const probe = rank(
        { entry: { slug, data: { [field]: key }, updatedAt: key } as unknown as Entry },
        field,
      );
      let lo = 0;
      let hi = items.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compare(items[mid]!, probe) <= 0) lo = mid + 1;
        else hi = mid;
      }
      start = lo;
    }
    const page = items.slice(start, start + limit).map((r) => this.checked(schemaName, r.slot));
    const last = page[page.length - 1];
    const nextCursor =
      last && start + limit < items.length ? encodeCursor(sortKey(last, field), last.slug) : null;
    const sorted = items;
    return { items: page, total: sorted.length, nextCursor };
  }

  private searchText(slot: Slot): string {
    if (slot.search === undefined) {
      const parts: string[] = [slot.entry.slug];
      collectText(slot.entry.data, parts);
      if (slot.entry.body) parts.push(slot.entry.body);
      slot.search = parts.join('\n').toLowerCase();
    }
    return slot.search;
  }

  /**
   * Issues for values of `unique` fields that another entry of the collection already has
   * (`exceptSlugs` are the entry's own current and new slug).
   */
  uniqueIssues(
    schema: Schema,
    data: Record<string, unknown>,
    exceptSlugs: string[],
  ): { path: string; message: string }[] {
    const issues: { path: string; message: string }[] = [];
    const normalize = (v: unknown): string | null =>
      v === undefined || v === null || v === '' || typeof v === 'object'
        ? null
        : typeof v === 'string'
          ? v.normalize('NFC').toLowerCase()
          : JSON.stringify(v);
    for (const field of schema.fields.filter((f) => f.unique)) {
      const wanted = normalize(data[field.name]);
      if (wanted === null) continue;
      for (const [slug, slot] of this.slots.get(schema.name) ?? []) {
        if (exceptSlugs.includes(slug) || normalize(slot.entry.data[field.name]) !== wanted) continue;
        issues.push({
          path: `/${field.name}`,
          message: `must be unique, and ${schema.name}/${slug} already has this value`,
        });
        break;
      }
    }
    return issues;
  }

  /**
   * Entries that use a file by its public URL: a value (at any depth) or the body that holds it,
   * not merely a longer path that starts with it (`/media/a.png` is not in `/media/a.png.bak`).
   */
  usesOf(url: string): { schema: string; slug: string; field: string }[] {
    const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`${escaped}(?![\\w./-])`);
    const holds = (v: unknown): boolean =>
      typeof v === 'string'
        ? pattern.test(v)
        : Array.isArray(v)
          ? v.some(holds)
          : typeof v === 'object' && v !== null && Object.values(v).some(holds);
    const out: { schema: string; slug: string; field: string }[] = [];
    for (const schema of this.project.schemas.values())
      for (const { entry } of this.slots.get(schema.name)?.values() ?? []) {
        for (const [field, value] of Object.entries(entry.data))
          if (holds(value)) out.push({ schema: schema.name, slug: entry.slug, field });
        if (schema.bodyField && entry.body && pattern.test(entry.body))
          out.push({ schema: schema.name, slug: entry.slug, field: schema.bodyField });
      }
    return out;
  }

  /** Entries that point to (schema, slug) through a relation field. */
  referrers(schema: string, slug: string): { schema: string; slug: string; field: string }[] {
    const out: { schema: string; slug: string; field: string }[] = [];
    for (const s of this.project.schemas.values()) {
      const relations = s.fields.filter((f) => f.type === 'relation' && f.schema === schema);
      if (!relations.length) continue;
      for (const { entry } of this.slots.get(s.name)?.values() ?? []) {
        for (const f of relations) {
          const v = entry.data[f.name];
          if (v === slug || (Array.isArray(v) && v.includes(slug)))
            out.push({ schema: s.name, slug: entry.slug, field: f.name });
        }
      }
    }
    return out;
  }

  /** Every problem in the repository: parse errors, schema violations, broken relations, duplicates. */
  validate(): {
    entries: EntryReport[];
    unaddressable: UnaddressableFile[];
    checked: number;
    /** Keys no field declares, in schemas without `strict` (which makes them problems). */
    warnings: EntryReport[];
  } {
    const reports: EntryReport[] = [];
    const warnings: EntryReport[] = [];
    let checked = 0;
    for (const schema of this.project.schemas.values()) {
      const entries = [...(this.slots.get(schema.name)?.values() ?? [])].map((s) => s.entry);
      checked += entries.length;
      const dupes = findDuplicates(
        schema,
        entries.filter((e) => !e.parseError),
      );
      for (const entry of entries) {
        const problems: EntryReport['problems'] = [];
        if (entry.parseError) problems.push({ ...entry.parseError });
        else {
          for (const issue of validateEntry(schema, entry.data, entry.body, this.lookup, {
            mediaHosts: this.project.config.media.allowedHosts ?? [],
          }))
            problems.push({ path: issue.path, message: issue.message });
          for (const [fieldName, byValue] of dupes) {
            for (const [value, slugs] of byValue) {
              if (slugs.includes(entry.slug))
                problems.push({
                  path: `/${fieldName}`,
                  message: `"${value}" must be unique, and is also used by ${slugs.filter((s) => s !== entry.slug).join(', ')}`,
                });
            }
          }
        }
        if (problems.length)
          reports.push({ schema: schema.name, slug: entry.slug, path: entry.path, problems });
        if (schema.strict === undefined && !entry.parseError) {
          const unknown = unknownKeys(schema, entry.data);
          if (unknown.length)
            warnings.push({
              schema: schema.name,
              slug: entry.slug,
              path: entry.path,
              problems: unknown.map((i) => ({ path: i.path, message: i.message })),
            });
        }
      }
    }
    return { entries: reports, unaddressable: [...this.unaddressable.values()], checked, warnings };
  }

  isSlugFree(schema: string, slug: string): boolean {
    return isValidSlug(slug) && !this.has(schema, slug);
  }
}
