import { createHash } from 'node:crypto';
import { relativePathProblem } from '../paths.js';
import type { CommitInfo, Deletion } from '../types.js';
import { blobId } from '../version.js';
import type {
  CommitOptions,
  CommitResult,
  ContentStore,
  ContentWriter,
  FileChange,
  HistoryOptions,
  StoredFile,
} from './port.js';
import { preconditionFailure } from './port.js';
import { WriteQueue } from './queue.js';
import { InvalidPathError } from '../errors.js';

interface MemoryCommit extends CommitInfo {
  changes: Map<string, Uint8Array | null>;
  /** path before → after, for history that follows renames. */
  renames: Map<string, string>;
}

/** A ContentStore held in memory, with the same contract as the Git adapter. For tests. */
export class MemoryStore implements ContentStore, ContentWriter {
  readonly writer: ContentWriter = this;
  readonly remote = null;
  readonly root: string;
  private readonly files = new Map<string, Uint8Array>();
  private readonly commits: MemoryCommit[] = [];
  private readonly queue = new WriteQueue();
  private clock: number;

  constructor(
    initial: Record<string, string | Uint8Array> = {},
    options: { root?: string; now?: number } = {},
  ) {
    this.root = options.root ?? '/memory';
    this.clock = options.now ?? Date.UTC(2026, 0, 1);
    for (const [p, content] of Object.entries(initial)) {
      this.files.set(p, typeof content === 'string' ? new TextEncoder().encode(content) : content);
    }
  }

  private check(p: string): void {
    const problem = relativePathProblem(p);
    if (problem) throw new InvalidPathError(`Unsafe path: ${problem}.`);
  }

  list(dir: string): Promise<string[]> {
    this.check(dir);
    const prefix = dir + '/';
    const paths = [...this.files.keys()].filter(
      (p) =>
        p.startsWith(prefix) &&
        !p
          .slice(prefix.length)
          .split('/')
          .some((s) => s.startsWith('.')),
    );
    return Promise.resolve(paths.sort());
  }

  /** Memory holds no links: the path check is the only one. */
  checkPath(p: string): void {
    this.check(p);
  }

  async read(p: string): Promise<StoredFile | null> {
    await Promise.resolve();
    this.check(p);
    const bytes = this.files.get(p);
    return Promise.resolve(bytes ? { path: p, bytes: bytes.slice(), version: blobId(bytes) } : null);
  }

  async commit(changes: FileChange[], options: CommitOptions): Promise<CommitResult> {
    for (const change of changes) this.check(change.path);
    return this.queue.run(() => {
      for (const change of changes) {
        if (change.expected === undefined) continue;
        const current = this.files.get(change.path);
        const version = current ? blobId(current) : null;
        const failure = preconditionFailure(change, current ?? null, version);
        if (failure) throw failure;
      }
      const versions: Record<string, string | null> = {};
      const recorded = new Map<string, Uint8Array | null>();
      for (const change of changes) {
        if (change.bytes === null) this.files.delete(change.path);
        else this.files.set(change.path, change.bytes.slice());
        versions[change.path] = change.bytes ? blobId(change.bytes) : null;
        recorded.set(change.path, change.bytes ? change.bytes.slice() : null);
      }
      const removed = changes.filter((c) => c.bytes === null).map((c) => c.path);
      const added = changes.filter((c) => c.bytes !== null).map((c) => c.path);
      const renames = new Map<string, string>();
      if (removed.length === 1 && added.length === 1) renames.set(removed[0]!, added[0]!);
      this.clock += 1000;
      const date = new Date(this.clock).toISOString().replace('.000Z', 'Z');
      const sha = createHash('sha1')
        .update(`${this.commits.length}\0${options.message}\0${date}`)
        .digest('hex');
      const commit: MemoryCommit = {
        sha,
        author: { ...options.author },
        date,
        message: options.message,
        changes: recorded,
        renames,
      };
      this.commits.push(commit);
      return Promise.resolve({ sha, author: commit.author, date, message: commit.message, versions });
    });
  }

  history(p: string, options: HistoryOptions = {}): Promise<CommitInfo[]> {
    this.check(p);
    const out: CommitInfo[] = [];
    let current = p;
    for (let i = this.commits.length - 1; i >= 0; i--) {
      const c = this.commits[i]!;
      if (!c.changes.has(current)) continue;
      out.push({ sha: c.sha, author: c.author, date: c.date, message: c.message, path: current });
      const from = [...c.renames].find(([, to]) => to === current)?.[0];
      if (from) current = from;
      if (options.limit && out.length >= options.limit) break;
    }
    return Promise.resolve(out);
  }

  readAt(p: string, sha: string): Promise<Uint8Array | null> {
    this.check(p);
    const index = this.commits.findIndex((c) => c.sha === sha);
    if (index === -1) return Promise.resolve(null);
    for (let i = index; i >= 0; i--) {
      const change = this.commits[i]!.changes;
      if (change.has(p)) return Promise.resolve(change.get(p)?.slice() ?? null);
    }
    return Promise.resolve(null);
  }

  lastCommits(dirs: string[]): Promise<Map<string, CommitInfo>> {
    const out = new Map<string, CommitInfo>();
    for (let i = this.commits.length - 1; i >= 0; i--) {
      const c = this.commits[i]!;
      for (const p of c.changes.keys()) {
        if (!out.has(p) && dirs.some((d) => p === d || p.startsWith(d + '/')))
          out.set(p, { sha: c.sha, author: c.author, date: c.date, message: c.message });
      }
    }
    return Promise.resolve(out);
  }

  deletions(dirs: string[], options: HistoryOptions = {}): Promise<Deletion[]> {
    const out: Deletion[] = [];
    for (let i = this.commits.length - 1; i >= 1; i--) {
      const c = this.commits[i]!;
      const renamed = new Set(c.renames.keys());
      for (const [p, bytes] of c.changes)
        if (bytes === null && !renamed.has(p) && dirs.some((d) => p === d || p.startsWith(d + '/')))
          out.push({
            sha: c.sha,
            author: c.author,
            date: c.date,
            message: c.message,
            path: p,
            parent: this.commits[i - 1]!.sha,
          });
      if (options.limit && out.length >= options.limit) break;
    }
    return Promise.resolve(options.limit ? out.slice(0, options.limit) : out);
  }

  close(): Promise<void> {
    return this.queue.idle();
  }
}
