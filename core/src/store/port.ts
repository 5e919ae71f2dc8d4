import type { SharedLines } from './git/shared-lines.js';
import { ConflictError } from '../errors.js';
import type { CommitInfo, Deletion, Person } from '../types.js';

export interface StoredFile {
  path: string;
  bytes: Uint8Array;
  /** Git blob id of `bytes`. */
  version: string;
}

/**
 * One file change in a commit. `bytes: null` deletes the file. `expected` is the optimistic
 * concurrency precondition: a blob id the file must have now, `null` for "must not exist", or
 * undefined for no check.
 */
export interface FileChange {
  path: string;
  bytes: Uint8Array | null;
  expected?: string | null;
}

export interface CommitOptions {
  author: Person;
  message: string;
  /** Push the commit to this remote branch before answering (replicas; Git adapter only). */
  publish?: PublishTarget;
}

export interface PublishTarget {
  remote: string;
  branch: string;
}

export interface CommitResult extends CommitInfo {
  /** New blob id of every written path (null for deleted ones). */
  versions: Record<string, string | null>;
}

export interface SyncOptions {
  /** Push local commits after pulling (default true). */
  push?: boolean;
  /**
   * "rebase" (the CLI): git rebase, conflicts abort and change nothing. "replica" (servers): local
   * commits whose files the remote also changed are set aside on a mimsy/unpublished-… branch.
   */
  mode?: 'rebase' | 'replica';
  /** Called when the pull starts (it may wait in the write queue first). */
  onStart?: () => void;
}

/** Local commits a pull could not keep because the remote changed the same files. */
export interface ParkedCommits {
  /** Local branch holding them (also pushed to the remote when it could be). */
  branch: string;
  at: string;
  files: string[];
  pushed: boolean;
}

export interface HistoryOptions {
  limit?: number;
}

/**
 * Reading content: what every store does. Paths are repository-relative with "/" separators and
 * have already been checked by `paths.ts`; adapters check symlinks before touching a file. Reads
 * never wait for writes.
 */
export interface ContentReader {
  readonly root: string;
  /** Files under `dir` (recursive, repository-relative paths, sorted), skipping dotfiles. */
  list(dir: string): Promise<string[]>;
  /** A file and its version, or null when it does not exist. */
  read(path: string): Promise<StoredFile | null>;
  /**
   * Throws InvalidPathError when the path, or a folder on it, is a symbolic link — without reading
   * the file (for files Mimsy lists but does not parse, such as a page bundle's images).
   */
  checkPath(path: string): void;
  /** Commits touching `path`, newest first, following renames (none where there is no history). */
  history(path: string, options?: HistoryOptions): Promise<CommitInfo[]>;
  /** The file's bytes at a commit, or null when it did not exist there. */
  readAt(path: string, sha: string): Promise<Uint8Array | null>;
  /**
   * Files under `dirs` that commits deleted (not renamed), newest deletion first, one item per
   * deletion; a store without history has none.
   */
  deletions(dirs: string[], options?: HistoryOptions): Promise<Deletion[]>;
  /** The last commit touching each path under `dirs` (for "updated by" in lists). */
  lastCommits(dirs: string[]): Promise<Map<string, CommitInfo>>;
  close(): Promise<void>;
}

/** Writing content: stores that commit. Writes are serialized per repository. */
export interface ContentWriter {
  /**
   * Applies every change as one commit, after checking each `expected` version. When any
   * precondition fails nothing is written and a ConflictError (carrying the StoredFile or null)
   * is thrown.
   */
  commit(changes: FileChange[], options: CommitOptions): Promise<CommitResult>;
}

/** Working with a Git remote: status, pull and push, replicas' shared state. */
export interface RemoteSync {
  /** Where the repository stands against its remote. */
  remoteStatus(remote: string, branch: string): Promise<RemoteStatus>;
  /** Pull from the remote and push local commits. */
  sync(remote: string, branch: string, options?: SyncOptions): Promise<SyncResult>;
  /** A set of lines shared with other replicas through the remote. */
  sharedLines(name: string, remote: string | null): Promise<SharedLines>;
  /** Listens for content paths changed in the working tree by pulls. */
  onRemoteChange(listener: (paths: string[]) => void): () => void;
  /** Listens for pushes that published local commits: the commit the remote branch now holds. */
  onPublished(listener: (head: string) => void): () => void;
  /** Whether this repository holds a file version (a blob id), from any commit it has seen. */
  hasVersion(version: string): Promise<boolean>;
  /** Whether commit `sha` is HEAD or one of its ancestors (false for a commit not seen yet). */
  contains(sha: string): Promise<boolean>;
}

/**
 * The storage port: every store reads; `writer` is null for a read-only store (a static site
 * build's), `remote` null for one without Git remotes (plain files, memory).
 */
export interface ContentStore extends ContentReader {
  readonly writer: ContentWriter | null;
  readonly remote: RemoteSync | null;
}

export interface RemoteStatus {
  branch: string | null;
  head: string | null;
  remote: string | null;
  /** Whether the remote is configured in the repository. */
  hasRemote: boolean;
  /** Commits here that the remote branch lacks, and the other way round (as of the last fetch). */
  ahead: number;
  behind: number;
  lastSync: { at: string; ok: boolean; error?: string } | null;
  /** Local commits set aside because the remote changed the same files (see SyncOptions.mode). */
  parked: ParkedCommits[];
}

export interface SyncResult {
  /** Repository-relative paths changed by the pull. */
  changed: string[];
  pushed: boolean;
  head: string | null;
}

/**
 * The precondition of one change, checked against the file as it is now: null when it holds,
 * else the ConflictError (carrying the current file) that both adapters throw.
 */
export function preconditionFailure(
  change: FileChange,
  current: Uint8Array | null,
  version: string | null,
): ConflictError<StoredFile> | null {
  if (change.expected === undefined || change.expected === version) return null;
  const file = current ? { path: change.path, bytes: current.slice(), version: version! } : null;
  return new ConflictError<StoredFile>(
    current
      ? `${change.path} changed since version ${change.expected ?? '(none)'}.`
      : `${change.path} does not exist any more.`,
    file,
    { path: change.path, expected: change.expected, actual: version },
  );
}
