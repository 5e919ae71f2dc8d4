import { existsSync } from 'node:fs';
import { readFile, rm, stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { SimpleGit } from 'simple-git';
import { simpleGit } from 'simple-git';
import { ErrorCodes, InvalidPathError, MimsyError } from '../errors.js';
import { assertNoEscapingSymlink, resolveInRoot } from '../paths.js';
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
  RemoteStatus,
  StoredFile,
  SyncResult,
} from './port.js';
import { queueFor, type WriteQueue } from './queue.js';

const JOURNAL = 'mimsy-journal.json';
const PRIVATE_INDEX = 'mimsy-index';
const FIELD = '\x1f';
const RECORD = '\x1e';
const LOG_FORMAT = `--format=${RECORD}%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%s`;
const SHA = /^[0-9a-f]{4,64}$/;

/** What a write was about to do, written before touching the working tree (see docs/architecture.md). */
interface Journal {
  head: string | null;
  startedAt: string;
  changes: { path: string; before: string | null }[];
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
  /** Git with GIT_INDEX_FILE pointing at Mimsy's private index. */
  private privateGit!: SimpleGit;
  /** The commit the private index currently mirrors (undefined: unknown, rebuild it). */
  private privateIndexHead: string | null | undefined = undefined;

  private constructor(
    readonly root: string,
    private readonly git: SimpleGit,
    private readonly gitDir: string,
    /** The content root's path inside the Git work tree ('' or 'site/'). */
    private readonly prefix: string,
    private readonly queue: WriteQueue,
  ) {}

  static async open(root: string, options: GitStoreOptions = {}): Promise<GitStore> {
    const absolute = path.resolve(root);
    const env = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_LITERAL_PATHSPECS: '1',
      LC_ALL: 'C',
      GIT_OPTIONAL_LOCKS: '0',
    };
    const git = simpleGit({ baseDir: absolute, maxConcurrentProcesses: 8, trimmed: false }).env(env);
    let inside = false;
    try {
      inside = (await git.raw(['rev-parse', '--is-inside-work-tree'])).trim() === 'true';
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
      await git.raw(['init', '--quiet', '--initial-branch=main']);
    }
    const [gitDirRaw = '', prefix = ''] = (
      await git.raw(['rev-parse', '--absolute-git-dir', '--show-prefix'])
    ).split('\n');
    const store = new GitStore(absolute, git, gitDirRaw.trim(), prefix.trim(), queueFor(absolute));
    store.privateGit = simpleGit({ baseDir: absolute, maxConcurrentProcesses: 8, trimmed: false }).env({
      ...env,
      GIT_INDEX_FILE: path.join(gitDirRaw.trim(), PRIVATE_INDEX),
    });
    const configured = await git.raw(['config', '--get', 'user.email']).then(
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
    // The private index is rebuilt from HEAD on the next write; after a crash it may hold half a write.
    await rm(path.join(this.gitDir, PRIVATE_INDEX), { force: true });
    await rm(path.join(this.gitDir, PRIVATE_INDEX + '.lock'), { force: true });
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
      await rm(journalPath, { force: true });
      return;
    }
    const head = await this.head();
    const paths = journal.changes.map((c) => c.path);
    if (head !== journal.head && (await this.commitTouches(head, paths))) {
      await this.git
        .raw(['reset', '--quiet', '--', ...paths.map((p) => this.gitPath(p))])
        .catch(() => undefined);
      this.note(`a write interrupted after its commit (${head?.slice(0, 7)}) was completed`, onRecover);
    } else {
      // The commit never happened and nobody was told it did: put the files back as they were.
      await this.git
        .raw(['reset', '--quiet', '--', ...paths.map((p) => this.gitPath(p))])
        .catch(() => undefined);
      for (const change of journal.changes) {
        const absolute = resolveInRoot(this.root, change.path);
        if (change.before === null) await removeFileAndEmptyParents(absolute, this.root);
        else await writeFileAtomic(absolute, Buffer.from(change.before, 'base64'));
      }
      this.note(`rolled back an interrupted, unacknowledged write to ${paths.join(', ')}`, onRecover);
    }
    for (const p of paths) await this.removeTempFiles(path.dirname(resolveInRoot(this.root, p)));
    await rm(journalPath, { force: true });
  }

  /** Makes the private index mirror `head` (after outside commits, pulls, or at first use). */
  private async preparePrivateIndex(head: string | null): Promise<void> {
    const file = path.join(this.gitDir, PRIVATE_INDEX);
    if (this.privateIndexHead === head && existsSync(file)) return;
    await rm(file, { force: true });
    if (head) await this.privateGit.raw(['read-tree', head]);
    this.privateIndexHead = head;
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
    const out = await this.git.raw(['show', '--no-renames', '--name-only', '--format=', sha]).catch(() => '');
    const files = new Set(out.split('\n').map((l) => l.trim()));
    return paths.some((p) => files.has(this.gitPath(p)));
  }

  /** Path as Git names it from the top of the work tree. */
  private gitPath(p: string): string {
    return this.prefix + p;
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
      const out = await this.git.raw(['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '');
      return out.trim() || null;
    } catch {
      return null;
    }
  }

  list(dir: string): Promise<string[]> {
    return listInRoot(this.root, dir);
  }

  async read(p: string): Promise<StoredFile | null> {
    const bytes = await readInRoot(this.root, p);
    return bytes ? { path: p, bytes, version: blobId(bytes) } : null;
  }

  async commit(changes: FileChange[], options: CommitOptions): Promise<CommitResult> {
    if (changes.length === 0) throw new Error('a commit needs at least one change');
    for (const change of changes) resolveInRoot(this.root, change.path);
    return this.queue.run(() => this.commitNow(changes, options));
  }

  private async commitNow(changes: FileChange[], options: CommitOptions): Promise<CommitResult> {
    const befores: (Uint8Array | null)[] = [];
    for (const change of changes) {
      await assertNoEscapingSymlink(this.root, change.path);
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
      const [last] = parseLog(await this.git.raw(['log', '-1', LOG_FORMAT, head]));
      return { sha: head, author: last!.author, date: last!.date, message: last!.message, versions };
    }
    const journal: Journal = {
      head,
      startedAt: new Date().toISOString(),
      changes: changes.map((c, i) => ({
        path: c.path,
        before: befores[i] ? Buffer.from(befores[i]).toString('base64') : null,
      })),
    };
    const journalPath = path.join(this.gitDir, JOURNAL);
    await writeFileAtomic(journalPath, Buffer.from(JSON.stringify(journal)));
    const gitPaths = changes.map((c) => this.gitPath(c.path));
    try {
      for (const change of changes) {
        const absolute = resolveInRoot(this.root, change.path);
        if (change.bytes === null) await removeFileAndEmptyParents(absolute, this.root);
        else await writeFileAtomic(absolute, change.bytes);
      }
      // Mimsy commits from its own index (.git/mimsy-index, kept equal to HEAD): the commit holds
      // exactly these paths whatever else is staged, and Git never scans the whole work tree.
      // --verbose everywhere: simple-git waits an extra 50 ms for commands that print nothing.
      await this.preparePrivateIndex(head);
      await this.privateGit.raw([
        'update-index',
        '--add',
        '--remove',
        '--verbose',
        '--',
        ...changes.map((c) => c.path),
      ]);
      const author = `${cleanIdentity(options.author.name) || 'Unknown'} <${cleanIdentity(options.author.email) || 'unknown@localhost'}>`;
      await this.privateGit.raw([
        ...this.committerArgs,
        '-c',
        'commit.gpgsign=false',
        'commit',
        '--no-verify',
        '--allow-empty-message',
        `--author=${author}`,
        '-m',
        options.message,
      ]);
    } catch (error) {
      this.privateIndexHead = undefined; // it may hold part of this write: rebuild it next time
      await this.rollback(changes, befores, gitPaths);
      await rm(journalPath, { force: true });
      throw this.gitError('commit', error);
    }
    const sha = (await this.head())!;
    this.privateIndexHead = sha;
    // Bring the repository's own index up to date for these paths, so that `git status` is clean
    // (the journal stays until then: recovery redoes this step after a crash).
    await this.gitWithLockRetry([
      'update-index',
      '--add',
      '--remove',
      '--verbose',
      '--',
      ...changes.map((c) => c.path),
    ]).catch(() => undefined);
    await rm(journalPath, { force: true });
    return {
      sha,
      author: { ...options.author },
      date: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      message: options.message,
      versions,
    };
  }

  private async rollback(
    changes: FileChange[],
    befores: (Uint8Array | null)[],
    gitPaths: string[],
  ): Promise<void> {
    await this.git.raw(['reset', '--quiet', '--', ...gitPaths]).catch(() => undefined);
    for (const [i, change] of changes.entries()) {
      const absolute = resolveInRoot(this.root, change.path);
      const before = befores[i];
      if (before) await writeFileAtomic(absolute, before).catch(() => undefined);
      else await removeFileAndEmptyParents(absolute, this.root).catch(() => undefined);
    }
  }

  /** Runs git, waiting out another process's index.lock for a short while. */
  private async gitWithLockRetry(args: string[]): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.git.raw(args);
      } catch (error) {
        const message = String((error as Error).message);
        if (!message.includes('index.lock') || attempt >= 30) throw error;
        await new Promise((r) => setTimeout(r, 50 + attempt * 20));
        const lock = path.join(this.gitDir, 'index.lock');
        const age = await stat(lock).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > 10_000) await rm(lock, { force: true });
      }
    }
  }

  private gitError(operation: string, error: unknown): MimsyError {
    if (error instanceof MimsyError) return error;
    const message = String((error as Error)?.message ?? error)
      .split('\n')
      .filter(Boolean)
      .slice(0, 3)
      .join(' ');
    return new MimsyError(ErrorCodes.GIT, `Git ${operation} failed: ${message}`, undefined, { cause: error });
  }

  async history(p: string, options: HistoryOptions = {}): Promise<CommitInfo[]> {
    resolveInRoot(this.root, p);
    if (!(await this.head())) return [];
    const args = ['log', '--follow', '--name-only', LOG_FORMAT];
    if (options.limit) args.push(`-n${Math.max(1, Math.floor(options.limit))}`);
    const out = await this.git.raw([...args, '--', p]);
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
      const kind = (await this.git.raw(['cat-file', '-t', `${sha}:${this.gitPath(p)}`])).trim();
      if (kind !== 'blob') return null;
      return new Uint8Array(await this.git.binaryCatFile(['blob', `${sha}:${this.gitPath(p)}`]));
    } catch {
      return null;
    }
  }

  async lastCommits(dirs: string[]): Promise<Map<string, CommitInfo>> {
    const out = new Map<string, CommitInfo>();
    if (!(await this.head()) || dirs.length === 0) return out;
    for (const d of dirs) resolveInRoot(this.root, d);
    const log = await this.git.raw([
      '-c',
      'core.quotePath=false',
      'log',
      '--no-renames',
      '--name-only',
      LOG_FORMAT,
      '--',
      ...dirs,
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

  private async hasRemote(remote: string): Promise<boolean> {
    const remotes = await this.git.raw(['remote']).catch(() => '');
    return remotes
      .split('\n')
      .map((r) => r.trim())
      .includes(remote);
  }

  async remoteStatus(remote: string, branch: string): Promise<RemoteStatus> {
    const head = await this.head();
    const current =
      (await this.git.raw(['rev-parse', '--abbrev-ref', 'HEAD']).catch(() => '')).trim() || null;
    const hasRemote = await this.hasRemote(remote);
    let ahead = 0;
    let behind = 0;
    if (hasRemote && head) {
      const counts = await this.git
        .raw(['rev-list', '--left-right', '--count', `HEAD...refs/remotes/${remote}/${branch}`])
        .catch(() => null);
      if (counts) [ahead = 0, behind = 0] = counts.trim().split(/\s+/).map(Number);
      else ahead = Number((await this.git.raw(['rev-list', '--count', 'HEAD']).catch(() => '0')).trim());
    }
    return {
      branch: current === 'HEAD' ? null : current,
      head,
      remote: hasRemote ? remote : null,
      hasRemote,
      ahead,
      behind,
      lastSync: this.lastSync,
    };
  }

  /**
   * Fetches `remote/branch`, rebases local commits onto it and (optionally) pushes, retrying when
   * the push loses a race. A rebase that would conflict is aborted: local commits stay as they
   * were and a SYNC_CONFLICT error names the files. Runs in the write queue.
   */
  sync(remote: string, branch: string, options: { push?: boolean } = {}): Promise<SyncResult> {
    return this.queue.run(async () => {
      try {
        const result = await this.syncNow(remote, branch, options.push !== false);
        this.lastSync = { at: new Date().toISOString(), ok: true };
        return result;
      } catch (error) {
        const failure = error instanceof MimsyError ? error : this.gitError('sync', error);
        this.lastSync = { at: new Date().toISOString(), ok: false, error: failure.message };
        throw failure;
      }
    });
  }

  private async syncNow(remote: string, branch: string, push: boolean): Promise<SyncResult> {
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
      if (remoteHas) await this.rebaseOnto(`refs/remotes/${remote}/${branch}`);
      if (!push) break;
      const head = await this.head();
      if (!head) break;
      const upToDate =
        remoteHas && (await this.git.raw(['rev-parse', `refs/remotes/${remote}/${branch}`])).trim() === head;
      if (upToDate) break;
      try {
        await this.git.raw(['push', '--porcelain', remote, `HEAD:refs/heads/${branch}`]);
        pushed = true;
        await this.fetch(remote, branch).catch(() => false);
        break;
      } catch (error) {
        const message = String((error as Error).message);
        const lostRace = /rejected|non-fast-forward|fetch first|stale info/i.test(message);
        if (!lostRace || attempt === 3)
          throw new MimsyError(
            ErrorCodes.REMOTE,
            `Pushing to ${remote} failed: ${firstLines(message)}`,
            undefined,
            { cause: error },
          );
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt + Math.random() * 100));
      }
    }
    const after = await this.head();
    let changed: string[] = [];
    if (before && after && before !== after) {
      const diff = await this.git.raw([
        '-c',
        'core.quotePath=false',
        'diff',
        '--no-renames',
        '--name-only',
        before,
        after,
        '--',
        '.',
      ]);
      changed = diff
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map((p) => this.fromGitPath(p));
    } else if (!before && after) {
      changed = (await this.git.raw(['-c', 'core.quotePath=false', 'ls-files', '--', '.']))
        .split('\n')
        .filter(Boolean);
    }
    return { changed, pushed, head: after };
  }

  /** Fetches one branch; false when the remote does not have it yet. */
  private async fetch(remote: string, branch: string): Promise<boolean> {
    try {
      await this.git.raw([
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
        `Fetching from ${remote} failed: ${firstLines(message)}`,
        undefined,
        { cause: error },
      );
    }
  }

  private async rebaseOnto(upstream: string): Promise<void> {
    const head = await this.head();
    if (!head) {
      await this.git.raw(['reset', '--hard', '--quiet', upstream]);
      return;
    }
    try {
      await this.git.raw([
        '-c',
        'commit.gpgsign=false',
        ...this.committerArgs,
        'rebase',
        '--autostash',
        '--quiet',
        upstream,
      ]);
    } catch (error) {
      const conflicted = (await this.git.raw(['diff', '--name-only', '--diff-filter=U']).catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((p) => this.fromGitPath(p));
      await this.git.raw(['rebase', '--abort']).catch(() => undefined);
      throw new MimsyError(
        ErrorCodes.SYNC_CONFLICT,
        conflicted.length
          ? `The remote changed the same content as local commits (${conflicted.join(', ')}). Nothing was lost: the local commits are unchanged and the pull was undone. Resolve with "git pull --rebase" and push, or ask who changed it.`
          : `Rebasing onto the remote failed: ${firstLines(String((error as Error).message))}`,
        { files: conflicted },
        { cause: error },
      );
    }
  }

  /** Clones `url` into `dir` (which must not exist or be empty) on `branch`. */
  static async clone(url: string, dir: string, branch: string): Promise<void> {
    const git = simpleGit({ trimmed: false }).env({ ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' });
    try {
      await git.raw(['clone', '--quiet', '--branch', branch, '--', url, dir]);
    } catch (error) {
      const message = String((error as Error).message);
      if (/Remote branch .* not found/i.test(message)) {
        await git.raw(['clone', '--quiet', '--', url, dir]);
        return;
      }
      throw new MimsyError(ErrorCodes.REMOTE, `Cloning ${url} failed: ${firstLines(message)}`, undefined, {
        cause: error,
      });
    }
  }

  close(): Promise<void> {
    return this.queue.idle();
  }
}

function firstLines(message: string): string {
  return message.split('\n').filter(Boolean).slice(0, 3).join(' ');
}
