import { execFile } from 'node:child_process';

export interface RunOptions {
  /** Extra environment for this call (e.g. GIT_INDEX_FILE, GIT_AUTHOR_*). */
  env?: Record<string, string>;
  /** Bytes written to git's standard input. */
  input?: string;
}

/** Runs one git command in a fixed folder; resolves to its standard output. */
export type GitRun = (args: string[], options?: RunOptions) => Promise<string>;

/** Runs one git command in a fixed folder; resolves to its standard output as bytes (blobs). */
export type GitRunBytes = (args: string[], options?: RunOptions) => Promise<Buffer>;

/** An Error from a failed git command, carrying what git printed. */
export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${args[0] ?? ''} failed: ${stderr.trim() || `exit code ${exitCode}`}`);
    this.name = 'GitCommandError';
  }
}

function execGit<T extends string | Buffer>(
  cwd: string,
  env: NodeJS.ProcessEnv,
  args: string[],
  options: RunOptions,
  encoding: T extends string ? 'utf8' : 'buffer',
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: options.env ? { ...env, ...options.env } : env, maxBuffer: 512 * 1024 * 1024, encoding },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === 'number' ? error.code : null;
          // Some commands (push --porcelain) report on standard output why they failed.
          const said = [stderr, stdout]
            .map((t) => t.toString())
            .filter((t) => t.trim())
            .join('\n');
          reject(new GitCommandError(args, `${said}${error.killed ? ' (killed)' : ''}`, code));
        } else resolve(stdout as T);
      },
    );
    child.stdin?.on('error', () => undefined); // git may exit before reading all of its input
    child.stdin?.end(options.input ?? '');
  });
}

/**
 * A plain child-process git runner (no queueing, no output polling): a write runs several
 * commands, and each costs one process only.
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
