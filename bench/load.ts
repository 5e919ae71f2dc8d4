// Mixed load (90% reads, 10% writes, 32 connections, fixed request count) against the API with
// 10,000 entries and, as the baseline, against a bare Fastify server answering the same routes
// with constant JSON and no storage — both driven by the proof's load driver in this process.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startApi, workspace } from '../api/proof/harness.js';
import { prepareLoadTarget, runLoad, type LoadFigures } from '../api/proof/load-driver.js';

const here = import.meta.dirname;

export interface LoadBench {
  requests: number;
  mimsy: LoadFigures;
  bare: LoadFigures;
}

export async function benchLoad(requests = 6000): Promise<LoadBench> {
  const ws = workspace();
  try {
    const target = await prepareLoadTarget(path.join(here, '.work'), ws.dir);
    const options = {
      token: target.token,
      requests,
      connections: 32,
      writeShare: 0.1,
      maxSeconds: 300,
      slugs: target.slugs,
      schema: 'posts',
      field: 'summary',
    };
    const api = await startApi({
      MIMSY_REPO_DIR: target.dir,
      MIMSY_USERS_FILE: target.usersFile,
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
