// A bounded mixed load: a fixed number of requests (and a time limit) over N keep-alive connections,
// `writeShare` of them updates and the rest reads. Used by the proof's load test and `pnpm bench`.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Agent, request } from 'undici';
import { generateRepository } from '@mimsy/core/testing';
import { git, quantile, random, writeUsers } from './harness.js';

/** What the load runs against: a clone of a generated 10,000-entry blog, a user, entries to use. */
export interface LoadTarget {
  dir: string;
  usersFile: string;
  token: string;
  /** 200 post slugs spread over the repository: read at random, and one owned per connection. */
  slugs: string[];
}

/**
 * Clones the generated repository of `entries` posts (made once in `cacheDir`, reused) into
 * `workDir/content`, with a users file holding one editor.
 */
export async function prepareLoadTarget(
  cacheDir: string,
  workDir: string,
  entries = 10_000,
): Promise<LoadTarget> {
  const source = generateRepository(path.join(cacheDir, `repo-${entries}`), entries);
  const dir = path.join(workDir, 'content');
  execFileSync('git', ['clone', '--quiet', source, dir]);
  git(dir, 'config', 'user.name', 'Load');
  git(dir, 'config', 'user.email', 'load@example.com');
  const usersFile = path.join(workDir, 'users.json');
  const tokens = await writeUsers(usersFile, 1);
  const step = Math.floor(entries / 200);
  const slugs = Array.from(
    { length: 200 },
    (_, i) => `batch-${String(Math.floor((i * step) / 1000)).padStart(3, '0')}/post-${i * step}`,
  );
  return { dir, usersFile, token: tokens.editors[0]!, slugs };
}

export interface LoadOptions {
  url: string;
  token: string;
  /** Requests to send in all. */
  requests: number;
  connections: number;
  /** Share of writes, 0..1 (the rest are reads). */
  writeShare: number;
  /** Stop issuing requests after this many seconds even if `requests` were not all sent. */
  maxSeconds: number;
  /** Entry slugs to read (collection `schema`). */
  slugs: string[];
  schema: string;
  /** Field set by writes (a string field of the schema). */
  field: string;
  seed?: number;
}

export interface LoadFigures {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  reads: { count: number; p50: number; p99: number };
  writes: { count: number; p50: number; p99: number };
  /** Answers that were not 2xx (or no answer at all), by status. */
  errors: Record<string, number>;
  errorCount: number;
}

/**
 * Each connection owns one entry for its writes (so a write never races another connection's and
 * every non-2xx is a real error); reads alternate between one entry and a page of the list.
 */
export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const agent = new Agent({ connections: options.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${options.token}` };
  const base = `${options.url}/api/collections/${options.schema}/entries`;
  const readMs: number[] = [];
  const writeMs: number[] = [];
  const errors: Record<string, number> = {};
  let issued = 0;
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;
  const fail = (key: string): void => {
    errors[key] = (errors[key] ?? 0) + 1;
  };

  const worker = async (index: number): Promise<void> => {
    const rand = random((options.seed ?? 1) * 7919 + index);
    const own = options.slugs[index % options.slugs.length]!;
    let version: string | null = null;
    let data: Record<string, unknown> = {};
    while (issued < options.requests && performance.now() < deadline) {
      issued++;
      const write = rand() < options.writeShare;
      const t0 = performance.now();
      try {
        if (write) {
          if (version === null) {
            const res = await request(`${base}/${own}`, { dispatcher: agent, headers });
            const entry = (await res.body.json()) as { version: string; data: Record<string, unknown> };
            version = entry.version;
            data = entry.data;
          }
          const res = await request(`${base}/${own}`, {
            dispatcher: agent,
            method: 'PUT',
            headers: { ...headers, 'content-type': 'application/json', 'if-match': `"${version}"` },
            body: JSON.stringify({
              data: { ...data, [options.field]: `load ${index} ${issued}` },
              body: `Written by connection ${index}.\n`,
            }),
          });
          const answer = (await res.body.json()) as {
            entry?: { version: string; data: Record<string, unknown> };
          };
          if (res.statusCode === 200 && answer.entry) {
            version = answer.entry.version;
            data = answer.entry.data;
          } else {
            fail(String(res.statusCode));
            version = null;
          }
          writeMs.push(performance.now() - t0);
        } else {
          const url =
            rand() < 0.5
              ? `${base}/${options.slugs[Math.floor(rand() * options.slugs.length)]}`
              : `${base}?limit=20&sort=${rand() < 0.5 ? '-date' : 'title'}`;
          const res = await request(url, { dispatcher: agent, headers });
          await res.body.dump();
          if (res.statusCode !== 200) fail(String(res.statusCode));
          readMs.push(performance.now() - t0);
        }
      } catch (error) {
        fail(`no answer (${(error as Error).message.slice(0, 60)})`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.connections }, (_, i) => worker(i)));
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  const all = [...readMs, ...writeMs];
  return {
    requests: all.length,
    seconds,
    rps: all.length / seconds,
    p50: quantile(all, 0.5),
    p99: quantile(all, 0.99),
    reads: { count: readMs.length, p50: quantile(readMs, 0.5), p99: quantile(readMs, 0.99) },
    writes: { count: writeMs.length, p50: quantile(writeMs, 0.5), p99: quantile(writeMs, 0.99) },
    errors,
    errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
  };
}
