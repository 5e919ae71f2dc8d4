import { InvalidPathError } from '../../errors.js';
import { resolveInRoot } from '../../paths.js';
import type { CommitInfo, Deletion } from '../../types.js';
import type { HistoryOptions } from '../port.js';
import { SHA, type GitContext } from './context.js';

const FIELD = '\x1f';
const RECORD = '\x1e';
const LOG_FORMAT = `--format=${RECORD}%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%s`;

export function parseLog(output: string): (CommitInfo & { files: string[] })[] {
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

/** Reading history: a file's commits, a file at a commit, the last commit per path, a folder's log. */
export class GitLog {
  constructor(private readonly ctx: GitContext) {}

  /** The commit `sha` itself (author, date, subject). */
  async commit(sha: string): Promise<CommitInfo> {
    const [last] = parseLog(await this.ctx.git(['log', '-1', LOG_FORMAT, sha]));
    return { sha, author: last!.author, date: last!.date, message: last!.message };
  }

  async history(p: string, options: HistoryOptions = {}): Promise<CommitInfo[]> {
    resolveInRoot(this.ctx.root, p);
    if (!(await this.ctx.head())) return [];
    const args = ['log', '--follow', '--name-only', LOG_FORMAT];
    if (options.limit) args.push(`-n${Math.max(1, Math.floor(options.limit))}`);
    const out = await this.ctx.git([...args, '--', this.ctx.gitPath(p)]);
    return parseLog(out).map(({ files, ...info }) => ({
      ...info,
      path: files[0] !== undefined ? this.ctx.fromGitPath(files[0]) : p,
    }));
  }

  async readAt(p: string, sha: string): Promise<Uint8Array | null> {
    resolveInRoot(this.ctx.root, p);
    if (!SHA.test(sha)) throw new InvalidPathError('A revision must be a commit id (hexadecimal).');
    const spec = `${sha}:${this.ctx.gitPath(p)}`;
    try {
      const kind = (await this.ctx.git(['cat-file', '-t', spec])).trim();
      if (kind !== 'blob') return null;
      return new Uint8Array(await this.ctx.gitBytes(['cat-file', 'blob', spec]));
    } catch {
      return null;
    }
  }

  async lastCommits(dirs: string[]): Promise<Map<string, CommitInfo>> {
    const out = new Map<string, CommitInfo>();
    if (!(await this.ctx.head()) || dirs.length === 0) return out;
    for (const d of dirs) resolveInRoot(this.ctx.root, d);
    const log = await this.ctx.git([
      '-c',
      'core.quotePath=false',
      'log',
      '--no-renames',
      '--name-only',
      LOG_FORMAT,
      '--',
      ...dirs.map((d) => this.ctx.gitPathspec(d)),
    ]);
    for (const { files, ...info } of parseLog(log)) {
      for (const file of files) {
        const p = this.ctx.fromGitPath(file);
        if (!out.has(p)) out.set(p, info);
      }
    }
    return out;
  }

  async deletions(dirs: string[], options: HistoryOptions = {}): Promise<Deletion[]> {
    for (const d of dirs) resolveInRoot(this.ctx.root, d);
    if (!(await this.ctx.head()) || dirs.length === 0) return [];
    // -M: a rename is not a deletion. --first-parent: a merge's own deletions only once.
    const args = ['-c', 'core.quotePath=false', 'log', '-M', '--first-parent', '--diff-filter=D'];
    args.push('--name-only', `--format=${RECORD}%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%P${FIELD}%s`);
    if (options.limit) args.push(`-n${Math.max(1, Math.floor(options.limit))}`);
    const out = await this.ctx.git([...args, '--', ...dirs.map((d) => this.ctx.gitPathspec(d))]);
    const deletions: Deletion[] = [];
    for (const { files, message, ...info } of parseLog(out)) {
      const [parents = '', ...subject] = message.split(FIELD);
      const parent = parents.split(' ')[0];
      if (!parent) continue; // a root commit deletes nothing
      for (const file of files)
        deletions.push({ ...info, message: subject.join(FIELD), path: this.ctx.fromGitPath(file), parent });
    }
    return deletions;
  }

  /** Commits touching any of `paths` (content folders, the media folder), newest first. */
  async log(paths: string[], options: HistoryOptions = {}): Promise<CommitInfo[]> {
    for (const p of paths) resolveInRoot(this.ctx.root, p);
    if (!(await this.ctx.head())) return [];
    const args = ['log', LOG_FORMAT];
    if (options.limit) args.push(`-n${Math.max(1, Math.floor(options.limit))}`);
    const out = await this.ctx.git([...args, '--', ...paths.map((p) => this.ctx.gitPathspec(p))]);
    return parseLog(out).map(({ files: _files, ...info }) => info);
  }
}
