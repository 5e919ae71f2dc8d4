import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../../testing/fixtures.js';
import { GitCommandError, gitBytesRunner, gitRunner, processLimit } from './run.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

describe('processLimit', () => {
  it('runs at most max calls at once, starts the others in order, and frees a slot on failure', async () => {
    let active = 0;
    let most = 0;
    const started: number[] = [];
    const gate = processLimit(3);
    const task = gate(async (n: number) => {
      started.push(n);
      active++;
      most = Math.max(most, active);
      await new Promise((r) => setTimeout(r, 5 + (n % 3))); // the task's work, not a wait to assert
      active--;
      if (n % 4 === 0) throw new Error(`task ${n} failed`);
      return n * 2;
    });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => task(n)));
    expect(most).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(5);
    expect(results[5]).toEqual({ status: 'fulfilled', value: 10 });
    expect(await task(1)).toBe(2); // no slot leaked by the failures
  });

  it('counts every function it wraps against the same limit', async () => {
    let active = 0;
    let most = 0;
    const work = async (): Promise<void> => {
      most = Math.max(most, ++active);
      await new Promise((r) => setTimeout(r, 5)); // the task's work, not a wait to assert
      active--;
    };
    const gate = processLimit(2);
    const text = gate(work);
    const bytes = gate(work);
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? text() : bytes())));
    expect(most).toBe(2);
  });
});

describe('gitRunner', () => {
  it('gives blobs back byte for byte and says what git printed when a command fails', async () => {
    const bytes = Uint8Array.from([0xff, 0xfe, 0x00, 0xc0, 0xaf, 0x0a]);
    repo = makeTempRepo({ files: { 'bin.dat': bytes } });
    const env = { ...process.env, LC_ALL: 'C' };
    const blob = await gitBytesRunner(repo.dir, env)(['cat-file', 'blob', 'HEAD:bin.dat']);
    expect(Buffer.compare(blob, Buffer.from(bytes))).toBe(0);
    const run = gitRunner(repo.dir, env);
    // Standard output comes back as git printed it (untrimmed), with standard input fed through.
    expect(await run(['hash-object', '--stdin'], { input: 'x' })).toMatch(/^[0-9a-f]{40}\n$/);
    const failure = await run(['cat-file', 'blob', 'HEAD:missing.md']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GitCommandError);
    expect((failure as GitCommandError).stderr).toMatch(/missing\.md/);
    expect((failure as GitCommandError).exitCode).toBe(128);
  });
});

describe('git commands that talk to a remote', () => {
  it('are stopped at the time limit with their helpers, and the error names the subcommand', async () => {
    repo = makeTempRepo({ files: { 'a.md': 'a\n' } });
    // A "remote" whose transport never answers: git starts this ssh command, which just waits.
    const run = gitRunner(repo.dir, {
      ...process.env,
      GIT_SSH_COMMAND: 'sleep 60; :', // git appends the host and command: ':' takes them
      MIMSY_GIT_NETWORK_TIMEOUT_SECONDS: '1',
    });
    const started = Date.now();
    const error = (await run(['-c', 'core.askPass=', 'fetch', 'ssh://example.invalid/repo.git']).catch(
      (e: unknown) => e,
    )) as GitCommandError;
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.message).toMatch(/^git fetch failed: the remote did not answer within 1 s/);
    // Stopped at the limit, not when the helper gave up by itself (60 s).
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('name the real subcommand when global options come first', async () => {
    repo = makeTempRepo({ files: { 'a.md': 'a\n' } });
    const run = gitRunner(repo.dir, process.env);
    await expect(run(['-c', 'user.name=x', '-C', repo.dir, 'cat-file', '-p', 'nope'])).rejects.toThrow(
      /^git cat-file failed/,
    );
  });
});
