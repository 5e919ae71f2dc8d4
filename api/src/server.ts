import { existsSync, readdirSync } from 'node:fs';
import { GitStore, splitCredentials } from '@mimsy/core';
import { buildApp } from './app.js';
import { electionFor } from './replica/kubernetes.js';
import { loadSettings, SettingsError, type Settings } from './settings.js';

/**
 * Clones MIMSY_REPO_URL into an empty or missing MIMSY_REPO_DIR on first start; on later starts
 * (a reused volume) points `origin` at it, so a changed URL or rotated token takes effect.
 */
async function prepareRepository(settings: Settings): Promise<void> {
  if (!settings.repoUrl) return;
  // Credentials never live in .git/config: a token in the URL moves to the process environment,
  // where Git's credential helper finds it (MIMSY_GIT_TOKEN set explicitly wins).
  const { url, username, password } = splitCredentials(settings.repoUrl);
  if (password && !process.env.MIMSY_GIT_TOKEN && !process.env.MIMSY_GIT_TOKEN_FILE) {
    process.env.MIMSY_GIT_TOKEN = password;
    if (username && !process.env.MIMSY_GIT_USERNAME) process.env.MIMSY_GIT_USERNAME = username;
  } else if (username && !password && !process.env.MIMSY_GIT_TOKEN && !process.env.MIMSY_GIT_TOKEN_FILE) {
    process.env.MIMSY_GIT_TOKEN = username; // https://<token>@host/… (GitHub's short form)
  }
  const empty = !existsSync(settings.repoDir) || readdirSync(settings.repoDir).length === 0;
  if (empty) await GitStore.clone(url, settings.repoDir, settings.branch ?? 'main');
  // Also on a reused volume: a URL stored with a token by an older version is rewritten without it.
  await GitStore.setRemoteUrl(settings.repoDir, 'origin', url);
}

/** Starts the server from settings; resolves to a function that stops it. */
export async function startServer(
  settings: Settings,
  /** Where log lines (JSON, one per line) go instead of standard output: the CLI prints them for people. */
  options: { logStream?: { write(line: string): void } } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  await prepareRepository(settings);
  const git: { branch?: string; push?: 'auto' | 'off' } = {};
  if (settings.branch) git.branch = settings.branch;
  if (settings.push) git.push = settings.push;
  const app = await buildApp({
    repoDir: settings.repoDir,
    users: settings.usersFile,
    sessionSecret: settings.sessionSecret,
    git,
    pullIntervalSeconds: settings.pullIntervalSeconds,
    trustProxy: settings.trustProxy,
    mediaMaxBytes: settings.mediaMaxBytes,
    mediaMaxFiles: settings.mediaMaxFiles,
    mediaMaxRequestBytes: settings.mediaMaxRequestBytes,
    webhookSecret: settings.webhookSecret,
    watch: settings.watch,
    logger: { level: settings.logLevel, ...(options.logStream ? { stream: options.logStream } : {}) },
    ...(settings.webDist ? { webDist: settings.webDist } : {}),
    ...(settings.writer ? { writerElection: electionFor(settings.writer) } : {}),
  });
  const url = await app.listen({ host: settings.host, port: settings.port });
  return { url, close: () => app.close() };
}

/** The `mimsy-api` entry: environment variables only. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(settings);
  } catch (error) {
    process.stderr.write(`Mimsy could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal}: finishing pending writes and stopping…\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
