// Who writes: one replica at a time holds the writer's lease for the branch (docs/scaling.md).
// Correctness never depends on it — a push is a compare-and-swap on the remote branch, so two
// replicas that both believe they write still cannot lose or double a commit — but with one writer
// the pushes stop racing each other. The lease comes from an existing mechanism, chosen by
// configuration: a lock file on one machine, a Kubernetes Lease in a cluster.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';

export interface WriterElection {
  /** This replica's address, as the other replicas reach it (http://host:port). */
  readonly self: string;
  /** Whether this replica holds the writer's lease now. */
  readonly leading: boolean;
  /** Starts taking part (and tries once to take the lease). */
  start(): Promise<void>;
  /** The writer's address now (this replica's own when leading), or null while nobody holds it. */
  writer(): Promise<string | null>;
  /** Called whenever this replica takes or loses the lease. */
  onChange(listener: (leading: boolean) => void): void;
  /** Gives the lease up (a clean stop hands over at once) and stops taking part. */
  stop(): Promise<void>;
}

/** No election: this process is the only writer (one server, or replicas that race — the old way). */
export class SoleWriter implements WriterElection {
  readonly leading = true;
  constructor(readonly self = '') {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  writer(): Promise<string | null> {
    return Promise.resolve(this.self);
  }
  onChange(): void {}
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

/** Base for elections that poll: keeps `leading` and tells listeners when it changes. */
export abstract class PollingElection implements WriterElection {
  leading = false;
  private readonly listeners: ((leading: boolean) => void)[] = [];
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  protected stopped = false;

  constructor(
    readonly self: string,
    protected readonly everyMs: number,
  ) {}

  /** One attempt to take or keep the lease. */
  protected abstract attempt(): Promise<void>;
  abstract writer(): Promise<string | null>;
  protected abstract release(): Promise<void>;

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  onChange(listener: (leading: boolean) => void): void {
    this.listeners.push(listener);
  }

  protected set(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    for (const listener of this.listeners) listener(leading);
  }

  private tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.round ??= this.attempt()
      .catch(() => undefined)
      .finally(() => (this.round = null));
    return this.round;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.round;
    if (this.leading) await this.release().catch(() => undefined);
    this.set(false);
  }
}

/**
 * The lease as a lock file that replicas on one machine share (proper-lockfile: an atomic mkdir,
 * kept fresh every second; a holder that stops refreshing — killed, hung — loses it after
 * `staleMs`). Beside it, `<file>.holder` names the holder's address for the others.
 */
export class LockFileElection extends PollingElection {
  private releaseLock: (() => Promise<void>) | null = null;
  private cached: { at: number; writer: string | null } | null = null;

  constructor(
    self: string,
    private readonly file: string,
    private readonly staleMs = 3000,
  ) {
    super(self, 500);
  }

  private get holderFile(): string {
    return `${this.file}.holder`;
  }

  protected async attempt(): Promise<void> {
    if (this.leading) return;
    await mkdir(path.dirname(this.file), { recursive: true });
    try {
      this.releaseLock = await lockfile.lock(this.file, {
        stale: this.staleMs,
        update: 1000,
        realpath: false,
        retries: 0,
        onCompromised: () => {
          // Another replica took it (this one stopped refreshing in time): no longer the writer.
          this.releaseLock = null;
          this.set(false);
        },
      });
    } catch {
      return; // held by someone else
    }
    const temp = `${this.holderFile}.${process.pid}`;
    await writeFile(temp, JSON.stringify({ url: this.self, since: new Date().toISOString() }));
    await rename(temp, this.holderFile);
    this.cached = null;
    this.set(true);
  }

  async writer(): Promise<string | null> {
    if (this.leading) return this.self;
    const now = Date.now();
    if (this.cached && now - this.cached.at < 200) return this.cached.writer;
    let writer: string | null = null;
    const held = await lockfile.check(this.file, { stale: this.staleMs, realpath: false }).catch(() => false);
    if (held) {
      const holder = await readFile(this.holderFile, 'utf8').catch(() => '');
      try {
        writer = (JSON.parse(holder) as { url?: string }).url ?? null;
      } catch {
        writer = null; // being written: ask again in a moment
      }
    }
    this.cached = { at: now, writer };
    return writer;
  }

  protected async release(): Promise<void> {
    const release = this.releaseLock;
    this.releaseLock = null;
    await release?.();
  }
}
