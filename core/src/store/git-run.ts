import { execFile } from 'node:child_process';

export interface RunOptions {
  /** Extra environment for this call (e.g. GIT_INDEX_FILE, GIT_AUTHOR_*). */
  env?: Record<string, string>;
  /** Bytes written to git's standard input. */
  input?: string;
}

/** Runs one git command in a fixed folder; resolves to its standard output. */
export type GitRun = (args: string[], options?: RunOptions) => Promise<string>;

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

/**
 * A plain child-process git runner (no queueing, no output polling): the plumbing that moves
 * commits between replicas runs several commands per write, and each costs one process only.
 */
export function gitRunner(cwd: string, env: NodeJS.ProcessEnv): GitRun {
  return (args, options = {}) =>
    new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        args,
        {
          cwd,
          env: options.env ? { ...env, ...options.env } : env,
          maxBuffer: 512 * 1024 * 1024,
          encoding: 'utf8',
        },
        (error, stdout, stderr) => {
          if (error) {
            const code = typeof error.code === 'number' ? error.code : null;
            // Some commands (push --porcelain) report on standard output why they failed.
            const said = [stderr, stdout].filter((t) => t.trim()).join('\n');
            reject(new GitCommandError(args, `${said}${error.killed ? ' (killed)' : ''}`, code));
          } else resolve(stdout);
        },
      );
      child.stdin?.on('error', () => undefined); // git may exit before reading all of its input
      child.stdin?.end(options.input ?? '');
    });
}
