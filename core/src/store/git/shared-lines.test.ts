import { execFileSync } from 'node:child_process';
import { renameSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  makeRemote,
  makeTempRepo,
  SMALL_REPO,
  type TempRemote,
  type TempRepo,
} from '../../testing/fixtures.js';
import { GitStore } from './index.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function replicas(): Promise<{ a: GitStore; b: GitStore; remote: TempRemote; seed: TempRepo }> {
  const seed = makeTempRepo({ files: SMALL_REPO });
  const remote = makeRemote(seed);
  const a = await GitStore.open(remote.clone('a'));
  const b = await GitStore.open(remote.clone('b'));
  cleanups.push(
    () => seed.cleanup(),
    () => remote.cleanup(),
    () => a.close(),
    () => b.close(),
  );
  return { a, b, remote, seed };
}

describe('lines shared through the Git remote', () => {
  it('reach the other replica, merge when added at the same time, and drop what `keep` refuses', async () => {
    const { a, b, remote } = await replicas();
    const onA = await a.remote.sharedLines('revoked', 'origin');
    const onB = await b.remote.sharedLines('revoked', 'origin');
    expect(await onB.read()).toEqual([]);
    expect(await onA.add(['s1 9999999999999'])).toBe(true);
    expect(await onB.read()).toEqual(['s1 9999999999999']);
    // Both add at once: one push loses the race, fetches, merges and pushes again.
    const results = await Promise.all([onA.add(['s2 9999999999999']), onB.add(['s3 9999999999999'])]);
    expect(results).toEqual([true, true]);
    expect((await onA.read()).sort()).toEqual(['s1 9999999999999', 's2 9999999999999', 's3 9999999999999']);
    // Expired lines go with the next write.
    await onB.add(['s4 9999999999999'], (line) => !line.startsWith('s1 '));
    expect((await onA.read()).sort()).toEqual(['s2 9999999999999', 's3 9999999999999', 's4 9999999999999']);
    // The content branch is untouched: the lines live on a ref of their own.
    const refs = execFileSync('git', ['for-each-ref', '--format=%(refname)'], {
      cwd: remote.bare,
      encoding: 'utf8',
    });
    expect(refs).toContain('refs/mimsy/revoked');
    expect(
      execFileSync('git', ['log', '--format=%s', 'main'], { cwd: remote.bare, encoding: 'utf8' }),
    ).not.toContain('shared lines');
  });

  it('stay in the repository without a remote, and survive a remote that is down', async () => {
    const { a, remote } = await replicas();
    const local = await a.remote.sharedLines('revoked', null);
    expect(await local.add(['x 1'])).toBe(true);
    expect(await local.read()).toEqual(['x 1']);
    const shared = await a.remote.sharedLines('revoked', 'origin');
    renameSync(remote.bare, `${remote.bare}.away`); // the remote cannot be reached
    expect(await shared.add(['y 1'])).toBe(false);
    expect((await shared.read()).sort()).toEqual(['x 1', 'y 1']);
    renameSync(`${remote.bare}.away`, remote.bare); // back: the next write sends everything
    expect(await shared.add(['z 1'])).toBe(true);
    const other = await (await GitStore.open(remote.clone('c'))).remote.sharedLines('revoked', 'origin');
    expect((await other.read()).sort()).toEqual(['x 1', 'y 1', 'z 1']);
  });
});
