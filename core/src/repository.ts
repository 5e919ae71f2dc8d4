// Size: ~870 lines, one job — every entry operation (create, update, patch, rename, delete,
// revert, history) with its validation, minimal re-encoding and conflict mapping, all through one
// write path. Media and bundle files are in files.ts; the link to the remote (pending pushes,
// pulls on a stale copy) is the next part to move out, with the single-writer work (docs/scaling.md).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { decodeEntry, encodeEntry, ParseError } from './codec/index.js';
import { ConflictError, ErrorCodes, MimsyError, NotFoundError, ValidationError } from './errors.js';
import type { UnaddressableFile } from './index-store.js';
import { ContentIndex, toEntry } from './index-store.js';
import { EntryFiles } from './entry-files.js';
import { BundleFiles, MediaLibrary, type FileHost } from './files.js';
import { assertSafeId, assertSafeSlug, entryPath, symlinkError } from './paths.js';
import type { Project } from './project.js';
import { getSchema, loadProject } from './project.js';
import { renderSlug } from './slug-template.js';
import type { CommitResult, ContentStore, ContentWriter, FileChange, StoredFile } from './store/port.js';
import { findSymlinks } from './store/fs.js';
import { GitStore } from './store/git/index.js';
import type { SharedLines } from './store/git/shared-lines.js';
import type {
  CommitInfo,
  Entry,
  EntryEvent,
  GitStatus,
  ListQuery,
  ListResult,
  Person,
  Schema,
} from './types.js';
import { extensionsOf } from './types.js';
import { mergePatch } from './merge-patch.js';
import { applyDefaults, validateEntry } from './validate.js';
import { blobId } from './version.js';
import { FileWatcher } from './watch.js';

/** Control characters never belong in a commit subject. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/g;
/** …nor, but for line breaks, in its body. */
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\x00-\x09\x0b-\x1f\x7f]/g;

/** Backoff of the background push of commits the remote did not take yet. */
const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30_000;

export interface OpenOptions {
  /** Storage to use; defaults to the Git adapter on `root`. */
  store?: ContentStore;
  /** Watch the file system for edits made outside Mimsy (default false). */
  watch?: boolean;
  /** Fill in updatedAt/updatedBy from Git history (default true). */
  history?: boolean;
  /** Refuse to open when a schema or the config has mistakes (default false: broken schemas are skipped). */
  strict?: boolean;
  onRecover?: (message: string) => void;
  /** Remote settings; default from mimsy.config.json's "git". */
  git?: Partial<{ remote: string; branch: string; push: 'auto' | 'off' }>;
  /** Called when a background push fails (the write itself is committed locally and kept). */
  onPushError?: (error: unknown) => void;
}

export interface WriteContext {
  author: Person;
  /**
   * What the editor says the change is (optional): it becomes the commit message's first line, and
   * the generated message (which entry, which fields) follows it as the body.
   */
  message?: string;
}

/** What a deletion does to the entries that refer to the one deleted (see Repository.remove). */
export interface RemoveOptions {
  ifMatch: string;
  /** Same as `references: 'keep'` (the API's ?force=true). */
  force?: boolean;
  references?: 'refuse' | 'keep' | 'clear' | 'repoint';
  /** With `references: 'repoint'`: the entry of the same collection they point to instead. */
  repointTo?: string;
}

/** An entry that a commit deleted: its values as they were, and that commit. */
export interface DeletedEntry {
  slug: string;
  path: string;
  data: Record<string, unknown>;
  deleted: CommitInfo;
}

/** An entry's file as a write found it (null: none yet) and what it held. */
interface Current {
  p: string;
  file: StoredFile | null;
  previous: Record<string, unknown>;
  body: string | undefined;
}

/** The longest editor's message kept (longer ones are cut): a commit message, not a document. */
const NOTE_LIMIT = 2000;

/**
 * The commit message with the editor's own words first: control characters other than line
 * breaks removed, the first line at most 200 characters (the rest of it moves to the body).
 */
export function withNote(generated: string, note: string | undefined): string {
  const text = (note ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL_BUT_NEWLINE, '')
    .trim()
    .slice(0, NOTE_LIMIT);
  if (!text) return generated;
  const [first = '', ...rest] = text.split('\n');
  const subject = first.length > 200 ? first.slice(0, 200) : first;
  const body = [first.length > 200 ? first.slice(200) : '', ...rest].join('\n').trim();
  return [subject, body, generated].filter(Boolean).join('\n\n');
}

/**
 * The names of the fields an update changes (the body under the schema's body field name), in
 * the schema's order, then any others: what the default commit message lists.
 */
export function changedFields(
  schema: Schema,
  before: { data: Record<string, unknown>; body?: string | undefined },
  after: { data: Record<string, unknown>; body?: string | undefined },
): string[] {
  const names = new Set([...Object.keys(before.data), ...Object.keys(after.data)]);
  const changed = [...names].filter((k) => !sameValue(before.data[k], after.data[k]));
  if (schema.bodyField && (before.body ?? '') !== (after.body ?? '')) changed.push(schema.bodyField);
  const order = new Map(schema.fields.map((f, i) => [f.name, i]));
  return changed.sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity));
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

export interface EntryInput {
  data: Record<string, unknown>;
  body?: string;
}

/**
 * A partial update: `data` is a JSON Merge Patch (RFC 7396) of the entry's values — a key set to
 * null is removed, objects merge key by key, anything else replaces — and `body`, when given,
 * replaces the Markdown body.
 */
export interface EntryPatch {
  data?: Record<string, unknown>;
  body?: string;
  slug?: string;
}

export interface WriteResult {
  entry: Entry;
  commit: CommitInfo;
}

/** Why a value is not a plain object, for request validation. */
/** PUT replaces the whole entry, so a Markdown entry's body must be sent: leaving it out would erase it. */
function requireBody(schema: Schema, body: string | undefined): void {
  if (schema.bodyField && typeof body !== 'string')
    throw new ValidationError(
      `"body" is required: an update replaces the whole entry, Markdown body included. Send the body, or change only some fields with a patch (PATCH, JSON Merge Patch).`,
      [{ path: '/body', message: 'is required (send the Markdown body, or use PATCH)' }],
    );
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${what} must be an object of field values.`, [
      { path: '/data', message: 'must be an object' },
    ]);
  }
  return value as Record<string, unknown>;
}

function renderMessage(template: string, vars: Record<string, string>): string {
  return (
    template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => vars[name] ?? '').trim() ||
    `${vars.action} ${vars.schema}/${vars.slug}`
  );
}

/**
 * A content repository opened for reading and writing entries: the project (config + schemas),
 * the store, the index, and optionally a watcher. The API and the CLI work through this.
 */
export class Repository {
  private watcher: FileWatcher | null = null;
  /** Paths being written through Mimsy right now: their file events are ours, not outside edits. */
  private readonly writing = new Map<string, number>();
  private readonly deferred = new Set<string>();
  private git: { remote: string; branch: string; push: 'auto' | 'off' } = {
    remote: 'origin',
    branch: 'main',
    push: 'off',
  };
  /** Push "auto" and a remote: every write is pushed before it is acknowledged (docs/scaling.md). */
  private replicated = false;
  private pendingPush = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelay = RETRY_MIN_MS;
  private retrying: Promise<void> | null = null;
  /** A pull waiting in the write queue that callers may still join (see pullSoon). */
  private queuedPull: Promise<unknown> | null = null;
  private closed = false;
  private onPushError: (error: unknown) => void = () => undefined;

  /** The media library (uploads, deletes, URLs). */
  readonly media: MediaLibrary;
  /** Files of page bundles, beside their pages. */
  readonly bundles: BundleFiles;

  private constructor(
    readonly project: Project,
    readonly store: ContentStore,
    readonly index: ContentIndex,
  ) {
    const host: FileHost = {
      root: project.root,
      project,
      store,
      index,
      collection: (name) => this.collection(name),
      fresh: (write) => this.fresh(write),
      commit: async (changes, ctx, what) => {
        const result = await this.commitChanges(
          changes,
          ctx,
          renderMessage(project.config.commit.message, what),
        );
        this.afterCommit(result);
        return result;
      },
    };
    this.media = new MediaLibrary(host);
    this.bundles = new BundleFiles(host);
  }

  static async open(root: string, options: OpenOptions = {}): Promise<Repository> {
    const project = await loadProject(root);
    if (options.strict && project.issues.length) {
      throw new MimsyError(
        ErrorCodes.SCHEMA,
        `The content model has ${project.issues.length} mistake(s); run "mimsy schema check".`,
        { issues: project.issues },
      );
    }
    const store =
      options.store ??
      (await GitStore.open(project.root, options.onRecover ? { onRecover: options.onRecover } : {}));
    const index = await ContentIndex.build(project, store, { history: options.history !== false });
    const repo = new Repository(project, store, index);
    repo.git = { ...project.config.git, ...options.git };
    if (options.onPushError) repo.onPushError = options.onPushError;
    store.remote?.onRemoteChange((paths) => {
      for (const p of paths) void repo.index.refresh(p, 'remote');
    });
    if (repo.git.push === 'auto' && store.remote) {
      const status = await store.remote.remoteStatus(repo.git.remote, repo.git.branch);
      repo.replicated = status.hasRemote;
      // Commits left unpushed by an earlier run (remote down, crash before the push) go out now.
      if (repo.replicated && status.ahead > 0) repo.schedulePush(0);
    }
    if (options.watch) {
      // The watcher's first scan takes seconds on large repositories, so it starts in the
      // background; once it runs, whatever changed on disk since the index build is picked up.
      const targets = [...project.schemas.values()].map((s) => s.folder ?? s.file!);
      const since = Date.now() - 2000;
      repo.watching = FileWatcher.start(project.root, targets, (p) => repo.onDiskChange(p)).then(
        async (watcher) => {
          repo.watcher = watcher;
          await repo.catchUp(since);
        },
      );
    }
    return repo;
  }

  /** Resolves when the file watcher runs (immediately when not watching). */
  watching: Promise<void> = Promise.resolve();

  /** Re-reads files added, changed or removed on disk since `since` (ms), e.g. while the watcher started. */
  private async catchUp(since: number): Promise<void> {
    const listed = new Set<string>();
    for (const schema of this.project.schemas.values()) {
      if (schema.kind === 'singleton') listed.add(schema.file!);
      else for (const p of await this.store.list(schema.folder!)) listed.add(p);
    }
    const known = new Set<string>();
    for (const schema of this.project.schemas.values())
      for (const entry of this.index.all(schema.name)) known.add(entry.path);
    for (const p of known) if (!listed.has(p)) await this.index.refresh(p);
    for (const p of listed) {
      if (!known.has(p) && !this.index.unaddressable.has(p)) {
        await this.index.refresh(p);
        continue;
      }
      const info = await stat(this.resolve(p)).catch(() => null);
      if (info && info.mtimeMs >= since) await this.index.refresh(p);
    }
  }

  private onDiskChange(p: string): void {
    if (this.writing.has(p)) this.deferred.add(p);
    else void this.index.refresh(p);
  }

  /** Runs a store commit while marking its paths as ours; re-checks any that changed meanwhile. */
  private async writeThrough<T>(paths: string[], work: () => Promise<T>): Promise<T> {
    for (const p of paths) this.writing.set(p, (this.writing.get(p) ?? 0) + 1);
    try {
      return await work();
    } finally {
      for (const p of paths) {
        const n = (this.writing.get(p) ?? 1) - 1;
        if (n > 0) this.writing.set(p, n);
        else this.writing.delete(p);
      }
      // Let the index record the write first; then an outside edit that raced it is still seen.
      setTimeout(() => {
        for (const p of paths) {
          if (this.deferred.delete(p) && !this.writing.has(p)) void this.index.refresh(p);
        }
      }, 0);
    }
  }

  get root(): string {
    return this.project.root;
  }

  get schemas(): Map<string, Schema> {
    return this.project.schemas;
  }

  schema(name: string): Schema {
    return getSchema(this.project, name);
  }

  private collection(name: string): Schema {
    const schema = this.schema(name);
    if (schema.kind !== 'collection')
      throw new MimsyError(ErrorCodes.WRONG_KIND, `"${name}" is a singleton, not a collection.`, {
        schema: name,
      });
    return schema;
  }

  private singletonSchema(name: string): Schema {
    const schema = this.schema(name);
    if (schema.kind !== 'singleton')
      throw new MimsyError(ErrorCodes.WRONG_KIND, `"${name}" is a collection, not a singleton.`, {
        schema: name,
      });
    return schema;
  }

  on(listener: (event: EntryEvent) => void): () => void {
    return this.index.on(listener);
  }

  get(schema: string, slug: string): Entry | null {
    this.collection(schema);
    assertSafeId(slug);
    return this.index.get(schema, slug);
  }

  /**
   * An entry's file: its own (the index knows it: `_index.md`, `Where.md`, `trip/index.md`,
   * `post.markdown`), or for an id no file has yet, where a new entry of that slug goes.
   */
  private pathOf(schema: Schema, id: string): string {
    if (schema.kind === 'singleton') return schema.file!;
    assertSafeId(id);
    return this.index.get(schema.name, id)?.path ?? entryPath(schema, id);
  }

  getOrThrow(schema: string, slug: string): Entry {
    const entry = this.get(schema, slug);
    if (!entry) throw new NotFoundError(`There is no entry ${schema}/${slug}.`, { schema, slug });
    return entry;
  }

  list(schema: string, query: ListQuery = {}): ListResult {
    this.collection(schema);
    return this.index.list(schema, query);
  }

  singleton(name: string): Entry | null {
    this.singletonSchema(name);
    return this.index.get(name, '');
  }

  private message(
    action: string,
    schema: Schema,
    slug: string,
    data: Record<string, unknown>,
    fields: string[] = [],
  ): string {
    const vars: Record<string, string> = {
      action,
      schema: schema.name,
      slug: slug || schema.name,
      fields: fields.length ? ` (${fields.join(', ')})` : '',
    };
    for (const [k, v] of Object.entries(data))
      if (typeof v === 'string' && !(k in vars))
        vars[k] = v.split('\n')[0]!.replace(CONTROL, '').slice(0, 100);
    return renderMessage(this.project.config.commit.message, vars);
  }

  private validate(
    schema: Schema,
    data: Record<string, unknown>,
    body: string | undefined,
    slugs: string[],
  ): void {
    const issues = [
      ...validateEntry(schema, data, body, this.index.lookup, {
        mediaHosts: this.project.config.media.allowedHosts ?? [],
      }),
      ...this.index.uniqueIssues(schema, data, slugs),
    ];
    if (issues.length) throw new ValidationError(`The entry has ${issues.length} problem(s).`, issues);
  }

  /** Translates a store conflict into one carrying the current entry. */
  private conflict(schema: Schema, slug: string, error: unknown): unknown {
    if (!(error instanceof ConflictError)) return error;
    const file = error.current as StoredFile | null;
    const current = file ? toEntry(schema, slug, file) : null;
    const message = current
      ? `${schema.name}/${slug || schema.name} was changed by someone else; here is the current version.`
      : `${schema.name}/${slug || schema.name} does not exist any more.`;
    const conflict = new ConflictError<Entry>(message, current, { schema: schema.name, slug });
    const expected = (error.details as { expected?: string | null } | undefined)?.expected;
    conflict.expected = expected !== undefined ? expected : error.expected;
    return conflict;
  }

  /** The store's write capability, or READ_ONLY for a store that cannot commit. */
  private get writer(): ContentWriter {
    if (!this.store.writer)
      throw new MimsyError(ErrorCodes.READ_ONLY, 'This content store is read-only; nothing was saved.');
    return this.store.writer;
  }

  /** Commits through the store; replicas push before answering (publish). */
  private commitChanges(changes: FileChange[], ctx: WriteContext, message: string): Promise<CommitResult> {
    return this.writeThrough(
      changes.map((c) => c.path),
      () =>
        this.writer.commit(changes, {
          author: ctx.author,
          message: withNote(message, ctx.message),
          ...(this.replicated ? { publish: { remote: this.git.remote, branch: this.git.branch } } : {}),
        }),
    );
  }

  private async commitEntry(
    schema: Schema,
    slug: string,
    changes: FileChange[],
    ctx: WriteContext,
    message: string,
  ): Promise<CommitResult> {
    try {
      return await this.commitChanges(changes, ctx, message);
    } catch (error) {
      throw this.conflict(schema, slug, error);
    }
  }

  /**
   * Runs a write; on a replica whose copy turns out to be stale (the editor's version is not the
   * one here), pulls once and runs it again. The second answer, 409 or not, is final.
   */
  private async fresh<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof ConflictError) || !this.replicated) throw error;
      try {
        await this.pullSoon();
      } catch (pullError) {
        // The remote cannot tell us more. A version this copy has seen (or none) makes it a real
        // conflict; an unknown one means this copy is behind, and its "current" would be stale.
        const expected = error.expected;
        if (expected === null || (expected && (await this.store.remote?.hasVersion(expected)))) throw error;
        throw new MimsyError(
          ErrorCodes.REMOTE_UNAVAILABLE,
          'This server cannot reach the Git remote to fetch the version your edit is based on, so nothing was saved. Try again in a moment.',
          undefined,
          { cause: pullError },
        );
      }
      return write();
    }
  }

  /**
   * Waits until this copy holds commit `sha` (written through another replica), pulling as
   * needed (pulls are shared with every caller waiting at the same time); false when `timeoutMs`
   * passes first. A follower replica catches up with the writer's pushes this way.
   */
  async holds(sha: string, timeoutMs = 5000): Promise<boolean> {
    const remote = this.store.remote;
    if (!remote) return false;
    const end = Date.now() + timeoutMs;
    while (!(await remote.contains(sha))) {
      if (Date.now() > end || this.closed) return false;
      await this.pullSoon().catch(() => new Promise((r) => setTimeout(r, 100)));
    }
    return true;
  }

  /** Listens for pushes that published this copy's commits (the commit the branch now holds). */
  onPublished(listener: (head: string) => void): () => void {
    return this.store.remote?.onPublished(listener) ?? (() => undefined);
  }

  /**
   * A pull that starts after this call. Writes that find their copy stale at the same time share
   * one: a pull still waiting in the write queue serves every caller that joins it before it starts.
   */
  private pullSoon(): Promise<unknown> {
    if (this.queuedPull) return this.queuedPull;
    const pull: Promise<unknown> = this.sync({
      push: false,
      onStart: () => {
        if (this.queuedPull === pull) this.queuedPull = null;
      },
    });
    this.queuedPull = pull;
    // Failed before it started (no remote support): the next caller tries afresh.
    pull
      .catch(() => undefined)
      .finally(() => {
        if (this.queuedPull === pull) this.queuedPull = null;
      });
    return pull;
  }

  private record(schema: Schema, slug: string, p: string, bytes: Uint8Array, result: CommitResult): Entry {
    const file: StoredFile = { path: p, bytes, version: result.versions[p]! };
    this.afterCommit(result);
    return this.index.put(p, file, result) ?? toEntry(schema, slug, file);
  }

  /** A commit the remote does not have yet is pushed again later, with backoff. */
  private afterCommit(result: CommitResult): void {
    if (result.sync !== 'pending') return;
    this.pendingPush = true;
    void this.status().then(
      (status) =>
        this.onPushError(
          new MimsyError(ErrorCodes.REMOTE, status.lastSync?.error ?? 'The push to the remote is pending.'),
        ),
      () => undefined,
    );
    this.schedulePush(this.retryDelay);
  }

  private schedulePush(delay: number): void {
    if (this.retryTimer || this.retrying || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retrying = this.sync({ push: true })
        .then(
          () => {
            this.retryDelay = RETRY_MIN_MS;
          },
          (error: unknown) => {
            this.onPushError(error);
            this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
            this.schedulePush(this.retryDelay);
          },
        )
        .finally(() => {
          this.retrying = null;
        });
    }, delay);
    this.retryTimer.unref();
  }

  /** Waits for a background push in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.retrying) await this.retrying;
  }

  /** Pulls (rebase) from the remote and pushes; the index and listeners learn what the pull changed. */
  async sync(
    options: { push?: boolean; onStart?: () => void } = {},
  ): Promise<{ changed: string[]; pushed: boolean; head: string | null }> {
    if (!this.store.remote)
      throw new MimsyError(ErrorCodes.REMOTE, 'This repository has no Git remote support.');
    const push = options.push ?? this.git.push === 'auto';
    const result = await this.store.remote.sync(this.git.remote, this.git.branch, {
      push,
      mode: this.replicated ? 'replica' : 'rebase',
      ...(options.onStart ? { onStart: options.onStart } : {}),
    });
    if (push) this.pendingPush = false;
    // A replica's pulls tell the index themselves (onRemoteChange), path by path, as they move.
    if (!this.replicated) for (const p of result.changed) await this.index.refresh(p, 'remote');
    return result;
  }

  async status(): Promise<GitStatus> {
    const remote = this.store.remote
      ? await this.store.remote.remoteStatus(this.git.remote, this.git.branch)
      : null;
    return {
      branch: remote?.branch ?? null,
      head: remote?.head ?? null,
      remote: remote?.remote ?? null,
      ahead: remote?.ahead ?? 0,
      behind: remote?.behind ?? 0,
      pendingPush:
        this.git.push === 'auto' &&
        remote?.hasRemote === true &&
        (this.pendingPush || (remote?.ahead ?? 0) > 0),
      push: this.git.push,
      lastSync: remote?.lastSync ?? null,
      parked: remote?.parked ?? [],
    };
  }

  /**
   * Lines every replica shares through the Git remote (when writes are pushed), e.g. revoked
   * sessions; null for a store without Git.
   */
  async sharedLines(name: string): Promise<SharedLines | null> {
    return (await this.store.remote?.sharedLines(name, this.replicated ? this.git.remote : null)) ?? null;
  }

  /** Files Mimsy cannot serve: entries it cannot address and symbolic links (content or media). */
  async fileProblems(): Promise<UnaddressableFile[]> {
    const media = await findSymlinks(this.project.root, this.media.dir);
    return [
      ...this.index.unaddressable.values(),
      ...media.map((p) => ({ path: p, schema: 'media', message: symlinkError(p).message })),
    ];
  }

  create(schemaName: string, input: EntryInput & { slug?: string }, ctx: WriteContext): Promise<WriteResult> {
    return this.fresh(() => this.createNow(schemaName, input, ctx));
  }

  private async createNow(
    schemaName: string,
    input: EntryInput & { slug?: string },
    ctx: WriteContext,
  ): Promise<WriteResult> {
    const schema = this.collection(schemaName);
    const data = applyDefaults(schema, asRecord(input.data, 'data'));
    const body = schema.bodyField ? (input.body ?? '') : undefined;
    let slug = input.slug;
    if (slug === undefined || slug === '') {
      slug = renderSlug(schema.slug ?? '{{title}}', {
        ...data,
        ...(schema.bodyField ? { [schema.bodyField]: body } : {}),
      });
      if (!slug)
        throw new ValidationError(
          'A slug is needed: the slug template gave nothing to work with; send "slug" or fill in the fields it uses.',
          [{ path: '/slug', message: 'is required' }],
        );
    }
    assertSafeSlug(slug);
    this.validate(schema, data, body, [slug]);
    const p = entryPath(schema, slug);
    const bytes = encodeEntry(schema, { data, body: body ?? '' });
    const result = await this.commitEntry(
      schema,
      slug,
      [{ path: p, bytes, expected: null }],
      ctx,
      this.message('create', schema, slug, data),
    );
    return { entry: this.record(schema, slug, p, bytes, result), commit: result };
  }

  /** Keeps keys that the schema does not declare (written by other tools) unless the update sets them. */
  private mergeUnknown(
    schema: Schema,
    previous: Record<string, unknown>,
    next: Record<string, unknown>,
  ): Record<string, unknown> {
    const declared = new Set(schema.fields.map((f) => f.name));
    const merged: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(previous)) {
      if (!declared.has(k) && !(k in next)) merged[k] = v;
    }
    // Keep the file's key order: previous keys first, then new ones.
    const ordered: Record<string, unknown> = {};
    for (const k of Object.keys(previous))
      if (k in next || k in merged) ordered[k] = k in next ? next[k] : merged[k];
    for (const [k, v] of Object.entries(next)) if (!(k in ordered)) ordered[k] = v;
    // A field set to null is removed, unless it was already null in the file (an empty `key:`).
    return Object.fromEntries(
      Object.entries(ordered).filter(([k, v]) => v !== undefined && (v !== null || previous[k] === null)),
    );
  }

  private async readCurrent(schema: Schema, slug: string, ifMatch: string | null): Promise<Current> {
    const p = this.pathOf(schema, slug);
    const file = await this.store.read(p);
    if (ifMatch !== (file?.version ?? null))
      throw this.conflict(schema, slug, new ConflictError('stale', file, { expected: ifMatch }));
    let previous: Record<string, unknown> = {};
    let body: string | undefined;
    if (file) {
      try {
        const decoded = decodeEntry(schema, file.bytes);
        previous = decoded.data;
        body = decoded.body;
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
      }
    }
    return { p, file, previous, body };
  }

  /** Replaces an entry's values and body (a Markdown entry needs `body`: see patch() to send less). */
  update(
    schemaName: string,
    slug: string,
    input: EntryInput & { slug?: string },
    ctx: WriteContext & { ifMatch: string },
  ): Promise<WriteResult> {
    return this.fresh(async () => {
      const schema = this.collection(schemaName);
      assertSafeId(slug);
      requireBody(schema, input.body);
      const current = await this.readCurrent(schema, slug, ctx.ifMatch);
      const data = this.mergeUnknown(schema, current.previous, asRecord(input.data, 'data'));
      return this.writeUpdate(schema, slug, current, data, input.body, input.slug, ctx);
    });
  }

  /** Changes some of an entry's values (JSON Merge Patch), and its body or slug when given. */
  patch(
    schemaName: string,
    slug: string,
    input: EntryPatch,
    ctx: WriteContext & { ifMatch: string },
  ): Promise<WriteResult> {
    return this.fresh(async () => {
      const schema = this.collection(schemaName);
      assertSafeId(slug);
      const current = await this.readCurrent(schema, slug, ctx.ifMatch);
      const data = mergePatch(current.previous, asRecord(input.data ?? {}, 'data'));
      return this.writeUpdate(schema, slug, current, data, input.body ?? current.body, input.slug, ctx);
    });
  }

  private async writeUpdate(
    schema: Schema,
    slug: string,
    { p, file, previous, body: previousBody }: Current,
    data: Record<string, unknown>,
    inputBody: string | undefined,
    inputSlug: string | undefined,
    ctx: WriteContext & { ifMatch: string },
  ): Promise<WriteResult> {
    const schemaName = schema.name;
    if (!file)
      throw new NotFoundError(`There is no entry ${schemaName}/${slug}.`, { schema: schemaName, slug });
    const body = schema.bodyField ? (inputBody ?? '') : undefined;
    const newSlug = inputSlug && inputSlug !== slug ? inputSlug : slug;
    let newPath = p;
    if (newSlug !== slug) {
      assertSafeSlug(newSlug);
      if (EntryFiles.bundleOf(schema, p))
        throw new ValidationError(
          `${slug} is a page bundle (${p} and the files beside it): rename its folder in the repository, not here.`,
          [{ path: '/slug', message: 'cannot rename a page bundle' }],
        );
      // A renamed entry keeps its file's extension (.markdown stays .markdown).
      const ext = EntryFiles.split(schema, p.slice(p.lastIndexOf('/') + 1))?.ext ?? extensionsOf(schema)[0]!;
      newPath = entryPath({ ...schema, extensions: [ext] }, newSlug);
    }
    this.validate(schema, data, body, [slug, newSlug]);
    const bytes = encodeEntry(schema, { data, body: body ?? '' }, file.bytes, p);
    const changes: FileChange[] =
      newSlug === slug
        ? [{ path: p, bytes, expected: ctx.ifMatch }]
        : [
            { path: p, bytes: null, expected: ctx.ifMatch },
            { path: newPath, bytes, expected: null },
          ];
    let result: CommitResult;
    try {
      const fields = changedFields(schema, { data: previous, body: previousBody }, { data, body });
      const message = this.message(newSlug === slug ? 'update' : 'rename', schema, newSlug, data, fields);
      result = await this.commitChanges(changes, ctx, message);
    } catch (error) {
      if (
        error instanceof ConflictError &&
        newSlug !== slug &&
        (error.details as { path?: string }).path === newPath
      ) {
        throw this.conflict(schema, newSlug, error); // the new slug is taken
      }
      throw this.conflict(schema, slug, error);
    }
    if (newSlug !== slug) this.index.put(p, null, result);
    return { entry: this.record(schema, newSlug, newPath, bytes, result), commit: result };
  }

  /**
   * Deletes an entry (a page bundle with its files). While other entries refer to it, `references`
   * says what happens to them, in the same commit: `refuse` (the default; `force` means `keep`),
   * `keep` (they point nowhere, and show that as a problem), `clear` (the reference is removed
   * from each), or `repoint` (each points to `repointTo`, another entry of the same collection).
   */
  remove(
    schemaName: string,
    slug: string,
    ctx: WriteContext & RemoveOptions,
  ): Promise<{ commit: CommitInfo }> {
    return this.fresh(() => this.removeNow(schemaName, slug, ctx));
  }

  private async removeNow(
    schemaName: string,
    slug: string,
    ctx: WriteContext & RemoveOptions,
  ): Promise<{ commit: CommitInfo }> {
    const schema = this.collection(schemaName);
    assertSafeId(slug);
    const p = this.pathOf(schema, slug);
    const how = ctx.references ?? (ctx.force ? 'keep' : 'refuse');
    const referrers = this.index
      .referrers(schemaName, slug)
      .filter((r) => r.schema !== schemaName || r.slug !== slug); // it may name itself: it goes anyway
    if (referrers.length && how === 'refuse') {
      throw new MimsyError(
        ErrorCodes.REFERENCED,
        `${schemaName}/${slug} is used by ${referrers.length} other entr${referrers.length === 1 ? 'y' : 'ies'}; change them first, or delete and clear or repoint the references.`,
        { referrers },
      );
    }
    const rewritten =
      referrers.length && (how === 'clear' || how === 'repoint')
        ? await this.rewriteReferences(schema, slug, referrers, how === 'repoint' ? ctx.repointTo : null)
        : [];
    // A page bundle goes whole: its page and the files beside it, in one commit.
    const resources = this.index.resourcesOf(schemaName, slug);
    let message = this.message('delete', schema, slug, this.index.get(schemaName, slug)?.data ?? {});
    if (rewritten.length)
      message += `\n\n${how === 'repoint' ? `References now to ${schemaName}/${ctx.repointTo}` : 'References removed'}: ${rewritten.map((r) => `${r.schema}/${r.slug}`).join(', ')}`;
    const result = await this.commitEntry(
      schema,
      slug,
      [
        { path: p, bytes: null, expected: ctx.ifMatch },
        ...resources.map((r) => ({ path: r, bytes: null })),
        ...rewritten.map((r) => r.change),
      ],
      ctx,
      message,
    );
    for (const r of resources) this.index.put(r, null, result);
    this.index.put(p, null, result);
    for (const { change } of rewritten)
      this.index.put(
        change.path,
        { path: change.path, bytes: change.bytes!, version: result.versions[change.path]! },
        result,
      );
    this.afterCommit(result);
    return { commit: result };
  }

  /**
   * The referring entries' files with the reference to (schema, slug) removed, or replaced by
   * `to`: only that value changes (lists keep their other items, in order, without doubles).
   */
  private async rewriteReferences(
    schema: Schema,
    slug: string,
    referrers: { schema: string; slug: string; field: string }[],
    to: string | null | undefined,
  ): Promise<{ schema: string; slug: string; change: FileChange }[]> {
    if (to !== null) {
      if (!to || to === slug || !this.index.get(schema.name, to))
        throw new ValidationError(
          `To point the references elsewhere, name another entry of ${schema.name} that exists${to ? ` (${to} ${to === slug ? 'is the one being deleted' : 'does not exist'})` : ''}.`,
          [{ path: '/repointTo', message: 'must be another existing entry' }],
        );
    }
    const bySlug = new Map<string, { schema: Schema; slug: string; fields: Set<string> }>();
    for (const r of referrers) {
      const key = `${r.schema}\0${r.slug}`;
      const item = bySlug.get(key) ?? {
        schema: this.schema(r.schema),
        slug: r.slug,
        fields: new Set<string>(),
      };
      item.fields.add(r.field);
      bySlug.set(key, item);
    }
    const required: string[] = [];
    const out: { schema: string; slug: string; change: FileChange }[] = [];
    for (const { schema: other, slug: otherSlug, fields } of bySlug.values()) {
      const file = await this.store.read(this.pathOf(other, otherSlug));
      if (!file) continue;
      const { data, body } = decodeEntry(other, file.bytes);
      for (const name of fields) {
        const value = data[name];
        if (Array.isArray(value)) {
          const next = (value as unknown[]).map((v) => (v === slug ? to : v)).filter((v) => v !== null);
          data[name] = next.filter((v, i) => next.indexOf(v) === i);
        } else if (to !== null) data[name] = to;
        else if (other.fields.find((f) => f.name === name)?.required)
          required.push(`${other.name}/${otherSlug} (${name})`);
        else delete data[name];
      }
      const bytes = encodeEntry(other, { data, body: body ?? '' }, file.bytes, file.path);
      out.push({
        schema: other.name,
        slug: otherSlug,
        change: { path: file.path, bytes, expected: file.version },
      });
    }
    if (required.length)
      throw new ValidationError(
        `These entries need a value there, so the reference cannot just be removed: ${required.join(', ')}. Point the references to another entry instead.`,
        [{ path: '/references', message: 'required relations cannot be cleared' }],
      );
    return out;
  }

  /** Replaces a singleton's values and body (creates its file when `ifMatch` is null). */
  updateSingleton(
    name: string,
    input: EntryInput,
    ctx: WriteContext & { ifMatch: string | null },
  ): Promise<WriteResult> {
    return this.fresh(async () => {
      const schema = this.singletonSchema(name);
      const current = await this.readCurrent(schema, '', ctx.ifMatch);
      if (current.file) requireBody(schema, input.body);
      const data = this.mergeUnknown(
        schema,
        current.previous,
        current.file ? asRecord(input.data, 'data') : applyDefaults(schema, asRecord(input.data, 'data')),
      );
      return this.writeSingleton(schema, current, data, input.body, ctx);
    });
  }

  /** Changes some of a singleton's values (JSON Merge Patch), and its body when given. */
  patchSingleton(
    name: string,
    input: EntryPatch,
    ctx: WriteContext & { ifMatch: string },
  ): Promise<WriteResult> {
    return this.fresh(async () => {
      const schema = this.singletonSchema(name);
      const current = await this.readCurrent(schema, '', ctx.ifMatch);
      if (!current.file)
        throw new NotFoundError(`The singleton ${name} has no file yet: create it with PUT first.`, {
          schema: name,
        });
      const data = mergePatch(current.previous, asRecord(input.data ?? {}, 'data'));
      return this.writeSingleton(schema, current, data, input.body ?? current.body, ctx);
    });
  }

  private async writeSingleton(
    schema: Schema,
    { p, file, previous, body: previousBody }: Current,
    data: Record<string, unknown>,
    inputBody: string | undefined,
    ctx: WriteContext & { ifMatch: string | null },
  ): Promise<WriteResult> {
    const body = schema.bodyField ? (inputBody ?? '') : undefined;
    this.validate(schema, data, body, ['']);
    const bytes = encodeEntry(schema, { data, body: body ?? '' }, file?.bytes, p);
    const fields = file ? changedFields(schema, { data: previous, body: previousBody }, { data, body }) : [];
    const result = await this.commitEntry(
      schema,
      '',
      [{ path: p, bytes, expected: ctx.ifMatch }],
      ctx,
      this.message(file ? 'update' : 'create', schema, '', data, fields),
    );
    return { entry: this.record(schema, '', p, bytes, result), commit: result };
  }

  /** Commits touching the entry, newest first (following renames). */
  async history(schemaName: string, slug: string, options: { limit?: number } = {}): Promise<CommitInfo[]> {
    const schema = this.schema(schemaName);
    return this.store.history(this.pathOf(schema, slug), options);
  }

  /**
   * Entries of a collection that commits deleted and that do not exist now, newest deletion first,
   * each with its values as they were and the deleting commit (what "Recently deleted" lists).
   */
  async deleted(schemaName: string, options: { limit?: number } = {}): Promise<DeletedEntry[]> {
    const schema = this.collection(schemaName);
    const limit = Math.max(1, Math.min(200, options.limit ?? 50));
    const found = new Map<string, DeletedEntry>();
    // A deleted bundle lists its page and its files: more deletions than entries are read.
    for (const d of await this.store.deletions([schema.folder!], { limit: limit * 4 })) {
      const at = this.index.entryOf(d.path);
      if (!at || at.schema !== schema.name || found.has(at.slug) || this.index.get(schema.name, at.slug))
        continue;
      const bytes = await this.store.readAt(d.path, d.parent);
      if (!bytes) continue;
      const { parent: _parent, path: _path, ...commit } = d;
      const entry = toEntry(schema, at.slug, { path: d.path, bytes, version: blobId(bytes) });
      found.set(at.slug, { slug: at.slug, path: d.path, data: entry.data, deleted: commit });
      if (found.size >= limit) break;
    }
    return [...found.values()];
  }

  /** Brings a deleted entry back, as it was before its latest deletion, as a new commit. */
  restoreDeleted(schemaName: string, slug: string, ctx: WriteContext): Promise<WriteResult> {
    return this.fresh(async () => {
      const schema = this.collection(schemaName);
      assertSafeId(slug);
      if (this.index.get(schema.name, slug))
        throw this.conflict(
          schema,
          slug,
          new ConflictError('exists', await this.store.read(this.pathOf(schema, slug))),
        );
      const deletions = await this.store.deletions([schema.folder!]);
      const deletion = deletions.find((d) => this.index.entryOf(d.path)?.slug === slug);
      if (!deletion)
        throw new NotFoundError(`${schemaName}/${slug} was never deleted here: nothing to restore.`, {
          schema: schemaName,
          slug,
        });
      // A page bundle comes back with the files its deletion took along.
      const bundle = EntryFiles.bundleOf(schema, deletion.path);
      const taken =
        bundle?.kind === 'leaf'
          ? deletions.filter(
              (d) => d.sha === deletion.sha && d.path.startsWith(`${schema.folder}/${bundle.dir}/`),
            )
          : [deletion];
      const changes: FileChange[] = [];
      for (const d of taken) {
        const old = await this.store.readAt(d.path, d.parent);
        if (old) changes.push({ path: d.path, bytes: old, expected: null });
      }
      const bytes = changes.find((c) => c.path === deletion.path)!.bytes!;
      const data = toEntry(schema, slug, { path: deletion.path, bytes, version: blobId(bytes) }).data;
      const result = await this.commitEntry(
        schema,
        slug,
        changes,
        ctx,
        this.message('restore', schema, slug, data),
      );
      // The bundle's page first, so that its files are known as its resources.
      const entry = this.record(schema, slug, deletion.path, bytes, result);
      for (const c of changes)
        if (c.path !== deletion.path)
          this.index.put(
            c.path,
            { path: c.path, bytes: c.bytes!, version: result.versions[c.path]! },
            result,
          );
      return { entry: this.index.get(schema.name, slug) ?? entry, commit: result };
    });
  }

  /** The entry as it was at a commit, or a NotFoundError. */
  async entryAt(schemaName: string, slug: string, sha: string): Promise<Entry> {
    const schema = this.schema(schemaName);
    let p = this.pathOf(schema, slug);
    let bytes = await this.store.readAt(p, sha);
    if (!bytes) {
      // The entry may have had another name at that commit.
      const commit = (await this.store.history(p)).find((c) => c.sha === sha || c.sha.startsWith(sha));
      if (commit?.path && commit.path !== p) {
        p = commit.path;
        bytes = await this.store.readAt(p, sha);
      }
    }
    if (!bytes)
      throw new NotFoundError(`${schemaName}/${slug || schemaName} did not exist at ${sha.slice(0, 12)}.`, {
        schema: schemaName,
        slug,
        sha,
      });
    return toEntry(schema, slug, { path: p, bytes, version: blobId(bytes) });
  }

  /** Restores the entry's content from a commit, as a new commit. */
  revert(
    schemaName: string,
    slug: string,
    sha: string,
    ctx: WriteContext & { ifMatch?: string | null },
  ): Promise<WriteResult> {
    return this.fresh(() => this.revertNow(schemaName, slug, sha, ctx));
  }

  private async revertNow(
    schemaName: string,
    slug: string,
    sha: string,
    ctx: WriteContext & { ifMatch?: string | null },
  ): Promise<WriteResult> {
    const schema = this.schema(schemaName);
    const old = await this.entryAt(schemaName, slug, sha);
    const p = this.pathOf(schema, slug);
    const bytes = (await this.store.readAt(old.path, sha))!;
    const expected =
      ctx.ifMatch === undefined ? (this.index.get(schemaName, slug)?.version ?? null) : ctx.ifMatch;
    const result = await this.commitEntry(
      schema,
      slug,
      [{ path: p, bytes, expected }],
      ctx,
      this.message('revert', schema, slug, old.data) + ` to ${sha.slice(0, 7)}`,
    );
    return { entry: this.record(schema, slug, p, bytes, result), commit: result };
  }

  /** Waits for pending writes, stops watching. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.settled();
    await this.watching.catch(() => undefined);
    await this.watcher?.close();
    await this.store.close();
  }

  /** Absolute path of a repository-relative path. */
  resolve(p: string): string {
    return path.join(this.project.root, p);
  }
}
