// Test helpers: an app on a temporary copy of examples/blog, with one user per role.
import { request } from 'node:http';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { makeTempRepo, type TempRepo } from '@mimsy/core/testing';
import { buildApp, type BuildAppOptions } from '../app.js';
import { createToken, hashPassword, type Role, type User } from '../users.js';

export const PASSWORD = 'correct horse battery staple';
export const SECRET = 'test-secret-that-is-long-enough-0123456789';

let cachedHash: Promise<string> | null = null;

/** One user per role (same password; hashed once per test file), each with a bearer token. */
export async function makeUsers(): Promise<{ users: User[]; tokens: Record<Role, string> }> {
  cachedHash ??= hashPassword(PASSWORD);
  const passwordHash = await cachedHash;
  const tokens = {} as Record<Role, string>;
  const users: User[] = (['admin', 'editor', 'viewer'] as Role[]).map((role) => {
    const { token, stored } = createToken();
    tokens[role] = token;
    return {
      name: role === 'admin' ? 'alice' : role === 'editor' ? 'eddie' : 'vera',
      email: `${role}@example.com`,
      role,
      passwordHash,
      tokens: [stored],
    };
  });
  return { users, tokens };
}

export interface TestApp {
  app: FastifyInstance;
  repo: TempRepo;
  tokens: Record<Role, string>;
  as(role: Role): { authorization: string };
  close(): Promise<void>;
}

export async function makeApp(
  options: Partial<BuildAppOptions> = {},
  repo = makeTempRepo({ example: true }),
): Promise<TestApp> {
  const { users, tokens } = await makeUsers();
  const app = await buildApp({
    repoDir: repo.dir,
    users,
    sessionSecret: SECRET,
    watch: false,
    webDist: null,
    ...options,
  });
  await app.ready();
  return {
    app,
    repo,
    tokens,
    as: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    close: async () => {
      await app.close();
      repo.cleanup();
    },
  };
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return res.json<T>();
}

/** Signs in with the cookie flow; returns the cookie header and CSRF token. */
export async function login(
  app: FastifyInstance,
  name: string,
  password = PASSWORD,
): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { name, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const first = (Array.isArray(setCookie) ? setCookie[0] : setCookie)!;
  return { cookie: first.split(';')[0]!, csrf: res.json<{ csrfToken: string }>().csrfToken };
}

/** Listens to a server's /api/events stream; collects the entry events as they arrive. */
export function listenEvents(
  url: string,
  headers: Record<string, string>,
): { events: Record<string, unknown>[]; close: () => void; ready: Promise<void> } {
  const events: Record<string, unknown>[] = [];
  let close = (): void => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    const req = request(
      `${url}/api/events`,
      { headers: { ...headers, accept: 'text/event-stream' } },
      (res) => {
        let buffer = '';
        res.on('data', (d: Buffer) => {
          buffer += d.toString();
          if (buffer.includes(': connected')) resolve();
          let i;
          while ((i = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (data) events.push(JSON.parse(data.slice(6)) as Record<string, unknown>);
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
    close = () => req.destroy();
  });
  return { events, close: () => close(), ready };
}

/** A multipart/form-data upload body with one "file" part per file. */
export function multipart(files: { name: string; content: Buffer; type?: string }[]): {
  payload: Buffer;
  headers: Record<string, string>;
} {
  const boundary = '----mimsytest' + Math.random().toString(16).slice(2);
  const parts = files.map((f) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      f.content,
      Buffer.from('\r\n'),
    ]),
  );
  return {
    payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
