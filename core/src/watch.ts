import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { watch } from 'chokidar';
import { TEMP_MARKER } from './store/fs.js';

/**
 * Watches the content folders for edits made outside Mimsy (an editor, `git pull`) and reports
 * each changed repository-relative path once things settle for a moment.
 */
export class FileWatcher {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  private constructor(
    private readonly watcher: FSWatcher,
    private readonly root: string,
    private readonly onChange: (relative: string) => void,
    private readonly settleMs: number,
  ) {}

  static async start(
    root: string,
    targets: string[],
    onChange: (relative: string) => void,
    options: { settleMs?: number } = {},
  ): Promise<FileWatcher> {
    const relevant = (absolute: string): boolean => {
      const rel = path.relative(root, absolute).split(path.sep).join('/');
      if (rel === '') return true;
      if (rel.startsWith('..')) return false;
      if (path.basename(rel).startsWith(TEMP_MARKER)) return false;
      // Keep folders on the way to a target and everything inside a target.
      return targets.some((t) => rel === t || rel.startsWith(t + '/') || t.startsWith(rel + '/'));
    };
    const watcher = watch(root, {
      ignoreInitial: true,
      ignored: (p: string) => !relevant(p),
      persistent: true,
      followSymlinks: false,
    });
    const fw = new FileWatcher(watcher, root, onChange, options.settleMs ?? 25);
    for (const event of ['add', 'change', 'unlink'] as const)
      watcher.on(event, (p: string) => fw.schedule(p));
    watcher.on('error', () => undefined);
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    return fw;
  }

  private schedule(absolute: string): void {
    const rel = path.relative(this.root, absolute).split(path.sep).join('/');
    clearTimeout(this.timers.get(rel));
    this.timers.set(
      rel,
      setTimeout(() => {
        this.timers.delete(rel);
        this.onChange(rel);
      }, this.settleMs),
    );
  }

  async close(): Promise<void> {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.watcher.close();
  }
}
