import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadProject } from '@mimsy/core';
import { UserError } from '../errors.js';
import { defaultUsersFile, ensureLocalDirIgnored, localDir, repositoryRoot } from '../context.js';

export interface ServeOptions {
  cwd: string;
  host?: string;
  port?: string;
  usersFile?: string;
  open?: boolean;
  watchSchemas?: boolean;
}

export interface ServeResult {
  url: string;
  root: string;
  usersFile: string;
  createdAdmin: { name: string; password: string } | null;
}

export const longRunning = true;

/** `mimsy serve` / `mimsy dev`: the API and admin on this repository until Ctrl+C. */
export async function run(options: ServeOptions): Promise<ServeResult> {
  const root = await repositoryRoot(options.cwd);
  const { loadSettings, readUsersFile, startServer, upsertUser } = await import('@mimsy/api');
  const local = localDir(root);
  mkdirSync(local, { recursive: true });
  await ensureLocalDirIgnored(root);
  const secretFile = path.join(local, 'session-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
  const usersFile = options.usersFile ? path.resolve(options.cwd, options.usersFile) : defaultUsersFile(root);
  let createdAdmin: ServeResult['createdAdmin'] = null;
  if ((await readUsersFile(usersFile)).users.length === 0) {
    const password = randomBytes(12).toString('base64url');
    await upsertUser(usersFile, { name: 'admin', role: 'admin', password });
    createdAdmin = { name: 'admin', password };
  }
  const settings = loadSettings({
    MIMSY_LOG_LEVEL: 'warn',
    ...process.env,
    MIMSY_REPO_DIR: root,
    MIMSY_USERS_FILE: usersFile,
    MIMSY_SESSION_SECRET: process.env.MIMSY_SESSION_SECRET ?? readFileSync(secretFile, 'utf8').trim(),
    MIMSY_HOST: options.host ?? process.env.MIMSY_HOST ?? '127.0.0.1',
    MIMSY_PORT: options.port ?? process.env.MIMSY_PORT ?? '4000',
  });
  // The server logs JSON lines (for log collectors); a person at a terminal gets sentences.
  const logStream = {
    write(line: string): void {
      process.stderr.write(humanLogLine(line));
    },
  };
  let server = await startServer(settings, { logStream }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${settings.host}:${settings.port}`;
    if (code === 'EADDRINUSE')
      throw new UserError(
        `${where} is already in use (another mimsy serve, or another server). Stop it, or pick another port: mimsy serve --port ${settings.port + 1}.`,
      );
    if (code === 'EACCES')
      throw new UserError(
        `Not allowed to listen on ${where}: ports below 1024 need privileges; pick another with --port.`,
      );
    if (code === 'EADDRNOTAVAIL')
      throw new UserError(
        `${settings.host} is not an address of this machine: use --host 127.0.0.1 or 0.0.0.0.`,
      );
    throw error;
  });
  if (options.watchSchemas) {
    // dev: restart when a schema or the config changes.
    const schemas = path.join(root, (await loadProject(root)).config.schemas);
    let timer: NodeJS.Timeout | null = null;
    const restart = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        void (async () => {
          await server.close();
          server = await startServer({ ...settings, port: Number(new URL(server.url).port) }, { logStream });
          process.stderr.write('Schemas changed: restarted.\n');
        })();
      }, 150);
    };
    watch(schemas, restart);
    watch(path.join(root, 'mimsy.config.json'), restart);
  }
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (options.open)
    execa(process.platform === 'darwin' ? 'open' : 'xdg-open', [server.url], {
      stdio: 'ignore',
      detached: true,
      reject: false,
    }).unref();
  return { url: server.url, root, usersFile, createdAdmin };
}

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};

/** One pino JSON line as a sentence: `warning: <message> (file: …, fix: …)`. */
export function humanLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const { level, msg, time: _time, pid: _pid, hostname: _host, reqId: _req, err, ...rest } = record;
  void _time;
  void _pid;
  void _host;
  void _req;
  const details = Object.entries(rest)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const error = err && typeof err === 'object' ? (err as { message?: string }).message : undefined;
  if (error) details.push(error);
  return `${LEVELS[level as number] ?? 'log'}: ${typeof msg === 'string' ? msg : JSON.stringify(msg ?? '')}${details.length ? ` (${details.join('; ')})` : ''}\n`;
}

export function render(result: ServeResult): string {
  return [
    `Mimsy is serving ${result.root}`,
    `  Open      ${result.url}/`,
    `  API docs  ${result.url}/api/docs`,
    result.createdAdmin
      ? `  Sign in   ${result.createdAdmin.name} / ${result.createdAdmin.password}  (created now; shown once — add users with "mimsy user add")`
      : `  Users     ${result.usersFile}`,
    'Stop with Ctrl+C.',
  ].join('\n');
}
