// Mixed load (90% reads, 10% writes, 32 connections, fixed request count) against the API with
// 10,000 entries and, as the baseline, against a bare Fastify server answering the same routes
// with constant JSON and no storage — both driven by the proof's load driver in this process.
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { generateRepository } from '@mimsy/core/testing';
import { startApi, workspace, writeUsers } from '../api/proof/harness.js';
import { runLoad, type LoadFigures } from '../api/proof/load-driver.js';

const here = import.meta.dirname;

export interface LoadBench {
  requests: number;
  mimsy: LoadFigures;
  bare: LoadFigures;
}

export async function benchLoad(requests = 6000): Promise<LoadBench> {
  const ws = workspace();
  try {
    const source = generateRepository(path.join(here, '.work', 'repo-10000'), 10000);
    const dir = path.join(ws.dir, 'content');
    execFileSync('git', ['clone', '--quiet', source, dir]);
    execFileSync('git', ['config', 'user.name', 'Bench'], { cwd: dir });
    execFileSync('git', ['config', 'user.email', 'bench@example.com'], { cwd: dir });
    const usersFile = path.join(ws.dir, 'users.json');
    const tokens = await writeUsers(usersFile, 1);
    const slugs = Array.from(
      { length: 200 },
      (_, i) => `batch-${String(Math.floor((i * 50) / 1000)).padStart(3, '0')}/post-${i * 50}`,
    );
    const options = {
      token: tokens.editors[0]!,
      requests,
      connections: 32,
      writeShare: 0.1,
      maxSeconds: 300,
      slugs,
      schema: 'posts',
      field: 'summary',
    };
    const api = await startApi({
      MIMSY_REPO_DIR: dir,
      MIMSY_USERS_FILE: usersFile,
      MIMSY_PUSH: 'off',
      MIMSY_WATCH: 'false',
    });
    let mimsy: LoadFigures;
    try {
      mimsy = await runLoad({ ...options, url: api.url });
    } finally {
      await api.stop();
    }
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'load-bare.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const url = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
    );
    let bare: LoadFigures;
    try {
      bare = await runLoad({ ...options, url });
    } finally {
      child.kill('SIGTERM');
    }
    return { requests, mimsy, bare };
  } finally {
    ws.cleanup();
  }
}
