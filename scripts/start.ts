// `pnpm start`: the embedded default. On first run it copies examples/blog into a Git repository
// under .mimsy/default (ignored by Git), creates the user "admin", then serves API + admin.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSettings, readUsersFile, SettingsError, startServer, upsertUser } from '@mimsy/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// MIMSY_DEFAULT_DIR moves the working folder (tests use a temporary one).
const work = process.env.MIMSY_DEFAULT_DIR
  ? path.resolve(process.env.MIMSY_DEFAULT_DIR)
  : path.join(root, '.mimsy', 'default');
const repoDir = path.join(work, 'content');
const usersFile = path.join(work, 'users.json');
const secretFile = path.join(work, 'session-secret');

function git(...args: string[]): void {
  execFileSync('git', args, { cwd: repoDir, stdio: 'ignore' });
}

mkdirSync(work, { recursive: true });
if (!existsSync(path.join(repoDir, '.git'))) {
  cpSync(path.join(root, 'examples', 'blog'), repoDir, { recursive: true });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '--all');
  git(
    '-c',
    'user.name=Mimsy',
    '-c',
    'user.email=mimsy@localhost',
    '-c',
    'commit.gpgsign=false',
    'commit',
    '--quiet',
    '-m',
    'Example content from examples/blog',
  );
  console.log(`Created the example content repository in ${path.relative(process.cwd(), repoDir)}`);
}
// The admin: built once (production build, ~2 s) so that the server can serve it at "/",
// unless MIMSY_WEB_DIST points at a build elsewhere.
const dist = process.env.MIMSY_WEB_DIST
  ? path.resolve(process.env.MIMSY_WEB_DIST)
  : path.join(root, 'web', 'dist');
if (!process.env.MIMSY_WEB_DIST && !existsSync(path.join(dist, 'index.html'))) {
  console.log('Building the admin (first run)…');
  execFileSync('pnpm', ['--filter', '@mimsy/web', 'run', 'build'], { cwd: root, stdio: 'ignore' });
}
if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });

let password: string | null = process.env.MIMSY_ADMIN_PASSWORD ?? null;
const hasAdmin = (await readUsersFile(usersFile)).users.some((u) => u.name === 'admin');
if (!hasAdmin || password) {
  password ??= randomBytes(12).toString('base64url');
  await upsertUser(usersFile, { name: 'admin', email: 'admin@localhost', role: 'admin', password });
}

let settings;
try {
  settings = loadSettings({
    MIMSY_HOST: '127.0.0.1',
    MIMSY_PORT: '4000',
    MIMSY_LOG_LEVEL: 'warn',
    MIMSY_PUSH: 'off',
    ...process.env,
    MIMSY_REPO_DIR: process.env.MIMSY_REPO_DIR ?? repoDir,
    MIMSY_USERS_FILE: process.env.MIMSY_USERS_FILE ?? usersFile,
    MIMSY_SESSION_SECRET: process.env.MIMSY_SESSION_SECRET ?? readFileSync(secretFile, 'utf8').trim(),
  });
} catch (error) {
  if (error instanceof SettingsError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
const server = await startServer(settings);
const url = server.url.replace('0.0.0.0', '127.0.0.1');
const admin = existsSync(path.join(dist, 'index.html'));
console.log(
  [
    '',
    '  Mimsy is running.',
    '',
    admin
      ? `  Open        ${url}/`
      : `  API         ${url}/api  (the admin UI is not built yet: this serves the API only)`,
    `  API docs    ${url}/api/docs  (sign in first)`,
    `  Sign in as  admin / ${password ?? '(the password printed when it was created; set MIMSY_ADMIN_PASSWORD=… to reset it)'}`,
    `  Content     ${path.relative(process.cwd(), settings.repoDir) || '.'}  (a Git repository: every save is a commit)`,
    '',
    '  Stop with Ctrl+C.',
    '',
  ].join('\n'),
);
const stop = (): void => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
