import { existsSync } from 'node:fs';
import { redact } from '../../redact.js';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { GitRun } from './run.js';
import { GitCommandError } from './run.js';
import { writeFileAtomic } from '../fs.js';
import { committerIdentity, FastImportStream, identity, rawDate } from './fast-import.js';

/**
 * The Git plumbing behind replicas sharing one remote (see docs/scaling.md): replaying local
 * commits onto what the remote has, and moving the working tree from one commit to another
 * without ever leaving it half-moved after a crash.
 */

const MOVE_JOURNAL = 'mimsy-move.json';

export interface ReplicaGit {
  /** git, run from the top of the work tree. */
  run: GitRun;
  gitDir: string;
  /** `-c user.name=… -c user.email=…` when the repository has no identity of its own. */
  committerArgs: string[];
}

export interface LocalCommit {
  sha: string;
  /** Paths (from the top of the work tree) the commit changes. */
  paths: string[];
}

/** What went wrong with a push, which decides what happens next. */
export type PushFailure =
  /** Someone else pushed first: fetch, replay, try again. */
  | 'race'
  /** The remote cannot be reached (down, DNS, network): keep the commit, push later. */
  | 'unreachable'
  /** The remote answered and refused (hook, protection, permissions): keep it, report it. */
  | 'refused';

export function classifyPushFailure(message: string): PushFailure {
  if (
    /\[rejected\]|non-fast-forward|fetch first|stale info|cannot lock ref|failed to lock|failed to update ref|incorrect old value/i.test(
      message,
    )
  )
    return 'race';
  if (
    /remote rejected|pre-receive|hook declined|permission|denied|forbidden|403|protected branch/i.test(
      message,
    )
  )
    return 'refused';
  return 'unreachable';
}

/** Everything git printed for a failed command, with credentials in URLs blanked out. */
export function gitOutput(error: unknown): string {
  return redact(error instanceof GitCommandError ? error.stderr : String((error as Error)?.message ?? error));
}

/** The telling lines of what git printed (no hints, no progress), for messages. */
export function gitMessage(error: unknown): string {
  return (
    gitOutput(error)
      .split('\n')
      .map((l) => l.replace(/^remote:\s*/, '').trim())
      .filter((l) => l && !/^(hint:|To |Done$)/.test(l))
      .slice(0, 3)
      .join(' ') || 'unknown error'
  );
}

function splitZ(out: string): string[] {
  return out.split('\0').filter(Boolean);
}

export async function revParse(git: ReplicaGit, ref: string): Promise<string | null> {
  const out = await git.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '');
  return out.trim() || null;
}

/** Paths that differ between two commits (top-level relative, no rename detection). */
export async function changedPaths(git: ReplicaGit, from: string, to: string): Promise<string[]> {
  return splitZ(await git.run(['diff', '--no-renames', '--name-only', '-z', from, to, '--']));
}

/** Commits in base..head, oldest first, with the paths each changes; null when one is a merge. */
export async function localCommits(
  git: ReplicaGit,
  base: string,
  head: string,
): Promise<LocalCommit[] | null> {
  const out = await git.run([
    'log',
    '--reverse',
    '--no-renames',
    '--name-only',
    '-z',
    '--format=%x1e%H %P',
    `${base}..${head}`,
    '--',
  ]);
  const commits: LocalCommit[] = [];
  for (const record of out.split('\x1e')) {
    if (!record.trim()) continue;
    const [first = '', ...rest] = record.split('\0');
    const [header = '', firstPath] = first.split('\n');
    const [sha = '', ...parents] = header.trim().split(' ');
    if (parents.length > 1) return null; // a merge
    const paths = [firstPath ?? '', ...rest].map((p) => p.replace(/^\n/, '')).filter(Boolean);
    commits.push({ sha, paths });
  }
  return commits;
}

/**
 * Re-creates `shas` (oldest first) on top of `onto`: the same file changes, authors, dates and
 * messages. Only used for commits none of whose paths changed in between, so they cannot
 * conflict. One `git fast-import` builds every commit (it was three processes per commit): the
 * shorter a replay, the smaller the window in which another replica's push can win the race again.
 * Returns old → new commit ids and the tip.
 */
export async function replayCommits(
  git: ReplicaGit,
  shas: string[],
  onto: string,
): Promise<{ tip: string; replayed: Map<string, string> }> {
  const replayed = new Map<string, string>();
  if (shas.length === 0) return { tip: onto, replayed };
  const meta = new Map<string, { name: string; email: string; date: string; message: string }>();
  const log = await git.run([
    'log',
    '--no-walk=unsorted',
    '--date=raw',
    '--format=%x1e%H%x00%an%x00%ae%x00%ad%x00%B',
    ...shas,
  ]);
  for (const record of log.split('\x1e')) {
    if (!record) continue;
    const [sha = '', name = '', email = '', date = '', ...message] = record.split('\0');
    // The message byte for byte: drop only the newline that --format puts after each commit.
    meta.set(sha, { name, email, date, message: message.join('\0').replace(/\n$/, '') });
  }
  // One diff-tree for all commits: "<sha>" then ":<modes> <blobs> <status>", "<path>" pairs.
  const changes = new Map<string, { path: string; mode: string; blob: string | null }[]>();
  let current = '';
  let pending: string | null = null;
  for (const token of splitZ(
    await git.run(['diff-tree', '-r', '--no-renames', '-z', '--stdin'], { input: shas.join('\n') + '\n' }),
  )) {
    if (pending !== null) {
      const [, mode = '', , blob = '', status = ''] = pending.slice(1).split(' ');
      const list = changes.get(current) ?? [];
      if (list.length === 0) changes.set(current, list);
      list.push({ path: token, mode, blob: status === 'D' ? null : blob });
      pending = null;
    } else if (token.startsWith(':')) pending = token;
    else current = token.trim();
  }
  // The committer is whoever replays (as `git commit-tree` would have it), at this moment.
  const committer = `${await committerIdentity(git)} ${rawDate()}`;
  const stream = new FastImportStream();
  for (const [i, sha] of shas.entries()) {
    const info = meta.get(sha);
    if (!info) throw new Error(`commit ${sha} has no metadata`);
    stream.commit(REPLAY_REF, {
      author: `${identity(info.name, info.email)} ${info.date}`,
      committer,
      message: info.message,
      from: i === 0 ? onto : null,
    });
    for (const c of changes.get(sha) ?? []) {
      if (c.blob === null) stream.remove(c.path);
      else stream.putBlob(c.path, c.blob, c.mode);
    }
    stream.end();
  }
  try {
    const made = await stream.run(git, { force: true });
    for (const [i, sha] of shas.entries()) replayed.set(sha, made[i]!);
  } finally {
    await dropReplayRef(git);
  }
  return { tip: replayed.get(shas[shas.length - 1]!)!, replayed };
}

/** fast-import must name a branch for the commits it builds; it is deleted straight after. */
const REPLAY_REF = 'refs/mimsy/replay';

async function dropReplayRef(git: ReplicaGit): Promise<void> {
  await git.run(['update-ref', '-d', REPLAY_REF]).catch(() => undefined);
}

interface MoveJournal {
  from: string;
  to: string;
  paths: string[];
}

/**
 * Moves HEAD, the index and the working tree from `from` to `to`, touching only the paths that
 * differ. Git's own checkout code writes the files (it refuses to overwrite local changes and never
 * follows a symlink out of the tree). A journal makes a crash at any point recoverable: recovery
 * puts those paths back to whatever HEAD is.
 */
export async function moveTo(git: ReplicaGit, from: string, to: string): Promise<string[]> {
  const paths = await changedPaths(git, from, to);
  const journal = path.join(git.gitDir, MOVE_JOURNAL);
  await writeFileAtomic(journal, Buffer.from(JSON.stringify({ from, to, paths } satisfies MoveJournal)));
  try {
    try {
      await git.run(['read-tree', '-m', '-u', from, to]);
    } catch (error) {
      // Stale stat data in the index looks like a local change; refresh it and try once more.
      if (!/not uptodate|would be overwritten/i.test(gitMessage(error))) throw error;
      await git.run(['update-index', '-q', '--refresh']).catch(() => undefined);
      await git.run(['read-tree', '-m', '-u', from, to]);
    }
    await git.run(['update-ref', '-m', 'mimsy: move to the remote', 'HEAD', to, from]);
  } catch (error) {
    await restorePaths(git, paths).catch(() => undefined);
    await rm(journal, { force: true });
    throw error;
  }
  await rm(journal, { force: true });
  return paths;
}

/** Makes `paths` in the index and working tree equal to HEAD. */
async function restorePaths(git: ReplicaGit, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  const inHead = new Set(
    splitZ(await git.run(['ls-tree', '-r', '-z', '--name-only', 'HEAD', '--', ...paths]).catch(() => '')),
  );
  const present = paths.filter((p) => inHead.has(p));
  const absent = paths.filter((p) => !inHead.has(p));
  if (present.length) await git.run(['checkout', '-f', 'HEAD', '--', ...present]);
  if (absent.length) {
    await git.run(['rm', '-q', '--cached', '--ignore-unmatch', '--', ...absent]);
    const top = (await git.run(['rev-parse', '--show-toplevel'])).trim();
    for (const p of absent) await rm(path.join(top, p), { force: true });
  }
}

/** Finishes (undoes) a move interrupted by a crash; returns a sentence for the log, or null. */
export async function recoverMove(git: ReplicaGit): Promise<string | null> {
  const journal = path.join(git.gitDir, MOVE_JOURNAL);
  if (!existsSync(journal)) return null;
  let move: MoveJournal | null = null;
  try {
    move = JSON.parse(await readFile(journal, 'utf8')) as MoveJournal;
  } catch {
    move = null;
  }
  if (move) await restorePaths(git, move.paths);
  await rm(journal, { force: true });
  return move
    ? `an interrupted pull was settled: ${move.paths.length} file(s) match the current commit again`
    : null;
}

/** Removes what a replay killed half-way may have left: its branch (and an older version's index). */
export async function cleanReplay(git: ReplicaGit): Promise<void> {
  await rm(path.join(git.gitDir, 'mimsy-replay-index'), { force: true });
  await dropReplayRef(git);
}
