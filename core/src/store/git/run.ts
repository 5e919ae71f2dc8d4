import { redact } from '../../redact.js';
import { execa } from 'execa';

export interface RunOptions {
  /** Extra environment for this call (e.g. GIT_INDEX_FILE, GIT_AUTHOR_*). */
  env?: Record<string, string>;
  /** What is written to git's standard input (text, or bytes such as a fast-import stream). */
  input?: string | Uint8Array;
}

/** Runs one git command in a fixed folder; resolves to its standard output. */
export type GitRun = (args: string[], options?: RunOptions) => Promise<string>;

/** Runs one git command in a fixed folder; resolves to its standard output as bytes (blobs). */
export type GitRunBytes = (args: string[], options?: RunOptions) => Promise<Buffer>;

/** An Error from a failed git command, carrying what git printed. */
export class GitCommandError extends Error {
  readonly args: string[];
  readonly stderr: string;
  constructor(
    args: string[],
    stderr: string,
    readonly exitCode: number | null,
  ) {
    // Redacted at the source: arguments and output may hold a remote URL with a token.
    const said = redact(stderr);
    super(`git ${subcommand(args)} failed: ${said.trim() || `exit code ${exitCode}`}`);
    this.name = 'GitCommandError';
    this.args = args.map(redact);
    this.stderr = said;
  }
}

/** The subcommand of a git command line (`-c key=value`, `-C dir` and other global options skipped). */
export function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-c' || a === '-C' || a === '--git-dir' || a === '--work-tree' || a === '--namespace') i++;
    else if (!a.startsWith('-')) return a;
  }
  return args[0] ?? '';
}

/** Commands that talk to a remote: they get a time limit, so a stalled remote cannot hold writes. */
const NETWORK = new Set(['fetch', 'push', 'pull', 'clone', 'ls-remote']);

/** The time limit of a network command (MIMSY_GIT_NETWORK_TIMEOUT_SECONDS, default 120 s). */
export function networkTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.MIMSY_GIT_NETWORK_TIMEOUT_SECONDS ?? 120);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 120) * 1000;
}

/**
 * Runs git through execa: output buffered (bytes or text), standard input fed from `input`, errors
 * carrying what git printed. A network command runs in its own process group, so that on time-out
 * the helpers it started (ssh, credential helpers) are stopped with it and nothing keeps its output
 * open; execa's own `timeout` stops only the direct child.
 */
async function execGit<T extends string | Buffer>(
  cwd: string,
  env: NodeJS.ProcessEnv,
  args: string[],
  options: RunOptions,
  encoding: T extends string ? 'utf8' : 'buffer',
): Promise<T> {
  const fullEnv = options.env ? { ...env, ...options.env } : env;
  const network = NETWORK.has(subcommand(args));
  const limit = network ? networkTimeoutMs(fullEnv) : 0;
  const child = execa('git', args, {
    cwd,
    env: fullEnv,
    extendEnv: false,
    input: options.input ?? '',
    encoding,
    maxBuffer: 512 * 1024 * 1024,
    stripFinalNewline: false,
    detached: network,
    // Not execa's exit hook: a git process left running by a crash finishes its own short job.
    cleanup: false,
    reject: false,
  });
  let timedOut = false;
  const timer = network
    ? setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      }, limit)
    : undefined;
  const result = await child;
  clearTimeout(timer);
  if (!result.failed) {
    const out = result.stdout as string | Uint8Array;
    return (typeof out === 'string' ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength)) as T;
  }
  // Some commands (push --porcelain) report on standard output why they failed.
  const said = [result.stderr, result.stdout]
    .map((t) => (t ?? '').toString())
    .filter((t) => t.trim())
    .join('\n');
  const why = timedOut
    ? `the remote did not answer within ${limit / 1000} s (MIMSY_GIT_NETWORK_TIMEOUT_SECONDS); stopped`
    : said || (result.isTerminated ? `killed by ${result.signal}` : result.originalMessage || '');
  throw new GitCommandError(args, why, result.exitCode ?? null);
}

/**
 * A git runner for one folder (no queueing, no output polling): a write runs several commands,
 * and each costs one process only.
 */
export function gitRunner(cwd: string, env: NodeJS.ProcessEnv): GitRun {
  return (args, options = {}) => execGit<string>(cwd, env, args, options, 'utf8');
}

/** As gitRunner, for commands whose output is bytes (`cat-file blob`). */
export function gitBytesRunner(cwd: string, env: NodeJS.ProcessEnv): GitRunBytes {
  return (args, options = {}) => execGit<Buffer>(cwd, env, args, options, 'buffer');
}

/**
 * A gate for at most `max` calls at once, shared by every function it wraps; the rest wait their
 * turn in order. Reads (history, diffs, blobs) go through one so that a burst of requests cannot
 * start hundreds of git processes.
 */
export function processLimit(
  max: number,
): <A extends unknown[], R>(run: (...args: A) => Promise<R>) => (...args: A) => Promise<R> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return (run) =>
    async (...args) => {
      if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
      else active++;
      try {
        return await run(...args);
      } finally {
        const next = waiting.shift();
        if (next)
          next(); // the slot passes straight on
        else active--;
      }
    };
}

/**
 * A shell credential helper that answers Git from the environment at the moment Git asks: the
 * token never reaches .git/config or a command line, and a mounted token file may be rotated.
 */
const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || exit 0; ' +
  'echo "username=${MIMSY_GIT_USERNAME:-x-access-token}"; ' +
  'if [ -n "$MIMSY_GIT_TOKEN_FILE" ]; then printf "password=%s\\n" "$(cat "$MIMSY_GIT_TOKEN_FILE")"; ' +
  'else printf "password=%s\\n" "$MIMSY_GIT_TOKEN"; fi; }; f';

/**
 * The one environment every git process gets: no prompts, stable messages, and — when
 * MIMSY_GIT_TOKEN or MIMSY_GIT_TOKEN_FILE is set — credentials from the environment through a
 * helper given as GIT_CONFIG_* variables (process-scoped; nothing is written to disk).
 */
export function gitEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
  if (base.MIMSY_GIT_TOKEN || base.MIMSY_GIT_TOKEN_FILE) {
    const start = Number(base.GIT_CONFIG_COUNT ?? 0) || 0;
    // An empty helper first clears any helper from the user's or system's Git config.
    env[`GIT_CONFIG_KEY_${start}`] = 'credential.helper';
    env[`GIT_CONFIG_VALUE_${start}`] = '';
    env[`GIT_CONFIG_KEY_${start + 1}`] = 'credential.helper';
    env[`GIT_CONFIG_VALUE_${start + 1}`] = CREDENTIAL_HELPER;
    env.GIT_CONFIG_COUNT = String(start + 2);
  }
  return env;
}
