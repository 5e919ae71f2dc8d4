import { describe, expect, it } from 'vitest';
import { waitFor } from './wait.js';

describe('waitFor', () => {
  it('returns the first truthy value, checking again until it comes', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? `after ${calls}` : null), { interval: 1 })).resolves.toBe(
      'after 3',
    );
  });

  it('retries a condition that throws, and reports its last error on time-out', async () => {
    let calls = 0;
    await expect(
      waitFor(
        () => {
          calls++;
          throw new Error('not yet');
        },
        {
          timeout: 30,
          interval: 1,
          message: () => `the answer (${calls > 1 ? 'asked again' : 'asked once'})`,
        },
      ),
    ).rejects.toThrow(/waiting for the answer \(asked again\): not yet/);
  });

  it('waits on promises', async () => {
    let ready = false;
    queueMicrotask(() => (ready = true));
    await expect(waitFor(async () => ready)).resolves.toBe(true);
  });
});
