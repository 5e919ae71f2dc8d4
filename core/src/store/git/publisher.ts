import { ConflictError, ErrorCodes, MimsyError } from '../../errors.js';
import { readInRoot } from '../fs.js';
import type { CommitResult, ParkedCommits, PublishTarget, RemoteStatus, StoredFile } from '../port.js';
import { blobId } from '../../version.js';
import type { GitContext } from './context.js';
import type { GitIndexes } from './indexes.js';
import { rebaseOnto } from './rebase.js';
import { fetchBranch } from './remote.js';
import {
  changedPaths,
  classifyPushFailure,
  gitMessage,
  gitOutput,
  localCommits,
  moveTo,
  replayCommits,
  revParse,
} from './replay.js';

/** Attempts at a push that keeps losing races before a write gives up (REMOTE_BUSY). */
const PUBLISH_ATTEMPTS = 16;

/** A writer whose commit is made and who waits for a push to carry it (group commit). */
export interface Waiter {
  result: CommitResult;
  /** The content paths the commit changed. */
  paths: string[];
  target: PublishTarget;
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

/** What an integrate did: paths it changed, commits of waiting writers dropped, commits replayed. */
export interface Integration {
  changed: string[];
  dropped: Map<string, string[]>;
  replayed: Map<string, string>;
}

/**
 * Group commit for replicas: writers whose commits are made wait here, and one push carries every
 * commit made meanwhile. A push that loses a race is integrated with what the remote has (replay
 * of local commits, 409 for a writer whose paths the remote changed) and retried; an unreachable
 * remote leaves the commits local, acknowledged as pending. Also the one place that moves HEAD to
 * a remote's commits, and tells listeners which content paths that changed.
 */
export class GitPublisher {
  /** How the last push or pull went, for remote status. */
  lastSync: RemoteStatus['lastSync'] = null;
  /** Local commits that could not be published because the remote changed the same files. */
  readonly parkedBranches: ParkedCommits[] = [];
  private readonly waiters: Waiter[] = [];
  private publishing: Promise<void> | null = null;
  private readonly listeners = new Set<(paths: string[]) => void>();
  private readonly publishedListeners = new Set<(head: string) => void>();

  constructor(
    private readonly ctx: GitContext,
    private readonly indexes: GitIndexes,
  ) {}

  /** Whether writers are waiting for a push, or one is under way. */
  get busy(): boolean {
    return this.waiters.length > 0 || this.publishing !== null;
  }

  /** Registers a made commit as waiting for a push (call inside the write queue). */
  wait(result: CommitResult, paths: string[], target: PublishTarget): Promise<CommitResult> {
    return new Promise<CommitResult>((resolve, reject) =>
      this.waiters.push({ result, paths, target, resolve, reject }),
    );
  }

  /** Starts pushing what waits, unless a push is under way (it picks up newcomers). */
  kick(): void {
    if (this.publishing) return;
    this.publishing = (async () => {
      while (this.waiters.length) {
        let batch: Waiter[] = [];
        try {
          await this.ctx.queue.run(() => {
            batch = this.waiters.splice(0);
            return this.publishBatch(batch);
          });
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    })().finally(() => {
      this.publishing = null;
      if (this.waiters.length) this.kick();
    });
  }

  /** Waits until no push is under way. */
  async idle(): Promise<void> {
    while (this.publishing) await this.publishing;
  }

  onPublished(listener: (head: string) => void): () => void {
    this.publishedListeners.add(listener);
    return () => this.publishedListeners.delete(listener);
  }

  /** Tells listeners that the remote branch now holds `head` (a push of ours got through). */
  published(head: string): void {
    for (const listener of this.publishedListeners) listener(head);
  }

  onRemoteChange(listener: (paths: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A pull in a replica: integrates `upstreamRef`; commits whose writers still wait for a push are
   * theirs to answer for (409 when dropped), not to park. Runs in the write queue.
   */
  async pull(upstreamRef: string, remote: string): Promise<string[]> {
    const outcome = await this.integrate(upstreamRef, {
      remote,
      mine: new Set(this.waiters.map((w) => w.result.sha)),
    });
    const still = await this.settleWaiters(this.waiters.splice(0), outcome);
    this.waiters.unshift(...still);
    return outcome.changed;
  }

  /**
   * Pushes HEAD, which holds every commit in `batch`. A push that loses a race fetches, replays the
   * local commits onto the remote and tries again with backoff; a commit whose paths the remote
   * changed since its editor's version is dropped and its writer gets a ConflictError with the
   * remote's version. When the remote cannot be reached (or refuses), the commits stay local and
   * are acknowledged as pending. Runs in the write queue.
   */
  private async publishBatch(batch: Waiter[]): Promise<void> {
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
    const { plumbing } = this.ctx;
    const target = batch[0]!.target;
    const tracking = `refs/remotes/${target.remote}/${target.branch}`;
    let waiting = batch;
    const settle = (sync: 'pushed' | 'pending'): void => {
      for (const w of waiting) w.resolve({ ...w.result, sync });
    };
    for (let attempt = 0; ; attempt++) {
      const head = (await this.ctx.head())!;
      try {
        await plumbing.run(['push', '--porcelain', target.remote, `HEAD:refs/heads/${target.branch}`]);
        await plumbing.run(['update-ref', tracking, head]);
        this.lastSync = { at: new Date().toISOString(), ok: true };
        this.published(head);
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
        await fetchBranch(this.ctx, target.remote, target.branch);
      } catch (error) {
        this.lastSync = { at: new Date().toISOString(), ok: false, error: (error as Error).message };
        return settle('pending');
      }
      // The remote has HEAD after all (a push that got through but answered badly): done.
      if ((await revParse(plumbing, tracking)) === head) {
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
      waiting = await this.settleWaiters(waiting, outcome, giveUp);
      if (waiting.length === 0) return;
      await new Promise((r) => setTimeout(r, Math.min(400, 10 * 2 ** attempt) * (0.5 + Math.random())));
    }
  }

  /**
   * After an integrate: writers whose commits were dropped get their answer (409, or REMOTE_BUSY
   * when `gaveUp`); the others learn their commit's new id. Returns those still waiting.
   */
  private async settleWaiters(waiting: Waiter[], outcome: Integration, gaveUp = false): Promise<Waiter[]> {
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
        const p = w.paths.find((c) => tainted.includes(this.ctx.gitPath(c))) ?? w.paths[0]!;
        const bytes = await readInRoot(this.ctx.root, p);
        const current: StoredFile | null = bytes ? { path: p, bytes, version: blobId(bytes) } : null;
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
    const { prefix } = this.ctx;
    const paths = gitPaths.filter((p) => p.startsWith(prefix)).map((p) => this.ctx.fromGitPath(p));
    if (paths.length === 0) return;
    for (const listener of this.listeners) listener(paths);
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
  ): Promise<Integration> {
    const { ctx, indexes } = this;
    const { plumbing } = ctx;
    const dropped = new Map<string, string[]>();
    const none = { changed: [], dropped, replayed: new Map<string, string>() };
    const up = await revParse(plumbing, upstreamRef);
    const head = await ctx.head();
    if (!up || head === up) return none;
    await indexes.syncIndex(); // moving the working tree checks it against the index
    if (!head) {
      await ctx.git(['reset', '--hard', '--quiet', up]);
      const changed = (await plumbing.run(['ls-files', '-z'])).split('\0').filter(Boolean);
      this.announce(changed);
      return { ...none, changed };
    }
    const base = (await plumbing.run(['merge-base', head, up]).catch(() => '')).trim();
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
      const commits = await localCommits(plumbing, base, head);
      if (!commits) {
        // A merge made outside Mimsy: let git rebase handle it (conflicts abort, losing nothing).
        await rebaseOnto(ctx, indexes, upstreamRef);
        const changed = await changedPaths(plumbing, head, (await ctx.head())!);
        this.announce(changed);
        return { ...none, changed };
      }
      const tainted = new Set(await changedPaths(plumbing, base, up));
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
    const { tip, replayed } = await replayCommits(plumbing, keep, up);
    if (parked.length) await this.park(parked, base, options.remote);
    const changed = tip === head ? [] : await moveTo(plumbing, head, tip);
    this.announce(changed);
    return { changed, dropped, replayed };
  }

  /**
   * Keeps commits the remote made impossible to replay on a branch of their own, never losing them:
   * the branch holds just those commits (re-created on `base`, where they diverged from the
   * remote), not the ones published meanwhile, so merging or reading it shows only what waits.
   */
  private async park(dropped: string[], base: string, remote?: string): Promise<void> {
    const { plumbing } = this.ctx;
    const at = new Date().toISOString();
    const { tip } = await replayCommits(plumbing, dropped, base);
    const branch = `mimsy/unpublished-${at.replace(/[-:T]/g, '').slice(0, 14)}-${tip.slice(0, 7)}`;
    await plumbing.run(['branch', '-f', branch, tip]);
    let pushed = false;
    if (remote) {
      pushed = await plumbing
        .run(['push', '--porcelain', remote, `refs/heads/${branch}:refs/heads/${branch}`])
        .then(
          () => true,
          () => false,
        );
    }
    const files = dropped.length
      ? (await plumbing.run(['show', '--no-renames', '--name-only', '-z', '--format=', ...dropped]))
          .split('\0')
          .map((p) => p.trim())
          .filter(Boolean)
      : [];
    this.parkedBranches.push({
      branch,
      at,
      files: [...new Set(files)].map((p) => this.ctx.fromGitPath(p)),
      pushed,
    });
  }
}
