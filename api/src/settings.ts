import path from 'node:path';

/** Everything the server is configured with. `mimsy serve` flags override the environment. */
export interface Settings {
  repoDir: string;
  repoUrl: string | null;
  branch: string | null;
  host: string;
  port: number;
  usersFile: string;
  sessionSecret: string;
  push: 'auto' | 'off' | null;
  pullIntervalSeconds: number;
  webDist: string | null;
  trustProxy: boolean;
  mediaMaxBytes: number;
  mediaMaxFiles: number;
  mediaMaxRequestBytes: number;
  logLevel: string;
  webhookSecret: string | null;
  watch: boolean;
  /** How the replica that writes is chosen (docs/scaling.md); null: this process writes. */
  writer: WriterSettings | null;
}

export type WriterSettings =
  | { election: 'lock-file'; self: string; lockFile: string }
  | { election: 'kubernetes'; self: string; lease: string; namespace: string | null };

/** The environment variables, with what each means (printed by `mimsy serve --help`). */
export const ENVIRONMENT: [name: string, meaning: string][] = [
  ['MIMSY_REPO_DIR', 'content repository folder (required)'],
  ['MIMSY_REPO_URL', 'Git URL to clone into MIMSY_REPO_DIR on first start'],
  ['MIMSY_GIT_TOKEN', 'token Git sends to the remote (over HTTPS); never written to .git/config'],
  ['MIMSY_GIT_TOKEN_FILE', 'file holding that token (a mounted Secret; read at each fetch or push)'],
  ['MIMSY_GIT_USERNAME', 'user name sent with the token (default x-access-token)'],
  ['MIMSY_BRANCH', 'branch to work on (default: mimsy.config.json git.branch)'],
  ['MIMSY_HOST', 'address to listen on (default 127.0.0.1)'],
  ['MIMSY_PORT', 'port to listen on (default 4000)'],
  ['MIMSY_USERS_FILE', 'users file with scrypt password hashes (required)'],
  ['MIMSY_SESSION_SECRET', 'secret that signs session cookies, at least 32 characters (required)'],
  ['MIMSY_PUSH', '"auto" to push after each commit, "off" to commit locally (default: config)'],
  ['MIMSY_PULL_INTERVAL', 'seconds between pulls from the remote, 0 = never (default 0)'],
  ['MIMSY_GIT_NETWORK_TIMEOUT_SECONDS', 'a fetch, push or clone taking longer is stopped (default 120)'],
  ['MIMSY_WEB_DIST', 'folder of the built admin to serve at / (default: web/dist when present)'],
  ['MIMSY_TRUST_PROXY', '"true" behind a reverse proxy that sets X-Forwarded-* (default false)'],
  ['MIMSY_MEDIA_MAX_BYTES', 'largest upload in bytes (default 10485760)'],
  ['MIMSY_MEDIA_MAX_FILES', 'most files in one upload request (default 10)'],
  ['MIMSY_MEDIA_MAX_REQUEST_BYTES', 'largest upload request, all files together (default 52428800)'],
  ['MIMSY_LOG_LEVEL', 'fatal, error, warn, info, debug or trace (default info)'],
  [
    'MIMSY_WATCH',
    '"false" when only Mimsy writes the content folder (servers, replicas): skips the file watcher (default true)',
  ],
  ['MIMSY_WEBHOOK_SECRET', 'shared secret of the Git host push webhook (POST /api/git/webhook); unset = off'],
  [
    'MIMSY_WRITER_ELECTION',
    'replicas: how the one that writes is chosen, "kubernetes" (a Lease) or "lock-file"; unset = this process writes',
  ],
  ['MIMSY_REPLICA_URL', 'replicas: the address other replicas reach this one at (http://host:port)'],
  ['MIMSY_WRITER_LOCK', 'lock-file election: the lock file the replicas on this machine share'],
  [
    'MIMSY_WRITER_LEASE',
    "kubernetes election: the Lease name (default mimsy-api-writer; namespace: the pod's own)",
  ],
];

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Mimsy cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

/** Reads settings from an environment; every problem names its variable. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Settings {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number, what: string): number => {
    const v = text(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      problems.push(`${name} must be ${what} (got "${v.slice(0, 40)}")`);
      return fallback;
    }
    return n;
  };
  const repoDir = text('MIMSY_REPO_DIR');
  if (!repoDir) problems.push('MIMSY_REPO_DIR is required: the folder of the content repository');
  const usersFile = text('MIMSY_USERS_FILE');
  if (!usersFile)
    problems.push('MIMSY_USERS_FILE is required: create one with "mimsy user add <name> --role admin"');
  const sessionSecret = text('MIMSY_SESSION_SECRET') ?? '';
  if (sessionSecret.length < 32)
    problems.push('MIMSY_SESSION_SECRET must be at least 32 characters (e.g. "openssl rand -hex 32")');
  const push = text('MIMSY_PUSH');
  if (push !== undefined && push !== 'auto' && push !== 'off')
    problems.push(`MIMSY_PUSH must be "auto" or "off" (got "${push.slice(0, 40)}")`);
  const branch = text('MIMSY_BRANCH');
  if (branch !== undefined && (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(branch) || branch.includes('..')))
    problems.push(`MIMSY_BRANCH is not a valid branch name (got "${branch.slice(0, 40)}")`);
  const repoUrl = text('MIMSY_REPO_URL');
  if (repoUrl !== undefined && (/^-/.test(repoUrl) || /[\s\0]/.test(repoUrl)))
    problems.push('MIMSY_REPO_URL is not a usable Git URL');
  const trust = text('MIMSY_TRUST_PROXY');
  if (trust !== undefined && trust !== 'true' && trust !== 'false')
    problems.push(`MIMSY_TRUST_PROXY must be "true" or "false" (got "${trust.slice(0, 40)}")`);
  const logLevel = text('MIMSY_LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
    problems.push(
      `MIMSY_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "${logLevel.slice(0, 40)}")`,
    );
  const webhookSecret = text('MIMSY_WEBHOOK_SECRET') ?? null;
  if (webhookSecret !== null && webhookSecret.length < 16)
    problems.push('MIMSY_WEBHOOK_SECRET must be at least 16 characters');
  const watch = text('MIMSY_WATCH');
  if (watch !== undefined && watch !== 'true' && watch !== 'false')
    problems.push(`MIMSY_WATCH must be "true" or "false" (got "${watch.slice(0, 40)}")`);
  const host = text('MIMSY_HOST') ?? '127.0.0.1';
  let writer: WriterSettings | null = null;
  const election = text('MIMSY_WRITER_ELECTION');
  if (election !== undefined) {
    const self = text('MIMSY_REPLICA_URL');
    if (!self || !/^https?:\/\/[^\s/]+\/?$/.test(self))
      problems.push(
        'MIMSY_REPLICA_URL must be the address other replicas reach this one at, like http://mimsy-api-0.mimsy-api:4000',
      );
    if (election === 'lock-file') {
      const lockFile = text('MIMSY_WRITER_LOCK');
      if (!lockFile) problems.push('MIMSY_WRITER_LOCK is required with MIMSY_WRITER_ELECTION=lock-file');
      writer = {
        election,
        self: (self ?? '').replace(/\/$/, ''),
        lockFile: path.resolve(cwd, lockFile ?? '.'),
      };
    } else if (election === 'kubernetes') {
      const lease = text('MIMSY_WRITER_LEASE') ?? 'mimsy-api-writer';
      if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(lease))
        problems.push(`MIMSY_WRITER_LEASE must be a Kubernetes object name (got "${lease.slice(0, 40)}")`);
      writer = {
        election,
        self: (self ?? '').replace(/\/$/, ''),
        lease,
        namespace: text('MIMSY_WRITER_LEASE_NAMESPACE') ?? null,
      };
    } else
      problems.push(
        `MIMSY_WRITER_ELECTION must be "kubernetes" or "lock-file" (got "${election.slice(0, 40)}")`,
      );
  }
  const settings: Settings = {
    repoDir: path.resolve(cwd, repoDir ?? '.'),
    repoUrl: repoUrl ?? null,
    branch: branch ?? null,
    host,
    port: integer('MIMSY_PORT', 4000, 0, 65535, 'a port number 0–65535'),
    usersFile: path.resolve(cwd, usersFile ?? 'users.json'),
    sessionSecret,
    push: push === 'auto' || push === 'off' ? push : null,
    pullIntervalSeconds: integer('MIMSY_PULL_INTERVAL', 0, 0, 86_400, 'a number of seconds 0–86400'),
    webDist: text('MIMSY_WEB_DIST') ? path.resolve(cwd, text('MIMSY_WEB_DIST')!) : null,
    trustProxy: trust === 'true',
    mediaMaxBytes: integer(
      'MIMSY_MEDIA_MAX_BYTES',
      10 * 1024 * 1024,
      1024,
      1024 * 1024 * 1024,
      'a size in bytes between 1024 and 1073741824',
    ),
    mediaMaxFiles: integer('MIMSY_MEDIA_MAX_FILES', 10, 1, 1000, 'a number of files 1–1000'),
    mediaMaxRequestBytes: integer(
      'MIMSY_MEDIA_MAX_REQUEST_BYTES',
      50 * 1024 * 1024,
      1024,
      16 * 1024 * 1024 * 1024,
      'a size in bytes between 1024 and 17179869184',
    ),
    logLevel,
    webhookSecret,
    watch: watch !== 'false',
    writer,
  };
  if (problems.length) throw new SettingsError(problems);
  return settings;
}
