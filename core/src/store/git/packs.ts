import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ReplicaGit } from './replay.js';

/**
 * Packs from `git fast-import` (one per batch of commits) that may gather before they are rolled
 * up. Git's own `gc --auto` consolidates every pack into one at 50 (`gc.autoPackLimit`).
 */
const ROLL_UP_AT = 24;

/**
 * Where Mimsy's commits are stored. Each batch is kept as the one pack `git fast-import` writes
 * (`fastimport.unpackLimit=0`): unpacking it into loose objects — git's default for fewer than 100
 * objects — costs a file and an fsync per object and more than doubles a batch's time (bench:
 * "Committed writes through the Git store"). Small packs are then rolled up in the background,
 * geometrically (`git repack -d --geometric=2`: each pack at least twice the size of the next, so
 * a roll-up rewrites only the small ones, never the whole history), before they slow lookups.
 * Git runs repacks beside other commands by design (as `gc --auto` does), so the write queue does
 * not wait for it.
 */
export class PackUpkeep {
  private packDir: Promise<string> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly git: ReplicaGit,
    private readonly rollUpAt = ROLL_UP_AT,
  ) {}

  /** `git fast-import` with its pack kept as written (put before the subcommand). */
  static readonly keepPack = ['-c', 'fastimport.unpackLimit=0'];

  /** After a batch was written: rolls the small packs up when there are enough of them. */
  check(): void {
    if (this.running) return;
    this.running = this.rollUpIfDue()
      .catch(() => undefined) // best effort: the next batch tries again
      .finally(() => (this.running = null));
  }

  /** Waits for a roll-up under way. */
  async idle(): Promise<void> {
    await this.running;
  }

  private async rollUpIfDue(): Promise<void> {
    this.packDir ??= this.git
      .run(['rev-parse', '--path-format=absolute', '--git-path', 'objects/pack'])
      .then((out) => path.resolve(out.trim()));
    const names = await readdir(await this.packDir).catch(() => [] as string[]);
    const packs = names.filter((n) => n.endsWith('.pack')).length;
    if (packs < this.rollUpAt) return;
    await this.git.run(['repack', '-d', '-q', '--geometric=2']);
  }
}
