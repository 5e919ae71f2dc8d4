// Files that are not entries: the media library, and the files of a page bundle beside its page.
// Each write is one commit with the editor as author, through the Repository (FileHost).
import path from 'node:path';
import { ErrorCodes, InvalidPathError, MimsyError, NotFoundError, ValidationError } from './errors.js';
import type { ContentIndex } from './index-store.js';
import { EntryFiles } from './entry-files.js';
import { assertSafeId, contentPathProblem, resolveInRoot } from './paths.js';
import type { Project } from './project.js';
import type { CommitResult, ContentStore, FileChange, StoredFile } from './store/port.js';
import type { CommitInfo, MediaFile, Person, Schema } from './types.js';
import { extensionsOf } from './types.js';

/** Who writes, as the Repository's writes take it. */
export interface FileWriteContext {
  author: Person;
}

/** What the file helpers need from the Repository. */
export interface FileHost {
  readonly root: string;
  readonly project: Project;
  readonly store: ContentStore;
  readonly index: ContentIndex;
  /** A collection schema, or NotFound / a clear error for a singleton. */
  collection(name: string): Schema;
  /** Runs a write; on a replica whose copy was stale, pulls once and runs it again. */
  fresh<T>(write: () => Promise<T>): Promise<T>;
  /** Commits the changes (the editor as author, pushed where the repository pushes). */
  commit(
    changes: FileChange[],
    ctx: FileWriteContext,
    message: { action: string; schema: string; slug: string },
  ): Promise<CommitResult>;
}

/** The media library: every file under the media folder, uploads and deletes. */
export class MediaLibrary {
  constructor(private readonly host: FileHost) {}

  get dir(): string {
    return this.host.project.config.media.dir;
  }

  /** Every file under the media folder. */
  async list(): Promise<MediaFile[]> {
    const { store } = this.host;
    const out: MediaFile[] = [];
    for (const p of await store.list(this.dir).catch(() => [])) {
      // A link is never served (fileProblems() reports it).
      const file = await store.read(p).catch((error: unknown) => {
        if (error instanceof InvalidPathError) return null;
        throw error;
      });
      if (file)
        out.push({
          path: p,
          url: this.url(p),
          name: p.slice(this.dir.length + 1),
          size: file.bytes.byteLength,
          version: file.version,
        });
    }
    return out;
  }

  /** The public URL of a media file (by its repository path). */
  url(p: string): string {
    const base = this.host.project.config.media.publicPath.replace(/\/$/, '');
    return `${base}/${p.slice(this.dir.length + 1)}`;
  }

  /** Repository path of a media file given its path inside the media folder (checked). */
  path(inside: string): string {
    const p = `${this.dir}/${inside}`;
    resolveInRoot(this.host.root, p);
    return p;
  }

  /** Commits a new media file at `inside` (relative to the media folder); never overwrites. */
  async add(
    inside: string,
    bytes: Uint8Array,
    ctx: FileWriteContext,
  ): Promise<{ file: MediaFile; commit: CommitInfo }> {
    const p = this.path(inside);
    const result = await this.host.commit([{ path: p, bytes, expected: null }], ctx, {
      action: 'upload',
      schema: 'media',
      slug: inside,
    });
    return {
      file: { path: p, url: this.url(p), name: inside, size: bytes.byteLength, version: result.versions[p]! },
      commit: result,
    };
  }

  /**
   * Deletes a media file (`ifMatch`: the version the editor saw). Refused (REFERENCED, naming
   * them) while entries use it, unless `force`: a page would show a broken image.
   */
  remove(
    inside: string,
    ctx: FileWriteContext & { ifMatch?: string; force?: boolean },
  ): Promise<{ commit: CommitInfo }> {
    return this.host.fresh(async () => {
      const p = this.path(inside);
      const current = await this.host.store.read(p);
      if (!current) throw new NotFoundError(`There is no media file ${inside}.`, { path: p });
      const referrers = this.host.index.usesOf(this.url(p));
      if (referrers.length && !ctx.force)
        throw new MimsyError(
          ErrorCodes.REFERENCED,
          `${this.url(p)} is used by ${referrers.length === 1 ? 'an entry' : `${referrers.length} entries`} (${referrers.map((r) => `${r.schema}/${r.slug || r.schema}`).join(', ')}); change them first, or delete anyway.`,
          { referrers },
        );
      const result = await this.host.commit(
        [{ path: p, bytes: null, expected: ctx.ifMatch ?? current.version }],
        ctx,
        {
          action: 'delete',
          schema: 'media',
          slug: inside,
        },
      );
      return { commit: result };
    });
  }
}

/** The files of a page bundle (`trip/index.md` and the images beside it). */
export class BundleFiles {
  constructor(private readonly host: FileHost) {}

  /**
   * The files of an entry's page bundle besides its own page (repository paths); null when the
   * entry is a single file, not a bundle — so clients need not know the bundle rules.
   */
  list(schemaName: string, slug: string): string[] | null {
    const schema = this.host.collection(schemaName);
    assertSafeId(slug);
    const entry = this.host.index.get(schemaName, slug);
    if (!entry || !EntryFiles.bundleOf(schema, entry.path)) return null;
    return this.host.index.resourcesOf(schemaName, slug);
  }

  /** One file of an entry's page bundle (null when there is none of that name). */
  async read(schemaName: string, slug: string, name: string): Promise<StoredFile | null> {
    const p = this.path(this.host.collection(schemaName), slug, name);
    if (!this.host.index.resourcesOf(schemaName, slug).includes(p)) return null;
    return this.host.store.read(p);
  }

  /** Commits a new file into an entry's page bundle, beside its page; never overwrites. */
  add(
    schemaName: string,
    slug: string,
    name: string,
    bytes: Uint8Array,
    ctx: FileWriteContext,
  ): Promise<{ path: string; version: string; commit: CommitInfo }> {
    return this.host.fresh(async () => {
      const p = this.path(this.host.collection(schemaName), slug, name);
      const result = await this.host.commit([{ path: p, bytes, expected: null }], ctx, {
        action: 'upload',
        schema: schemaName,
        slug: `${slug}/${name}`,
      });
      this.host.index.put(p, { path: p, bytes, version: result.versions[p]! }, result);
      return { path: p, version: result.versions[p]!, commit: result };
    });
  }

  /** Deletes a file of an entry's page bundle (`ifMatch`: the version the editor saw). */
  remove(
    schemaName: string,
    slug: string,
    name: string,
    ctx: FileWriteContext & { ifMatch?: string },
  ): Promise<{ commit: CommitInfo }> {
    return this.host.fresh(async () => {
      const p = this.path(this.host.collection(schemaName), slug, name);
      const { index, store } = this.host;
      const current = index.resourcesOf(schemaName, slug).includes(p) ? await store.read(p) : null;
      if (!current) throw new NotFoundError(`${schemaName}/${slug} has no file ${name}.`, { path: p });
      const result = await this.host.commit(
        [{ path: p, bytes: null, expected: ctx.ifMatch ?? current.version }],
        ctx,
        {
          action: 'delete',
          schema: schemaName,
          slug: `${slug}/${name}`,
        },
      );
      index.put(p, null, result);
      return { commit: result };
    });
  }

  /**
   * The folder of a page bundle's own page (`trip/index.md` → `<folder>/trip`, a section's
   * `_index.md` → its folder), where its resources live. A single-file entry has none.
   */
  private folder(schema: Schema, slug: string): string {
    assertSafeId(slug);
    const entry = this.host.index.get(schema.name, slug);
    if (!entry)
      throw new NotFoundError(`There is no entry ${schema.name}/${slug}.`, { schema: schema.name, slug });
    if (!EntryFiles.bundleOf(schema, entry.path))
      throw new ValidationError(
        `${schema.name}/${slug} is a single file (${entry.path}), not a page bundle: files go to the media library, or make it a bundle (a folder holding index.${extensionsOf(schema)[0]}).`,
        [{ path: '/slug', message: 'is not a page bundle' }],
      );
    return path.posix.dirname(entry.path);
  }

  /** A resource's repository path from its name inside the bundle folder (checked, not read). */
  private path(schema: Schema, slug: string, name: string): string {
    const problem = contentPathProblem(name);
    if (problem) throw new InvalidPathError(`Invalid file name in the bundle: it ${problem}.`, { name });
    if (EntryFiles.split(schema, name.split('/').pop()!))
      throw new ValidationError(
        `${name} would be a page of ${schema.name}, not a file of the bundle: give it another extension.`,
        [{ path: '/name', message: 'has a content extension' }],
      );
    const p = `${this.folder(schema, slug)}/${name}`;
    resolveInRoot(this.host.root, p);
    return p;
  }
}
