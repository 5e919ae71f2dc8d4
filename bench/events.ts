// Live updates: how long an edit made on disk takes to reach an admin as a Server-Sent Event
// (`GET /api/events`, the interface the admin uses), against the raw file-system notification
// for the same write (node's fs.watch, inotify here) measured in the same run.
import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword, loadSettings, startServer } from '@mimsy/api';
import { makeTempRepo, waitFor } from '@mimsy/core/testing';
import { listenEvents } from '../api/src/test/helpers.js';

export interface EventFigures {
  edits: number;
  rawMs: number[];
  diskMs: number[];
  apiMs: number[];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
export { median };

export async function benchEvents(edits = 30): Promise<EventFigures> {
  const repo = makeTempRepo({ example: true });
  const work = mkdtempSync(path.join(tmpdir(), 'mimsy-bench-events-'));
  const password = 'bench password';
  writeFileSync(
    path.join(work, 'users.json'),
    JSON.stringify({
      users: [
        {
          name: 'bench',
          email: 'b@example.com',
          role: 'editor',
          passwordHash: await hashPassword(password),
          tokens: [],
        },
      ],
    }),
  );
  const server = await startServer(
    loadSettings({
      MIMSY_REPO_DIR: repo.dir,
      MIMSY_PORT: '0',
      MIMSY_USERS_FILE: path.join(work, 'users.json'),
      MIMSY_SESSION_SECRET: 'e'.repeat(40),
      MIMSY_PUSH: 'off',
      MIMSY_LOG_LEVEL: 'silent',
    }),
  );
  const folder = path.join(repo.dir, 'content/posts');
  const file = (i: number): string => path.join(folder, `live-${i}.md`);
  const rawMs: number[] = [];
  const diskMs: number[] = [];
  const apiMs: number[] = [];
  try {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', password }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const stream = listenEvents(server.url, { cookie });
    await stream.ready;
    // The server's watcher starts in the background: wait until an edit on disk comes through.
    writeFileSync(file(-1), '---\ntitle: Warm-up\nauthor: ada\ndate: 2026-11-01T00:00:00Z\n---\n');
    await waitFor(() => stream.events.some((e) => e.slug === 'live--1'), { timeout: 60_000 });

    // Baseline: the kernel's notification for the same kind of write, in the same process.
    const rawFolder = path.join(work, 'raw');
    mkdirSync(rawFolder);
    for (let i = 0; i < edits; i++) {
      let seen = 0;
      const raw = watch(rawFolder, (_event, name) => {
        if (name === `raw-${i}.md` && !seen) seen = performance.now();
      });
      const start = performance.now();
      writeFileSync(path.join(rawFolder, `raw-${i}.md`), `raw ${i}\n`);
      await waitFor(() => seen, { interval: 1 });
      rawMs.push(seen - start);
      raw.close();
    }
    // An edit on disk (an editor, `git pull`) until the admin has the event.
    for (let i = 0; i < edits; i++) {
      const before = stream.events.length;
      const start = performance.now();
      writeFileSync(
        file(i),
        `---\ntitle: Live ${i}\nauthor: ada\ndate: 2026-11-01T00:00:00Z\n---\nBody ${i}\n`,
      );
      await waitFor(() => stream.events.slice(before).some((e) => e.slug === `live-${i}`), { interval: 1 });
      diskMs.push(performance.now() - start);
    }
    // A save through the API until the other admins have the event (from the request's start).
    for (let i = 0; i < edits; i++) {
      const current = (await (
        await fetch(`${server.url}/api/collections/posts/entries/live-${i}`, { headers: { cookie } })
      ).json()) as { data: Record<string, unknown>; body: string; version: string };
      const before = stream.events.length;
      const start = performance.now();
      const res = await fetch(`${server.url}/api/collections/posts/entries/live-${i}`, {
        method: 'PUT',
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          'content-type': 'application/json',
          'if-match': `"${current.version}"`,
        },
        body: JSON.stringify({ data: { ...current.data, title: `Saved ${i}` }, body: current.body }),
      });
      if (res.status !== 200) throw new Error(`PUT answered ${res.status}: ${await res.text()}`);
      await waitFor(() => stream.events.slice(before).some((e) => e.slug === `live-${i}`), { interval: 1 });
      apiMs.push(performance.now() - start);
    }
    stream.close();
  } finally {
    await server.close();
    repo.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
  return { edits, rawMs, diskMs, apiMs };
}
