import { existsSync } from 'node:fs';
import { readFile, rm, stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { ConflictError, ErrorCodes, InvalidPathError, MimsyError } from '../errors.js';
import { assertNoSymlink, resolveInRoot } from '../paths.js';
import type { CommitInfo, Person } from '../types.js';
import { blobId } from '../version.js';
import { listInRoot, readInRoot, removeFileAndEmptyParents, TEMP_MARKER, writeFileAtomic } from './fs.js';
import { preconditionFailure } from './port.js';
import type {
  CommitOptions,
  CommitResult,
  ContentStore,
  FileChange,
  HistoryOptions,
  ParkedCommits,
  PublishTarget,
  RemoteStatus,
  StoredFile,
  SyncOptions,
  SyncResult,
} from './port.js';
import { queueFor, type WriteQueue } from './queue.js';
import {
  gitBytesRunner,
  gitEnvironment,
  gitRunner,
  processLimit,
  type GitRun,
  type GitRunBytes,
} from './git-run.js';
import { redact } from '../redact.js';
import { SharedLines } from './shared-lines.js';
import {
  changedPaths,
  classifyPushFailure,
  cleanReplay,
  gitMessage,
  gitOutput,
  localCommits,
  moveTo,
  recoverMove,
  replayCommits,
  revParse,
  type ReplicaGit,
} from './replica.js';

const JOURNAL = 'mimsy-journal.json';
const PRIVATE_INDEX = 'mimsy-index';
/**
 * The private index is a split index: a write rewrites only the few entries it changed, not the
 * whole index (1 MB for 10,000 entries), which halves Git's time per commit in a large repository.
 * Only the private index: the repository's own index stays in the format every Git tool reads.
 */
const SPLIT_INDEX = ['-c', 'core.splitIndex=true'];
const FIELD = '\x1f';
const RECORD = '\x1e';
const LOG_FORMAT = `--format=${RECORD}%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%s`;
const SHA = /^[0-9a-f]{4,64}$/;

/** What a write was about to do, written before touching the working tree (see docs/architecture.md). */
interface Journal {
  head: string | null;
  startedAt: string;
  changes: { path: string; before: string | null }[];
  /** Paths (from the top of the work tree) of earlier commits that the repository's index lags. */
  stale?: string[];
}

/**
 * Per repository (per write queue): paths committed whose entries in the repository's own index
 * are not updated yet. Writes that queue up behind each other update that index once, after the
 * last of them, rather than once each (it is the whole index file every time).
 */
const staleIndexes = new WeakMap<WriteQueue, Set<string>>();

/** Attempts at a push that keeps losing races before a write gives up (REMOTE_BUSY). */
const PUBLISH_ATTEMPTS = 16;
/** Git processes that reads (history, diffs, status) may run at once per repository. */
const READ_PROCESSES = 8;

/** A writer whose commit is made and who waits for a push to carry it (group commit). */
interface Waiter {
  result: CommitResult;
  /** The content paths the commit changed. */
  paths: string[];
  target: PublishTarget;
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

export interface GitStoreOptions {
  /** Create the Git repository when `root` is not inside one. */
  init?: boolean;
  /** Identity used as committer when the repository has none configured. */
  committer?: Person;
  /** Called with a line for each recovery step taken at open. */
  onRecover?: (message: string) => void;
}

/** Removes characters that would break an `Name <email>` identity. */
function cleanIdentity(s: string): string {
  return s.replace(/[<>\n\r\0]/g, '').trim();
}

function parseLog(output: string): (CommitInfo & { files: string[] })[] {
  const commits: (CommitInfo & { files: string[] })[] = [];
  for (const record of output.split(RECORD)) {
    if (!record.trim()) continue;
    const [header = '', ...rest] = record.split('\n');
    const [sha = '', name = '', email = '', date = '', ...subject] = header.split(FIELD);
    commits.push({
      sha,
      author: { name, email },
      date,
      message: subject.join(FIELD),
      files: rest.map((l) => l.trim()).filter(Boolean),
    });
  }
  return commits;
}

/** The Git adapter: files in a working tree, one commit per change, history from `git log`. */
export class GitStore implements ContentStore {
  /** What recovery at open did, in plain words (empty when the repository was clean). */
  readonly recovered: string[] = [];
  private committerArgs: string[] = [];
  /** The shared index the private index splits off (undefined: not looked at yet). */
  private privateShared: string | null | undefined = undefined;
  /** How many shared index files the Git directory held when last looked at. */
  private sharedIndexCount = 0;
  /** The commit the private index currently mirrors (undefined: unknown, rebuild it). */
  private privateIndexHead: string | null | undefined = undefined;
  /** Plain git runner from the top of the work tree: commits, and the replica plumbing (replica.ts). */
  private plumbing!: ReplicaGit;
  private readonly remoteListeners = new Set<(paths: string[]) => void>();
  /** Local commits that could not be published because the remote changed the same files. */
  private readonly parkedBranches: ParkedCommits[] = [];
  private readonly waiters: Waiter[] = [];
  private publishing: Promise<void> | null = null;
  /** Where content temp files go: the Git directory when it is on the same file system. */
  private tempOptions: { tempDir?: string } = {};
  /** A failed write could not be rolled back; recovery runs before the next one. */
  private mustRecover = false;

  private constructor(
    readonly root: string,
    /** git from the top of the work tree, for reads (a few at a time). */
    private readonly git: GitRun,
    private readonly gitBytes: GitRunBytes,
    private readonly gitDir: string,
    /** The content root's path inside the Git work tree ('' or 'site/'). */
    private readonly prefix: string,
    private readonly queue: WriteQueue,
  ) {}

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
    const [gitDirRaw = '', prefix = '', top = ''] = (
      await here(['rev-parse', '--absolute-git-dir', '--show-prefix', '--show-toplevel'])
    ).split('\n');
    const run = gitRunner(top.trim(), env);
    const reads = processLimit(READ_PROCESSES);
    const store = new GitStore(
      absolute,
      reads(run),
      reads(gitBytesRunner(top.trim(), env)),
      gitDirRaw.trim(),
      prefix.trim(),
      queueFor(absolute),
    );
    store.plumbing = { run, gitDir: gitDirRaw.trim(), committerArgs: [] };
    const [rootStat, gitStat] = await Promise.all([stat(absolute), stat(gitDirRaw.trim())]);
    if (rootStat.dev === gitStat.dev) store.tempOptions = { tempDir: gitDirRaw.trim() };
    const configured = await run(['config', '--get', 'user.email']).then(
      (s) => s.trim() !== '',
      () => false,
    );
    if (!configured) {
      const who = options.committer ?? { name: 'Mimsy', email: 'mimsy@localhost' };
      store.committerArgs = [
        '-c',
        `user.name=${cleanIdentity(who.name)}`,
        '-c',
        `user.email=${cleanIdentity(who.email)}`,
      ];
      store.plumbing.committerArgs = store.committerArgs;
    }
    await store.queue.run(() => store.recover(options.onRecover));
    return store;
  }

  private note(message: string, onRecover?: (m: string) => void): void {
    this.recovered.push(message);
    onRecover?.(message);
  }

  /** Brings an interrupted repository back to a clean, consistent state (see docs/architecture.md). */
  private async recover(onRecover?: (m: string) => void): Promise<void> {
    const lock = path.join(this.gitDir, 'index.lock');
    if (existsSync(lock)) {
      // A live git process holds the lock for milliseconds; give it a moment, then treat it as stale.
      for (let i = 0; i < 20 && existsSync(lock); i++) await new Promise((r) => setTimeout(r, 100));
      if (existsSync(lock)) {
        await rm(lock, { force: true });
        this.note('removed a stale .git/index.lock left by an interrupted Git process', onRecover);
      }
    }
    // A `git rebase` (mimsy sync) killed half-way: put the branch back where it was.
    if (
      existsSync(path.join(this.gitDir, 'rebase-merge')) ||
      existsSync(path.join(this.gitDir, 'rebase-apply'))
    ) {
      await this.git(['rebase', '--abort']).catch(() => undefined);
      this.note('aborted a rebase interrupted half-way; local commits are as they were before it', onRecover);
    }
    // A damaged .git/index (disk trouble, a killed tool): rebuild it from HEAD; files stay as they are.
    if (existsSync(path.join(this.gitDir, 'index'))) {
      const readable = await this.plumbing.run(['ls-files', '--', 'mimsy.config.json']).then(
        () => true,
        () => false,
      );
      if (!readable) {
        await rm(path.join(this.gitDir, 'index'), { force: true });
        await this.plumbing.run(['reset', '-q']).catch(() => undefined);
        this.note('rebuilt a damaged .git/index from the last commit; no file was changed', onRecover);
      }
    }
    const moved = await recoverMove(this.plumbing);
    if (moved) this.note(moved, onRecover);
    await cleanReplay(this.plumbing);
    // The private index is rebuilt from HEAD on the next write; after a crash it may hold half a write.
    await this.dropPrivateIndex();
    await rm(path.join(this.gitDir, PRIVATE_INDEX + '.lock'), { force: true });
    await removeStaleSharedIndexes(this.gitDir, await this.sharedIndexOf());
    const journalPath = path.join(this.gitDir, JOURNAL);
    let journal: Journal | null = null;
    try {
      journal = JSON.parse(await readFile(journalPath, 'utf8')) as Journal;
    } catch {
      journal = null;
    }
    for (const name of await readdir(this.gitDir)) {
      if (name.startsWith(TEMP_MARKER)) await rm(path.join(this.gitDir, name), { force: true });
    }
    if (!journal) {
      await this.syncIndex();
      return;
    }
    const head = await this.head();
    const paths = journal.changes.map((c) => c.path);
    // Earlier writes whose commits landed: their index entries catch up with HEAD (not with the
    // files, which someone may have edited since).
    if (journal.stale?.length)
      await this.git(['reset', '--quiet', '--', ...journal.stale]).catch(() => undefined);
    if (head !== journal.head && (await this.commitTouches(head, paths))) {
      await this.git(['reset', '--quiet', '--', ...paths.map((p) => this.gitPath(p))]).catch(() => undefined);
      this.note(`a write interrupted after its commit (${head?.slice(0, 7)}) was completed`, onRecover);
    } else {
      // The commit never happened and nobody was told it did: put the files back as they were.
      await this.git(['reset', '--quiet', '--', ...paths.map((p) => this.gitPath(p))]).catch(() => undefined);
      for (const change of journal.changes) {
        const absolute = resolveInRoot(this.root, change.path);
        if (change.before === null) await removeFileAndEmptyParents(absolute, this.root);
        else await writeFileAtomic(absolute, Buffer.from(change.before, 'base64'));
      }
      this.note(`rolled back an interrupted, unacknowledged write to ${paths.join(', ')}`, onRecover);
    }
    for (const p of paths) await this.removeTempFiles(path.dirname(resolveInRoot(this.root, p)));
    await this.syncIndex();
  }

  private get staleIndex(): Set<string> {
    let stale = staleIndexes.get(this.queue);
    if (!stale) staleIndexes.set(this.queue, (stale = new Set()));
    return stale;
  }

  /**
   * Brings the repository's own index up to date for the paths committed since it last was (so
   * that `git status` is clean and Git commands that need the index see HEAD), then drops the
   * journal that remembered them. Best effort: a user's git holding the index lock for long does
   * not fail a write.
   */
  private async syncIndex(): Promise<void> {
    const stale = this.staleIndex;
    if (stale.size) {
      await this.gitWithLockRetry(['update-index', '--add', '--remove', '--', ...stale]).catch(
        () => undefined,
      );
      stale.clear();
    }
    await rm(path.join(this.gitDir, JOURNAL), { force: true });
  }

  /** Makes the private index mirror `head` (after outside commits, pulls, or at first use). */
  private async preparePrivateIndex(head: string | null): Promise<void> {
    const file = path.join(this.gitDir, PRIVATE_INDEX);
    if (this.privateIndexHead === head && existsSync(file)) return;
    await this.dropPrivateIndex();
    if (head) await this.plumbing.run([...SPLIT_INDEX, 'read-tree', head], { env: { GIT_INDEX_FILE: file } });
    this.privateIndexHead = head;
  }

  /**
   * Removes the private index and the shared index it split off; never the shared index of the
   * repository's own index (a user may have turned split index on for it).
   */
  private async dropPrivateIndex(): Promise<void> {
    const file = path.join(this.gitDir, PRIVATE_INDEX);
    if (!existsSync(file)) return;
    const shared = await this.sharedIndexOf(file);
    await rm(file, { force: true });
    if (shared && shared !== (await this.sharedIndexOf())) await rm(shared, { force: true });
    this.privateShared = undefined;
  }

  /** The shared index file that `index` (default: the repository's own) splits off, if any. */
  private async sharedIndexOf(index?: string): Promise<string | null> {
    const out = await this.plumbing
      .run(['rev-parse', '--shared-index-path'], index ? { env: { GIT_INDEX_FILE: index } } : {})
      .catch(() => '');
    return out.trim() ? path.join(this.gitDir, path.basename(out.trim())) : null;
  }

  /**
   * After Git wrote the private index: when it split off a new shared index (every so many
   * changed entries), removes the one it replaced, which Git itself would keep for two weeks.
   * A look at the Git directory per write; a git process only when a shared index appeared.
   */
  private async forgetReplacedSharedIndex(): Promise<void> {
    const names = (await readdir(this.gitDir).catch(() => [] as string[])).filter((n) =>
      n.startsWith('sharedindex.'),
    );
    if (this.privateShared !== undefined && names.length <= this.sharedIndexCount) return;
    const current = await this.sharedIndexOf(path.join(this.gitDir, PRIVATE_INDEX));
    const previous = this.privateShared;
    let count = names.length;
    if (previous && previous !== current && previous !== (await this.sharedIndexOf())) {
      await rm(previous, { force: true });
      count--;
    }
    this.privateShared = current;
    this.sharedIndexCount = count;
  }

  private async removeTempFiles(dir: string): Promise<void> {
    let names: string[] = [];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    for (const name of names)
      if (name.startsWith(TEMP_MARKER)) await rm(path.join(dir, name), { force: true });
  }

  private async commitTouches(sha: string | null, paths: string[]): Promise<boolean> {
    if (!sha) return false;
    const out = await this.git(['show', '--no-renames', '--name-only', '--format=', sha]).catch(() => '');
    const files = new Set(out.split('\n').map((l) => l.trim()));
    return paths.some((p) => files.has(this.gitPath(p)));
  }

  /** Path as Git names it from the top of the work tree. */
  private gitPath(p: string): string {
    return this.prefix + p;
  }

  /** A pathspec for a file or folder of the content root ('' or '.' is the root itself). */
  private gitPathspec(p: string): string {
    const inside = p === '.' ? '' : p.replace(/\/+$/, '');
    return (this.prefix + inside).replace(/\/$/, '') || '.';
  }

  /** The commit HEAD points to, or null on an unborn branch. Reads .git directly: no process. */
  async head(): Promise<string | null> {
    try {
      const head = (await readFile(path.join(this.gitDir, 'HEAD'), 'utf8')).trim();
      if (!head.startsWith('ref: ')) return SHA.test(head) ? head : null;
      const ref = head.slice(5);
      try {
        const sha = (await readFile(path.join(this.gitDir, ref), 'utf8')).trim();
        if (SHA.test(sha)) return sha;
      } catch {
        // packed or unborn: ask git
      }
      const out = await this.git(['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '');
      return out.trim() || null;
    } catch {
      return null;
    }
  }

  list(dir: string): Promise<string[]> {
    return listInRoot(this.root, dir);
  }

  checkPath(p: string): void {
    assertNoSymlink(this.root, p);
  }

  async read(p: string): Promise<StoredFile | null> {
    const bytes = await readInRoot(this.root, p);
    return bytes ? { path: p, bytes, version: blobId(bytes) } : null;
  }

  async commit(changes: FileChange[], options: CommitOptions): Promise<CommitResult> {
    if (changes.length === 0) throw new Error('a commit needs at least one change');
    for (const change of changes) resolveInRoot(this.root, change.path);
    const target = options.publish;
    let published: Promise<CommitResult> | null = null;
    const result = await this.queue.run(async () => {
      const made = await this.commitNow(changes, options);
      // Group commit: the write is committed; it is acknowledged once a push carries it. The waiter
      // is registered inside the queue, so every commit in HEAD that awaits a push has one.
      if (target)
        published = new Promise<CommitResult>((resolve, reject) =>
          this.waiters.push({ result: made, paths: changes.map((c) => c.path), target, resolve, reject }),
        );
      return made;
    });
    if (!published) return result;
    this.kickPublisher();
    return published;
  }

  private kickPublisher(): void {
    if (this.publishing) return;
    this.publishing = (async () => {
      while (this.waiters.length) {
        let batch: Waiter[] = [];
        try {
          await this.queue.run(() => {
            batch = this.waiters.splice(0);
            return this.publishBatch(batch);
          });
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    })().finally(() => {
      this.publishing = null;
      if (this.waiters.length) this.kickPublisher();
    });
  }

  private async commitNow(changes: FileChange[], options: CommitOptions): Promise<CommitResult> {
    if (this.mustRecover) {
      try {
        await this.recover();
      } catch (error) {
        throw storageError(error) ?? this.gitError('recovery', error);
      }
      this.mustRecover = false;
    }
    const befores: (Uint8Array | null)[] = [];
    for (const change of changes) {
      assertNoSymlink(this.root, change.path);
      const current = await readInRoot(this.root, change.path);
      const failure = preconditionFailure(change, current, current ? blobId(current) : null);
      if (failure) throw failure;
      befores.push(current);
    }
    const versions: Record<string, string | null> = {};
    for (const change of changes) versions[change.path] = change.bytes ? blobId(change.bytes) : null;
    const head = await this.head();
    const unchanged = changes.every((c, i) => {
      const before = befores[i];
      return c.bytes === null ? before === null : before != null && Buffer.from(before).equals(c.bytes);
    });
    if (unchanged && head) {
      // Nothing to write: answer with the commit that already holds these bytes.
      const [last] = parseLog(await this.git(['log', '-1', LOG_FORMAT, head]));
      return { sha: head, author: last!.author, date: last!.date, message: last!.message, versions };
    }
    const journal: Journal = {
      head,
      startedAt: new Date().toISOString(),
      ...(this.staleIndex.size ? { stale: [...this.staleIndex] } : {}),
      changes: changes.map((c, i) => ({
        path: c.path,
        before: befores[i] ? Buffer.from(befores[i]).toString('base64') : null,
      })),
    };
    const journalPath = path.join(this.gitDir, JOURNAL);
    try {
      await writeFileAtomic(journalPath, Buffer.from(JSON.stringify(journal)));
    } catch (error) {
      throw storageError(error) ?? error;
    }
    const gitPaths = changes.map((c) => this.gitPath(c.path));
    try {
      for (const change of changes) {
        const absolute = resolveInRoot(this.root, change.path);
        if (change.bytes === null) await removeFileAndEmptyParents(absolute, this.root);
        else await writeFileAtomic(absolute, change.bytes, this.tempOptions);
      }
      // Mimsy commits from its own index (.git/mimsy-index, kept equal to HEAD): the commit holds
      // exactly these paths whatever else is staged, and Git never scans the whole work tree.
      // Plumbing rather than `git commit`: half the process time in a large repository, and HEAD
      // moves only by a compare-and-swap from the commit this write was checked against.
      await this.preparePrivateIndex(head);
      const env = { GIT_INDEX_FILE: path.join(this.gitDir, PRIVATE_INDEX) };
      await this.plumbing.run([...SPLIT_INDEX, 'update-index', '--add', '--remove', '--', ...gitPaths], {
        env,
      });
      const tree = (await this.plumbing.run([...SPLIT_INDEX, 'write-tree'], { env })).trim();
      await this.forgetReplacedSharedIndex();
      const commit = (
        await this.plumbing.run(
          [
            ...this.committerArgs,
            '-c',
            'commit.gpgsign=false',
            'commit-tree',
            tree,
            ...(head ? ['-p', head] : []),
            '-F',
            '-',
          ],
          {
            env: {
              GIT_AUTHOR_NAME: cleanIdentity(options.author.name) || 'Unknown',
              GIT_AUTHOR_EMAIL: cleanIdentity(options.author.email) || 'unknown@localhost',
            },
            input: options.message,
          },
        )
      ).trim();
      await this.plumbing.run([
        'update-ref',
        '-m',
        `commit: ${options.message.split('\n')[0]}`,
        'HEAD',
        commit,
        head ?? '0'.repeat(40),
      ]);
    } catch (error) {
      this.privateIndexHead = undefined; // it may hold part of this write: rebuild it next time
      // When even the roll-back fails (a full disk), the journal stays and recovery runs again
      // before the next write: the working tree never keeps an uncommitted half of a write.
      if (await this.rollback(changes, befores, gitPaths)) await this.syncIndex();
      else this.mustRecover = true;
      throw storageError(error) ?? this.gitError('commit', error);
    }
    const sha = (await this.head())!;
    this.privateIndexHead = sha;
    // The repository's own index catches up after the last of the writes queued now (the journal
    // stays until then, and recovery redoes this step after a crash).
    for (const p of gitPaths) this.staleIndex.add(p);
    if (this.queue.size <= 1) await this.syncIndex();
    const result: CommitResult = {
      sha,
      author: { ...options.author },
      date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      message: options.message,
      versions,
    };
    return result;
  }

  /**
   * Pushes HEAD, which holds every commit in `batch`. A push that loses a race fetches, replays the
   * local commits onto the remote and tries again with backoff; a commit whose paths the remote
   * changed since its editor's version is dropped and its writer gets a ConflictError with the
   * remote's version. When the remote cannot be reached (or refuses), the commits stay local and
   * are acknowledged as pending. Runs in the write queue.
   */
  private async publishBatch(batch: Waiter[]): Promise<void> {
    await this.syncIndex(); // moving the working tree checks it against the index
    const all = new Set(batch);
    try {
      await this.publishNow(batch, all);
    } catch (error) {
      for (const w of all) w.reject(error); // settling twice is harmless: the first answer counts
    }
  }

  private async publishNow(batch: Waiter[], all: Set<Waiter>): Promise<void> {
    if (batch.length === 0) return;
    // (The Repository asks for publishing only when the remote exists; one removed since then
    // fails the push like an unreachable one: the commits stay, pending.)
    const target = batch[0]!.target;
    const tracking = `refs/remotes/${target.remote}/${target.branch}`;
    let waiting = batch;
    const settle = (sync: 'pushed' | 'pending'): void => {
      for (const w of waiting) w.resolve({ ...w.result, sync });
    };
    for (let attempt = 0; ; attempt++) {
      const head = (await this.head())!;
      try {
        await this.plumbing.run(['push', '--porcelain', target.remote, `HEAD:refs/heads/${target.branch}`]);
        await this.plumbing.run(['update-ref', tracking, head]);
        this.lastSync = { at: new Date().toISOString(), ok: true };
        return settle('pushed');
      } catch (error) {
        const failure = classifyPushFailure(gitOutput(error));
        if (failure !== 'race') {
          this.lastSync = {
            at: new Date().toISOString(),
            ok: false,
            error: `Pushing to ${target.remote} failed (${failure === 'refused' ? 'the remote refused it' : 'the remote cannot be reached'}): ${gitMessage(error)}. The commits are kept here and pushed when that is fixed.`,
          };
          return settle('pending');
        }
      }
      try {
        await this.fetch(target.remote, target.branch);
      } catch (error) {
        this.lastSync = { at: new Date().toISOString(), ok: false, error: (error as Error).message };
        return settle('pending');
      }
      // The remote has HEAD after all (a push that got through but answered badly): done.
      if ((await revParse(this.plumbing, tracking)) === head) {
        this.lastSync = { at: new Date().toISOString(), ok: true };
        return settle('pushed');
      }
      const giveUp = attempt >= PUBLISH_ATTEMPTS;
      for (const w of this.waiters.splice(0)) {
        waiting.push(w);
        all.add(w);
      }
      const outcome = await this.integrate(tracking, {
        mine: new Set(waiting.map((w) => w.result.sha)),
        dropMine: giveUp,
        remote: target.remote,
      });
      const still = await this.settleWaiters(waiting, outcome, giveUp);
      waiting = still;
      if (waiting.length === 0) return;
      await new Promise((r) => setTimeout(r, Math.min(400, 10 * 2 ** attempt) * (0.5 + Math.random())));
    }
  }

  /**
   * After an integrate: writers whose commits were dropped get their answer (409, or REMOTE_BUSY
   * when `gaveUp`); the others learn their commit's new id. Returns those still waiting.
   */
  private async settleWaiters(
    waiting: Waiter[],
    outcome: { dropped: Map<string, string[]>; replayed: Map<string, string> },
    gaveUp = false,
  ): Promise<Waiter[]> {
    const still: Waiter[] = [];
    for (const w of waiting) {
      const tainted = outcome.dropped.get(w.result.sha);
      if (gaveUp) {
        // Lost the race every time: the commits were taken back, nothing unacknowledged stays.
        w.reject(
          new MimsyError(
            ErrorCodes.REMOTE_BUSY,
            'The Git remote kept changing while this was saved, so it was not saved. Try again in a moment.',
          ),
        );
      } else if (tainted) {
        const p = w.paths.find((c) => tainted.includes(this.gitPath(c))) ?? w.paths[0]!;
        const current = await this.read(p);
        w.reject(
          new ConflictError<StoredFile>(
            `${p} was changed on the Git remote since the version this edit was based on.`,
            current,
            { path: p, expected: w.result.versions[p] ?? null, actual: current?.version ?? null },
          ),
        );
      } else {
        const sha = outcome.replayed.get(w.result.sha);
        if (sha) w.result = { ...w.result, sha };
        still.push(w);
      }
    }
    return still;
  }

  /** Tells listeners which content paths a pull (or a dropped commit) changed in the working tree. */
  private announce(gitPaths: string[]): void {
    const paths = gitPaths.filter((p) => p.startsWith(this.prefix)).map((p) => this.fromGitPath(p));
    if (paths.length === 0) return;
    for (const listener of this.remoteListeners) listener(paths);
  }

  onRemoteChange(listener: (paths: string[]) => void): () => void {
    this.remoteListeners.add(listener);
    return () => this.remoteListeners.delete(listener);
  }

  /**
   * Brings HEAD up to `upstreamRef`, keeping local commits that the remote does not have: each is
   * replayed on top unless the remote changed one of its paths since they diverged (or an earlier
   * dropped commit did). Dropped commits in `mine` (writers still waiting) are reported back for a
   * 409; others were acknowledged already and are kept on a `mimsy/unpublished-…` branch (pushed
   * there when possible). With `dropMine`, every commit in `mine` is dropped.
   */
  private async integrate(
    upstreamRef: string,
    options: { mine?: Set<string>; dropMine?: boolean; remote?: string } = {},
  ): Promise<{ changed: string[]; dropped: Map<string, string[]>; replayed: Map<string, string> }> {
    const dropped = new Map<string, string[]>();
    const none = { changed: [], dropped, replayed: new Map<string, string>() };
    const up = await revParse(this.plumbing, upstreamRef);
    const head = await this.head();
    if (!up || head === up) return none;
    if (!head) {
      await this.git(['reset', '--hard', '--quiet', up]);
      this.privateIndexHead = undefined;
      const changed = (await this.plumbing.run(['ls-files', '-z'])).split('\0').filter(Boolean);
      this.announce(changed);
      return { ...none, changed };
    }
    const base = (await this.plumbing.run(['merge-base', head, up]).catch(() => '')).trim();
    if (!options.dropMine && base === up) return none; // the remote has nothing we lack
    if (!base)
      throw new MimsyError(
        ErrorCodes.SYNC_CONFLICT,
        `The remote branch has no history in common with the local one; nothing was changed. Check MIMSY_REPO_URL and the branch.`,
      );
    const mine = options.mine ?? new Set<string>();
    const keep: string[] = [];
    const parked: string[] = [];
    if (base !== head) {
      const commits = await localCommits(this.plumbing, base, head);
      if (!commits) {
        // A merge made outside Mimsy: let git rebase handle it (conflicts abort, losing nothing).
        await this.rebaseOnto(upstreamRef);
        this.privateIndexHead = undefined;
        const changed = await changedPaths(this.plumbing, head, (await this.head())!);
        this.announce(changed);
        return { ...none, changed };
      }
      const tainted = new Set(await changedPaths(this.plumbing, base, up));
      for (const commit of commits) {
        const hit = commit.paths.filter((p) => tainted.has(p));
        const forced = options.dropMine === true && mine.has(commit.sha);
        if (hit.length || forced) {
          for (const p of commit.paths) tainted.add(p);
          if (mine.has(commit.sha)) dropped.set(commit.sha, hit.length ? hit : commit.paths);
          else parked.push(commit.sha);
        } else keep.push(commit.sha);
      }
    }
    const { tip, replayed } = await replayCommits(this.plumbing, keep, up);
    if (parked.length) await this.park(parked, options.remote);
    const changed = tip === head ? [] : await moveTo(this.plumbing, head, tip);
    this.privateIndexHead = undefined;
    this.announce(changed);
    return { changed, dropped, replayed };
  }

  /** Keeps commits the remote made impossible to replay on a branch of their own; never loses them. */
  private async park(dropped: string[], remote?: string): Promise<void> {
    const at = new Date().toISOString();
    const tip = dropped[dropped.length - 1]!; // its history holds every one of them
    const branch = `mimsy/unpublished-${at.replace(/[-:T]/g, '').slice(0, 14)}-${tip.slice(0, 7)}`;
    await this.plumbing.run(['branch', '-f', branch, tip]);
    let pushed = false;
    if (remote) {
      pushed = await this.plumbing
        .run(['push', '--porcelain', remote, `refs/heads/${branch}:refs/heads/${branch}`])
        .then(
          () => true,
          () => false,
        );
    }
    const files = dropped.length
      ? (await this.plumbing.run(['show', '--no-renames', '--name-only', '-z', '--format=', ...dropped]))
          .split('\0')
          .map((p) => p.trim())
          .filter(Boolean)
      : [];
    this.parkedBranches.push({
      branch,
      at,
      files: [...new Set(files)].map((p) => this.fromGitPath(p)),
      pushed,
    });
  }

  /** Puts the files of a failed write back; false when that failed too. */
  private async rollback(
    changes: FileChange[],
    befores: (Uint8Array | null)[],
    gitPaths: string[],
  ): Promise<boolean> {
    await this.git(['reset', '--quiet', '--', ...gitPaths]).catch(() => undefined);
    let ok = true;
    for (const [i, change] of changes.entries()) {
      const absolute = resolveInRoot(this.root, change.path);
      const before = befores[i];
      const current = await readInRoot(this.root, change.path).catch(() => null);
      if (before ? current && Buffer.from(current).equals(before) : current === null) continue;
      if (before) await writeFileAtomic(absolute, before).catch(() => (ok = false));
      else await removeFileAndEmptyParents(absolute, this.root).catch(() => (ok = false));
    }
    return ok;
  }

  /** Runs git, waiting out another process's index.lock for a short while. */
  private async gitWithLockRetry(args: string[]): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.plumbing.run(args);
      } catch (error) {
        const message = String((error as Error).message);
        if (!message.includes('index.lock') || attempt >= 30) throw error;
        await new Promise((r) => setTimeout(r, 50 + attempt * 20));
        const lock = path.join(this.gitDir, 'index.lock');
        if ((await ageMs(lock)) > 10_000) await rm(lock, { force: true });
      }
    }
  }

  private gitError(operation: string, error: unknown): MimsyError {
    if (error instanceof MimsyError) return error;
    const message = gitMessage(error);
    return new MimsyError(ErrorCodes.GIT, `Git ${operation} failed: ${message}`, undefined, { cause: error });
  }

  async history(p: string, options: HistoryOptions = {}): Promise<CommitInfo[]> {
    resolveInRoot(this.root, p);
    if (!(await this.head())) return [];
    const args = ['log', '--follow', '--name-only', LOG_FORMAT];
    if (options.limit) args.push(`-n${Math.max(1, Math.floor(options.limit))}`);
    const out = await this.git([...args, '--', this.gitPath(p)]);
    return parseLog(out).map(({ files, ...info }) => ({
      ...info,
      path: files[0] !== undefined ? this.fromGitPath(files[0]) : p,
    }));
  }

  private fromGitPath(p: string): string {
    return this.prefix && p.startsWith(this.prefix) ? p.slice(this.prefix.length) : p;
  }

  async readAt(p: string, sha: string): Promise<Uint8Array | null> {
    resolveInRoot(this.root, p);
    if (!SHA.test(sha)) throw new InvalidPathError('A revision must be a commit id (hexadecimal).');
    try {
      const kind = (await this.git(['cat-file', '-t', `${sha}:${this.gitPath(p)}`])).trim();
      if (kind !== 'blob') return null;
      return new Uint8Array(await this.gitBytes(['cat-file', 'blob', `${sha}:${this.gitPath(p)}`]));
    } catch {
      return null;
    }
  }

  async lastCommits(dirs: string[]): Promise<Map<string, CommitInfo>> {
    const out = new Map<string, CommitInfo>();
    if (!(await this.head()) || dirs.length === 0) return out;
    for (const d of dirs) resolveInRoot(this.root, d);
    const log = await this.git([
      '-c',
      'core.quotePath=false',
      'log',
      '--no-renames',
      '--name-only',
      LOG_FORMAT,
      '--',
      ...dirs.map((d) => this.gitPathspec(d)),
    ]);
    for (const { files, ...info } of parseLog(log)) {
      for (const file of files) {
        const p = this.fromGitPath(file);
        if (!out.has(p)) out.set(p, info);
      }
    }
    return out;
  }

  private lastSync: RemoteStatus['lastSync'] = null;

  /** Lines shared with other replicas through `remote` (shared-lines.ts); only here without one. */
  async sharedLines(name: string, remote: string | null): Promise<SharedLines> {
    const through = remote && (await this.hasRemote(remote)) ? remote : null;
    return new SharedLines(this.plumbing.run, name, through, this.committerArgs);
  }

  private async hasRemote(remote: string): Promise<boolean> {
    const remotes = await this.git(['remote']).catch(() => '');
    return remotes
      .split('\n')
      .map((r) => r.trim())
      .includes(remote);
  }

  /** Commits touching any of `paths` (content folders, the media folder), newest first. */
  async log(paths: string[], options: HistoryOptions = {}): Promise<CommitInfo[]> {
    for (const p of paths) resolveInRoot(this.root, p);
    if (!(await this.head())) return [];
    const args = ['log', LOG_FORMAT];
    if (options.limit) args.push(`-n${Math.max(1, Math.floor(options.limit))}`);
    const out = await this.git([...args, '--', ...paths.map((p) => this.gitPathspec(p))]);
    return parseLog(out).map(({ files: _files, ...info }) => info);
  }

  /**
   * What in the work tree waits for a person: uncommitted changes (`git status --porcelain`
   * lines), files with conflict markers, a merge or rebase stopped half-way, and the local
   * branches under `prefix` with how many commits each has that `upstream` lacks.
   */
  async workTree(options: { branches?: string; upstream?: string } = {}): Promise<{
    uncommitted: string[];
    conflicts: string[];
    inProgress: 'rebase' | 'merge' | null;
    branches: { branch: string; commits: number }[];
  }> {
    const lines = (text: string): string[] => text.split('\n').filter(Boolean);
    const uncommitted = lines(await this.git(['status', '--porcelain']));
    const conflicts = lines(await this.git(['diff', '--name-only', '--diff-filter=U'])).map((p) =>
      this.fromGitPath(p),
    );
    const inProgress =
      existsSync(path.join(this.gitDir, 'rebase-merge')) || existsSync(path.join(this.gitDir, 'rebase-apply'))
        ? 'rebase'
        : existsSync(path.join(this.gitDir, 'MERGE_HEAD'))
          ? 'merge'
          : null;
    const branches: { branch: string; commits: number }[] = [];
    if (options.branches) {
      const upstream =
        options.upstream && (await this.git(['for-each-ref', '--format=%(refname)', options.upstream])).trim()
          ? options.upstream
          : null;
      for (const branch of lines(
        await this.git(['for-each-ref', '--format=%(refname:short)', `refs/heads/${options.branches}*`]),
      ))
        branches.push({
          branch,
          commits: Number(
            (await this.git(['rev-list', '--count', upstream ? `${upstream}..${branch}` : branch])).trim(),
          ),
        });
    }
    return { uncommitted, conflicts, inProgress, branches };
  }

  /** Points a new branch `name` at HEAD (a copy of local commits; never moves an existing one). */
  async saveBranch(name: string): Promise<void> {
    await this.git(['branch', '--', name, 'HEAD']);
  }

  async remoteStatus(remote: string, branch: string): Promise<RemoteStatus> {
    const head = await this.head();
    const current = (await this.git(['rev-parse', '--abbrev-ref', 'HEAD']).catch(() => '')).trim() || null;
    const hasRemote = await this.hasRemote(remote);
    let ahead = 0;
    let behind = 0;
    if (hasRemote && head) {
      const counts = await this.git([
        'rev-list',
        '--left-right',
        '--count',
        `HEAD...refs/remotes/${remote}/${branch}`,
      ]).catch(() => null);
      if (counts) [ahead = 0, behind = 0] = counts.trim().split(/\s+/).map(Number);
      else ahead = Number((await this.git(['rev-list', '--count', 'HEAD']).catch(() => '0')).trim());
    }
    return {
      branch: current === 'HEAD' ? null : current,
      head,
      remote: hasRemote ? remote : null,
      hasRemote,
      ahead,
      behind,
      lastSync: this.lastSync,
      parked: await this.listParked(remote),
    };
  }

  /**
   * The `mimsy/unpublished-…` branches in this repository (they outlive the process that made
   * them), with the files their commits touch and whether the remote has them too.
   */
  private async listParked(remote: string): Promise<ParkedCommits[]> {
    const refs = await this.plumbing
      .run([
        'for-each-ref',
        '--format=%(refname:strip=2)%00%(creatordate:iso-strict)',
        'refs/heads/mimsy/unpublished-*',
      ])
      .catch(() => '');
    const out: ParkedCommits[] = [];
    for (const line of refs.split('\n').filter(Boolean)) {
      const [branch = '', date = ''] = line.split('\0');
      const known = this.parkedBranches.find((p) => p.branch === branch);
      if (known) {
        out.push({ ...known, files: [...known.files] });
        continue;
      }
      const base = (await this.plumbing.run(['merge-base', 'HEAD', branch]).catch(() => '')).trim();
      const files = base
        ? (await changedPaths(this.plumbing, base, branch)).map((p) => this.fromGitPath(p))
        : [];
      const pushed = (await revParse(this.plumbing, `refs/remotes/${remote}/${branch}`)) !== null;
      out.push({ branch, at: date, files, pushed });
    }
    return out;
  }

  /**
   * Fetches `remote/branch`, rebases local commits onto it and (optionally) pushes, retrying when
   * the push loses a race. A rebase that would conflict is aborted: local commits stay as they
   * were and a SYNC_CONFLICT error names the files. Runs in the write queue.
   */
  sync(remote: string, branch: string, options: SyncOptions = {}): Promise<SyncResult> {
    return this.queue.run(async () => {
      options.onStart?.();
      try {
        await this.syncIndex();
        const result = await this.syncNow(remote, branch, options.push !== false, options.mode ?? 'rebase');
        this.lastSync = { at: new Date().toISOString(), ok: true };
        return result;
      } catch (error) {
        const failure = error instanceof MimsyError ? error : this.gitError('sync', error);
        this.lastSync = { at: new Date().toISOString(), ok: false, error: failure.message };
        throw failure;
      }
    });
  }

  private async syncNow(
    remote: string,
    branch: string,
    push: boolean,
    mode: 'rebase' | 'replica',
  ): Promise<SyncResult> {
    if (!(await this.hasRemote(remote))) {
      throw new MimsyError(
        ErrorCodes.REMOTE,
        `The repository has no remote named "${remote}". Add one with "git remote add ${remote} <url>".`,
      );
    }
    const before = await this.head();
    let pushed = false;
    for (let attempt = 0; attempt < 4; attempt++) {
      const remoteHas = await this.fetch(remote, branch);
      if (remoteHas && mode === 'replica') {
        // Commits whose writers still wait for a push are theirs to answer for, not to park.
        const outcome = await this.integrate(`refs/remotes/${remote}/${branch}`, {
          remote,
          mine: new Set(this.waiters.map((w) => w.result.sha)),
        });
        const still = await this.settleWaiters(this.waiters.splice(0), outcome);
        this.waiters.unshift(...still);
      } else if (remoteHas) await this.rebaseOnto(`refs/remotes/${remote}/${branch}`);
      // A replica's writers have a push of their own coming: a pull need not push for them.
      if (!push || (mode === 'replica' && (this.waiters.length > 0 || this.publishing))) break;
      const head = await this.head();
      if (!head) break;
      const upToDate =
        remoteHas && (await this.git(['rev-parse', `refs/remotes/${remote}/${branch}`])).trim() === head;
      if (upToDate) break;
      try {
        await this.plumbing.run(['push', '--porcelain', remote, `HEAD:refs/heads/${branch}`]);
        pushed = true;
        await this.plumbing.run(['update-ref', `refs/remotes/${remote}/${branch}`, head]);
        break;
      } catch (error) {
        if (classifyPushFailure(gitOutput(error)) !== 'race' || attempt === 3)
          throw new MimsyError(
            ErrorCodes.REMOTE,
            `Pushing to ${remote} failed: ${gitMessage(error)}`,
            undefined,
            { cause: error },
          );
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt + Math.random() * 100));
      }
    }
    const after = await this.head();
    let changed: string[] = [];
    if (before && after && before !== after) {
      const diff = await this.git([
        '-c',
        'core.quotePath=false',
        'diff',
        '--no-renames',
        '--name-only',
        before,
        after,
        '--',
        this.gitPathspec(''),
      ]);
      changed = diff
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((p) => this.fromGitPath(p));
    } else if (!before && after) {
      changed = (await this.git(['ls-files', '-z', '--', this.gitPathspec('')]))
        .split('\0')
        .filter(Boolean)
        .map((p) => this.fromGitPath(p));
    }
    return { changed, pushed, head: after };
  }

  /** Fetches one branch; false when the remote does not have it yet. */
  private async fetch(remote: string, branch: string): Promise<boolean> {
    try {
      await this.git([
        'fetch',
        '--quiet',
        '--no-tags',
        remote,
        `+refs/heads/${branch}:refs/remotes/${remote}/${branch}`,
      ]);
      return true;
    } catch (error) {
      const message = String((error as Error).message);
      if (/couldn't find remote ref|could not find remote ref/i.test(message)) return false;
      throw new MimsyError(
        ErrorCodes.REMOTE,
        `Fetching from ${remote} failed: ${gitMessage(message)}`,
        undefined,
        { cause: error },
      );
    }
  }

  /**
   * Rebases local commits onto `upstream`, all or nothing. Uncommitted edits (and untracked files)
   * are set aside and put back by hand rather than with `rebase --autostash`, which leaves
   * conflict markers in the files and the stash behind when putting them back conflicts. Here a
   * conflict of either kind puts the branch, the files and the stash list back as they were.
   */
  private async rebaseOnto(upstream: string): Promise<void> {
    const head = await this.head();
    if (!head) {
      await this.git(['reset', '--hard', '--quiet', upstream]);
      return;
    }
    const dirty = (await this.git(['status', '--porcelain', '--untracked-files=normal'])).trim() !== '';
    // `stash` finds untracked files through pathspec magic, which literal pathspecs turn off.
    const stash = (...args: string[]): Promise<string> =>
      this.git(['stash', ...args], { env: { GIT_LITERAL_PATHSPECS: '0' } });
    if (dirty) await stash('push', '--include-untracked', '--quiet', '-m', 'mimsy sync');
    const conflicted = async (): Promise<string[]> =>
      (await this.git(['diff', '--name-only', '--diff-filter=U']).catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((p) => this.fromGitPath(p));
    try {
      await this.git(['-c', 'commit.gpgsign=false', ...this.committerArgs, 'rebase', '--quiet', upstream]);
    } catch (error) {
      const files = await conflicted();
      await this.git(['rebase', '--abort']).catch(() => undefined);
      if (dirty) await stash('pop', '--quiet'); // onto the commit it was made on: clean
      throw new MimsyError(
        ErrorCodes.SYNC_CONFLICT,
        files.length
          ? `The remote changed the same content as local commits (${files.join(', ')}). Nothing was lost: the local commits are unchanged and the pull was undone. Resolve with "git pull --rebase" and push, or ask who changed it.`
          : `Rebasing onto the remote failed: ${gitMessage(error)}`,
        { files },
        { cause: error },
      );
    }
    if (!dirty) return;
    try {
      await stash('pop', '--quiet'); // keeps the stash when it does not apply cleanly
    } catch (error) {
      const files = await conflicted();
      this.privateIndexHead = undefined;
      await this.git(['reset', '--hard', '--quiet', head]);
      const untracked = await this.stashedUntracked();
      if (untracked.length) await this.git(['clean', '--force', '--quiet', '--', ...untracked]);
      await stash('pop', '--quiet');
      throw new MimsyError(
        ErrorCodes.SYNC_CONFLICT,
        `Uncommitted edits conflict with what the remote changed${files.length ? ` (${files.join(', ')})` : ''}. Nothing was changed: the branch, the edits and the files are as they were. Commit the edits, then sync again (a conflict between commits keeps both sides), or set them aside with "git stash".`,
        { files, uncommitted: true },
        { cause: error },
      );
    }
  }

  /** The untracked files saved in the newest stash (its third parent), relative to the root. */
  private async stashedUntracked(): Promise<string[]> {
    const listed = await this.git([
      'ls-tree',
      '-r',
      '-z',
      '--full-tree',
      '--name-only',
      'refs/stash^3',
    ]).catch(() => '');
    // Pathspecs are literal here (GIT_LITERAL_PATHSPECS) and relative to the content root.
    const prefix = this.prefix.replace(/\/$/, '') || '.';
    return listed
      .split('\0')
      .filter(Boolean)
      .map((p) => path.posix.relative(prefix, p));
  }

  /** Points `remote` of the repository at `dir` to `url` (adding the remote when missing). */
  static async setRemoteUrl(dir: string, remote: string, url: string): Promise<void> {
    const git = gitRunner(dir, gitEnvironment());
    const remotes = (await git(['remote']).catch(() => '')).split('\n').map((r) => r.trim());
    await git(['remote', remotes.includes(remote) ? 'set-url' : 'add', remote, url]).catch(
      (error: unknown) => {
        throw new MimsyError(
          ErrorCodes.REMOTE,
          `Could not point "${remote}" at the configured URL: ${gitMessage(error)}`,
          undefined,
          { cause: error },
        );
      },
    );
  }

  /** Clones `url` into `dir` (which must not exist or be empty) on `branch`. */
  static async clone(url: string, dir: string, branch: string): Promise<void> {
    const git = gitRunner(process.cwd(), gitEnvironment());
    try {
      await git(['clone', '--quiet', '--branch', branch, '--', url, dir]);
    } catch (error) {
      const message = String((error as Error).message);
      if (/Remote branch .* not found/i.test(message)) {
        await git(['clone', '--quiet', '--', url, dir]);
        return;
      }
      throw new MimsyError(
        ErrorCodes.REMOTE,
        `Cloning ${redact(url)} failed: ${gitMessage(message)}`,
        undefined,
        {
          cause: error,
        },
      );
    }
  }

  async close(): Promise<void> {
    while (this.publishing) await this.publishing;
    return this.queue.idle();
  }
}

/**
 * A full or read-only volume, from a Node error code or from what git printed; null for anything
 * else. Both mean nothing was written, and both clear up without Mimsy's help.
 */
export function storageError(error: unknown): MimsyError | null {
  const code = (error as NodeJS.ErrnoException)?.code;
  const text = `${String((error as Error)?.message ?? '')} ${(error as { stderr?: string })?.stderr ?? ''}`;
  if (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    /No space left on device|Disk quota exceeded|Out of diskspace/i.test(text)
  )
    return new MimsyError(
      ErrorCodes.STORAGE_FULL,
      'The content volume is full, so nothing was saved. Free space on it (or make it larger), then save again.',
      undefined,
      { cause: error },
    );
  if (code === 'EROFS' || /Read-only file system/i.test(text))
    return new MimsyError(
      ErrorCodes.READ_ONLY,
      'The content volume is read-only, so nothing was saved. Mount it writable, then save again.',
      undefined,
      { cause: error },
    );
  if (code === 'EACCES' || code === 'EPERM' || /Permission denied|insufficient permission/i.test(text))
    return new MimsyError(
      ErrorCodes.READ_ONLY,
      'The server may not write to the content folder (permission denied), so nothing was saved. Give its user write access, then save again.',
      undefined,
      { cause: error },
    );
  return null;
}

/**
 * With the private index gone, removes shared index files that a kill -9 orphaned (one written
 * just before the crash, or git's sharedindex_XXXXXX temporary files), except the one the
 * repository's own index uses; files younger than a minute may belong to a live git process.
 */
async function removeStaleSharedIndexes(gitDir: string, inUse: string | null): Promise<void> {
  const names = await readdir(gitDir).catch(() => [] as string[]);
  for (const name of names) {
    const file = path.join(gitDir, name);
    if (!/^sharedindex[._]/.test(name) || file === inUse) continue;
    if ((await ageMs(file)) > 60_000) await rm(file, { force: true });
  }
}

/** How long ago `file` was last modified, in ms; 0 when it is gone. */
async function ageMs(file: string): Promise<number> {
  return stat(file).then(
    (s) => Date.now() - s.mtimeMs,
    () => 0,
  );
}
