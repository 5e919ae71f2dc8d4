// Proof 5: a bounded load test against one server with 10,000 entries — 90% reads, 10% writes,
// 32 connections, a fixed number of requests and a time limit. No errors; figures are printed and
// written to test-output/load.json (`pnpm bench` records the same run in bench/RESULTS.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { git, startApi, workspace, type ApiProcess } from './harness.js';
import { prepareLoadTarget, runLoad, type LoadTarget } from './load-driver.js';

const REQUESTS = Number(process.env.MIMSY_PROOF_REQUESTS ?? 4000);

let ws: ReturnType<typeof workspace>;
let api: ApiProcess;
let target: LoadTarget;

beforeAll(async () => {
  ws = workspace();
  target = await prepareLoadTarget(ws.dir, ws.dir);
  // As a server is deployed: only Mimsy writes the volume, so no file watcher (docs/scaling.md).
  api = await startApi({
    MIMSY_REPO_DIR: target.dir,
    MIMSY_USERS_FILE: target.usersFile,
    MIMSY_PUSH: 'off',
    MIMSY_WATCH: 'false',
  });
}, 180_000);

afterAll(async () => {
  await api?.stop();
  ws?.cleanup();
});

it(`${REQUESTS} requests, 90% reads / 10% writes, 32 connections, 10,000 entries: no errors`, async () => {
  const before = Number(git(target.dir, 'rev-list', '--count', 'HEAD'));
  const figures = await runLoad({
    url: api.url,
    token: target.token,
    requests: REQUESTS,
    connections: 32,
    writeShare: 0.1,
    maxSeconds: 240,
    slugs: target.slugs,
    schema: 'posts',
    field: 'summary',
  });
  console.log(
    `load: ${figures.requests} requests in ${figures.seconds.toFixed(1)} s = ${figures.rps.toFixed(0)}/s; ` +
      `p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms; reads p99 ${figures.reads.p99.toFixed(1)} ms, ` +
      `writes (${figures.writes.count}) p50 ${figures.writes.p50.toFixed(0)} ms p99 ${figures.writes.p99.toFixed(0)} ms; errors ${JSON.stringify(figures.errors)}`,
  );
  mkdirSync(path.resolve('..', 'test-output'), { recursive: true });
  writeFileSync(path.resolve('..', 'test-output', 'load.json'), JSON.stringify(figures, null, 2));
  expect(figures.errors).toEqual({});
  expect(figures.requests).toBe(REQUESTS);
  // Every write became exactly one commit, and the tree is clean.
  expect(Number(git(target.dir, 'rev-list', '--count', 'HEAD')) - before).toBe(figures.writes.count);
  expect(git(target.dir, 'status', '--porcelain')).toBe('');
});
