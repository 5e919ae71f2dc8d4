import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ErrorCodes, MimsyError } from '../../errors.js';
import { resolveInRoot } from '../../paths.js';
import type { CommitInfo, Deletion, Person } from '../../types.js';
import type {
  CommitOptions,
  CommitResult,
  ContentStore,
  ContentWriter,
  FileChange,
  HistoryOptions,
  StoredFile,
} from '../port.js';
import { queueFor } from '../queue.js';
import { ReadOnlyFsStore } from '../readonly.js';
import { GitCommitter } from './commit.js';
import { cleanIdentity, GitContext } from './context.js';
import { GitIndexes } from './indexes.js';
import { GitLog } from './log.js';
import { GitPublisher } from './publisher.js';
import { recover } from './recovery.js';
import { cloneRepository, GitRemote, setRemoteUrl } from './remote.js';
import { gitBytesRunner, gitEnvironment, gitRunner, processLimit } from './run.js';
import { workTree, type WorkTreeState } from './worktree.js';

export { storageError } from './commit.js';
export { excludeFromGit, gitIdentity, type WorkTreeState } from './worktree.js';

/** Writes one batch takes at most (one fast-import, one journal): bounds a batch's size and time. */
const MAX_BATCH = 64;

interface QueuedWrite {
  changes: FileChange[];
  options: CommitOptions;
  resolve: (made: { result: CommitResult; published: Promise<CommitResult> | null }) => void;
  reject: (error: unknown) => void;
}

/** Git processes that reads (history, diffs, status) may run at once per repository. */
const READ_PROCESSES = 8;

export interface GitStoreOptions {
  /** Create the Git repository when `root` is not inside one. */
  init?: boolean;
  /** Identity used as committer when the repository has none configured. */
  committer?: Person;
  /** Called with a line for each recovery step taken at open. */
  onRecover?: (message: string) => void;
  /**
   * Recover an interrupted write at open (default true). A command that only looks (status, log)
   * opens with false: it never removes another process's lock or touches the work tree.
   */
  recover?: boolean;
}

/**
 * The Git adapter: files in a working tree, one commit per change, history from `git log`. A thin
 * facade over one module per job: recovery.ts (interrupted writes), commit.ts (the private index
 * and plumbing commit), publisher.ts (group push, replay, parking), remote.ts (status and sync),
 * log.ts (history) and worktree.ts (the CLI's view of the work tree), sharing one GitContext.
 */
export class GitStore implements ContentStore, ContentWriter {
  /** What recovery at open did, in plain words (empty when the repository was clean). */
  readonly recovered: string[] = [];
  readonly writer: ContentWriter = this;
  readonly remote: GitRemote;
  private readonly gitLog: GitLog;
  private readonly committer: GitCommitter;
  private readonly publisher: GitPublisher;
  private readonly indexes: GitIndexes;
  private readonly files: ReadOnlyFsStore;
  /** The batch of writes waiting for the write queue, which newcomers join (group commit). */
  private open: QueuedWrite[] | null = null;

  private constructor(private readonly ctx: GitContext) {
    this.indexes = new GitIndexes(ctx);
    this.files = new ReadOnlyFsStore(ctx.root);
    this.gitLog = new GitLog(ctx);
    this.publisher = new GitPublisher(ctx, this.indexes);
    this.remote = new GitRemote(ctx, this.indexes, this.publisher);
    this.committer = new GitCommitter(ctx, this.indexes, this.gitLog, () => this.recover());
  }

  get root(): string {
    return this.ctx.root;
  }

  static async open(root: string, options: GitStoreOptions = {}): Promise<GitStore> {
    const absolute = path.resolve(root);
    const env = { ...gitEnvironment(), GIT_LITERAL_PATHSPECS: '1', GIT_OPTIONAL_LOCKS: '0' };
    // Until the top of the work tree is known, git runs in the content root.
    const here = gitRunner(absolute, env);
    let inside = false;
    try {
      inside = (await here(['rev-parse', '--is-inside-work-tree'])).trim() === 'true';
    } catch {
      inside = false;
    }
    if (!inside) {
      if (!options.init) {
        throw new MimsyError(
          ErrorCodes.NOT_A_REPOSITORY,
          `${absolute} is not inside a Git repository. Run "git init" there (or "mimsy init").`,
          { root: absolute },
        );
      }
      await here(['init', '--quiet', '--initial-branch=main']);
    }
    const [gitDirRaw = '', prefixRaw = '', topRaw = ''] = (
      await here(['rev-parse', '--absolute-git-dir', '--show-prefix', '--show-toplevel'])
    ).split('\n');
    const [gitDir, prefix, top] = [gitDirRaw.trim(), prefixRaw.trim(), topRaw.trim()];
    const run = gitRunner(top, env);
    const reads = processLimit(READ_PROCESSES);
    const configured = await run(['config', '--get', 'user.email']).then(
      (s) => s.trim() !== '',
      () => false,
    );
    const who = options.committer ?? { name: 'Mimsy', email: 'mimsy@localhost' };
    const committerArgs = configured
      ? []
      : ['-c', `user.name=${cleanIdentity(who.name)}`, '-c', `user.email=${cleanIdentity(who.email)}`];
    const [rootStat, gitStat] = await Promise.all([stat(absolute), stat(gitDir)]);
    const store = new GitStore(
      new GitContext(
        absolute,
        gitDir,
        prefix,
        queueFor(absolute),
        reads(run),
        reads(gitBytesRunner(top, env)),
        { run, gitDir, committerArgs },
        rootStat.dev === gitStat.dev ? { tempDir: gitDir } : {},
      ),
    );
    if (options.recover !== false) await store.ctx.queue.run(() => store.recover(options.onRecover));
    return store;
  }

  private recover(onRecover?: (m: string) => void): Promise<void> {
    return recover(this.ctx, this.indexes, (message) => {
      this.recovered.push(message);
      onRecover?.(message);
    });
  }

  /** The commit HEAD points to, or null on an unborn branch. */
  head(): Promise<string | null> {
    return this.ctx.head();
  }

  // Reads are the working tree's files, as for plain files (no Git process).
  list(dir: string): Promise<string[]> {
    return this.files.list(dir);
  }

  checkPath(p: string): void {
    this.files.checkPath(p);
  }

  read(p: string): Promise<StoredFile | null> {
    return this.files.read(p);
  }

  /**
   * Group commit: a write joins the batch that waits for the write queue, and the batch's writes
   * become one commit each, made by one process and published by one push (replicas). A write
   * whose precondition fails is refused alone; the others in its batch go on.
   */
  async commit(changes: FileChange[], options: CommitOptions): Promise<CommitResult> {
    if (changes.length === 0) throw new Error('a commit needs at least one change');
    for (const change of changes) resolveInRoot(this.root, change.path);
    const made = await new Promise<{ result: CommitResult; published: Promise<CommitResult> | null }>(
      (resolve, reject) => {
        const write: QueuedWrite = { changes, options, resolve, reject };
        if (this.open && this.open.length < MAX_BATCH) {
          this.open.push(write);
          return;
        }
        const batch = [write];
        this.open = batch;
        void this.ctx.queue.run(async () => {
          if (this.open === batch) this.open = null;
          const outcomes = await this.committer
            .commitBatch(batch)
            .catch((error: unknown) => batch.map(() => ({ ok: false as const, error })));
          for (const [i, w] of batch.entries()) {
            const outcome = outcomes[i]!;
            if (!outcome.ok) {
              w.reject(outcome.error);
              continue;
            }
            // The write is committed; it is acknowledged once a push carries it. The waiter is
            // registered inside the queue, so every commit in HEAD that awaits a push has one.
            const target = w.options.publish;
            const published = target
              ? this.publisher.wait(
                  outcome.result,
                  w.changes.map((c) => c.path),
                  target,
                )
              : null;
            w.resolve({ result: outcome.result, published });
          }
        });
      },
    );
    if (!made.published) return made.result;
    this.publisher.kick();
    return made.published;
  }

  history(p: string, options: HistoryOptions = {}): Promise<CommitInfo[]> {
    return this.gitLog.history(p, options);
  }

  readAt(p: string, sha: string): Promise<Uint8Array | null> {
    return this.gitLog.readAt(p, sha);
  }

  lastCommits(dirs: string[]): Promise<Map<string, CommitInfo>> {
    return this.gitLog.lastCommits(dirs);
  }

  deletions(dirs: string[], options: HistoryOptions = {}): Promise<Deletion[]> {
    return this.gitLog.deletions(dirs, options);
  }

  /** Commits touching any of `paths` (content folders, the media folder), newest first. */
  log(paths: string[], options: HistoryOptions = {}): Promise<CommitInfo[]> {
    return this.gitLog.log(paths, options);
  }

  /**
   * What in the work tree waits for a person: uncommitted changes, files with conflict markers, a
   * merge or rebase stopped half-way, and local branches under `branches` with how many commits
   * each has that `upstream` lacks.
   */
  async workTree(options: { branches?: string; upstream?: string } = {}): Promise<WorkTreeState> {
    await this.indexes.flush(); // `git status` compares with the repository's own index
    return workTree(this.ctx, options);
  }

  /** Points a new branch `name` at HEAD (a copy of local commits; never moves an existing one). */
  async saveBranch(name: string): Promise<void> {
    await this.ctx.git(['branch', '--', name, 'HEAD']);
  }

  /** Points `remote` of the repository at `dir` to `url` (adding the remote when missing). */
  static setRemoteUrl(dir: string, remote: string, url: string): Promise<void> {
    return setRemoteUrl(dir, remote, url);
  }

  /** Clones `url` into `dir` (which must not exist or be empty) on `branch`. */
  static clone(url: string, dir: string, branch: string): Promise<void> {
    return cloneRepository(url, dir, branch);
  }

  async close(): Promise<void> {
    await this.publisher.idle();
    await this.ctx.queue.idle();
    await this.indexes.flush();
    await this.ctx.packs.idle();
  }
}
