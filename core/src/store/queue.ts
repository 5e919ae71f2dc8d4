/**
 * Serializes async tasks. One queue per repository: writes run one at a time, in arrival order;
 * a failed task does not stop the ones behind it.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  get size(): number {
    return this.pending;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task, task);
    this.tail = result.then(
      () => void this.pending--,
      () => void this.pending--,
    );
    return result;
  }

  /** Resolves when everything queued so far has finished. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}

const queues = new Map<string, WriteQueue>();

/** The queue of the repository at `root` (a resolved path), shared by every store opened on it. */
export function queueFor(root: string): WriteQueue {
  let queue = queues.get(root);
  if (!queue) {
    queue = new WriteQueue();
    queues.set(root, queue);
  }
  return queue;
}
