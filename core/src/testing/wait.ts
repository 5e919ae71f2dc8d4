// The one polling helper every test uses to wait for something asynchronous: tests never sleep a
// fixed time before asserting, and never assert on wall-clock time (timings belong in bench/).
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this many milliseconds (default 15 s: generous for a loaded 2-core machine). */
  timeout?: number;
  /** Milliseconds between checks (default 20). */
  interval?: number;
  /** Says what was awaited, for the error on time-out; a function is called then (state at the end). */
  message?: string | (() => string);
}

/**
 * Resolves with the first truthy value `condition` returns; rejects when `timeout` passes first.
 * A condition that throws is retried (an assertion that does not hold yet), and its last error is
 * reported on time-out.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeout = 15_000, interval = 20, message }: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = performance.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() >= deadline) {
      const what = typeof message === 'function' ? message() : (message ?? 'a condition');
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}${why}`, { cause: lastError });
    }
    await delay(interval);
  }
}
