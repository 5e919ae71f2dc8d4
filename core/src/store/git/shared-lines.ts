// A small set of text lines that every replica shares through the content repository's Git remote,
// on a ref of its own (refs/mimsy/<name>) beside the content's branch: the API keeps its session
// revocations there, so that a logout on one replica ends the session on all of them. Git is the
// replication protocol; a concurrent change is merged by union and the push retried.
import { GitCommandError, type GitRun } from './run.js';

const FILE = 'lines';
const ATTEMPTS = 8;

export class SharedLines {
  private readonly local: string;
  private readonly tracking: string;

  constructor(
    private readonly git: GitRun,
    name: string,
    /** The remote to share through, or null to keep the lines in this repository only. */
    private readonly remote: string | null,
    private readonly committerArgs: string[] = [],
  ) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`not a shared-lines name: ${name}`);
    this.local = `refs/mimsy/${name}`;
    this.tracking = `refs/mimsy-remote/${name}`;
  }

  /** Every line, from this repository and (after a fetch) the remote. */
  async read(): Promise<string[]> {
    await this.fetch();
    return [...new Set([...(await this.linesAt(this.local)), ...(await this.linesAt(this.tracking))])];
  }

  /**
   * Adds lines and drops those `keep` refuses (expired ones), then publishes: written locally at
   * once, pushed when there is a remote. Resolves to false when the remote could not be reached
   * (the lines are kept here and go out with the next add).
   */
  async add(lines: string[], keep: (line: string) => boolean = () => true): Promise<boolean> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const reachable = await this.fetch();
      const parent = await this.tip(this.tracking);
      const merged = [
        ...new Set([...(await this.linesAt(this.local)), ...(await this.linesAt(this.tracking)), ...lines]),
      ]
        .filter(keep)
        .sort();
      const commit = await this.write(merged, parent);
      await this.git(['update-ref', this.local, commit]);
      if (!this.remote || !reachable) return !this.remote;
      try {
        await this.git(['push', '--quiet', '--no-verify', this.remote, `${commit}:${this.local}`]);
        await this.git(['update-ref', this.tracking, commit]);
        return true;
      } catch (error) {
        // Another replica pushed first: fetch its lines and merge again; anything else: give up.
        if (
          !(error instanceof GitCommandError) ||
          !/rejected|fetch first|non-fast-forward/i.test(error.stderr)
        )
          return false;
      }
    }
    return false;
  }

  /** Fetches the remote's lines; false when the remote cannot be reached. */
  private async fetch(): Promise<boolean> {
    if (!this.remote) return true;
    try {
      await this.git(['fetch', '--quiet', '--no-tags', this.remote, `+${this.local}:${this.tracking}`]);
    } catch (error) {
      // Nobody has shared any lines yet: the remote has no such ref.
      return error instanceof GitCommandError && /couldn't find remote ref/i.test(error.stderr);
    }
    // Once the remote holds everything written here, follow it (it may have dropped expired lines).
    const [local, tracking] = [await this.tip(this.local), await this.tip(this.tracking)];
    if (tracking && (!local || (await this.isAncestor(local, tracking))))
      await this.git(['update-ref', this.local, tracking]);
    return true;
  }

  private async isAncestor(a: string, b: string): Promise<boolean> {
    try {
      await this.git(['merge-base', '--is-ancestor', a, b]);
      return true;
    } catch {
      return false;
    }
  }

  private async tip(ref: string): Promise<string | null> {
    const out = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '');
    return out.trim() || null;
  }

  private async linesAt(ref: string): Promise<string[]> {
    if (!(await this.tip(ref))) return [];
    const text = await this.git(['cat-file', 'blob', `${ref}:${FILE}`]).catch(() => '');
    return text.split('\n').filter(Boolean);
  }

  private async write(lines: string[], parent: string | null): Promise<string> {
    const blob = (
      await this.git(['hash-object', '-w', '--stdin'], { input: lines.map((l) => `${l}\n`).join('') })
    ).trim();
    const tree = (await this.git(['mktree'], { input: `100644 blob ${blob}\t${FILE}\n` })).trim();
    const args = [...this.committerArgs, 'commit-tree', tree, '-m', 'mimsy: shared lines'];
    if (parent) args.push('-p', parent);
    return (
      await this.git(args, {
        env: {
          GIT_AUTHOR_NAME: 'Mimsy',
          GIT_AUTHOR_EMAIL: 'mimsy@localhost',
          GIT_COMMITTER_NAME: 'Mimsy',
          GIT_COMMITTER_EMAIL: 'mimsy@localhost',
        },
      })
    ).trim();
  }
}
