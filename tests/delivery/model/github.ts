// What GitHub Actions does with .github/workflows/build.yaml, from GitHub's documented rules: whether
// a push starts it (branch and path filters, skip instructions in the commit message), and what
// its image job publishes for a commit — by running the job's own shell steps in a real Git
// repository, with GitHub's environment and expressions filled in.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
export interface Job {
  if?: string;
  needs?: string | string[];
  strategy?: { matrix?: Record<string, unknown[]> };
  steps: Step[];
}
export interface Workflow {
  on: {
    push?: {
      branches?: string[];
      'branches-ignore'?: string[];
      paths?: string[];
      'paths-ignore'?: string[];
    } | null;
    pull_request?: unknown;
  };
  jobs: Record<string, Job>;
}

export const readWorkflow = (file: string): Workflow => parse(readFileSync(file, 'utf8')) as Workflow;

export interface Push {
  branch: string;
  /** Paths the pushed commits change, relative to the repository. */
  files: string[];
  /** The head commit's message. */
  message: string;
}

// "Skipping workflow runs": any of these in the commit message skips push and pull_request runs.
const SKIP = ['[skip ci]', '[ci skip]', '[no ci]', '[skip actions]', '[actions skip]'];

const matches = (patterns: string[], value: string): boolean =>
  picomatch.isMatch(
    value,
    patterns.filter((p) => !p.startsWith('!')),
    { dot: true },
  ) &&
  !picomatch.isMatch(
    value,
    patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1)),
    { dot: true },
  );

/** Whether GitHub starts a run of `workflow` for `push`, and if not, why. */
export function startsOnPush(workflow: Workflow, push: Push): { runs: boolean; why: string } {
  const on = workflow.on.push;
  if (on === undefined) return { runs: false, why: 'no push trigger' };
  const lower = push.message.toLowerCase();
  const skip = SKIP.find((s) => lower.includes(s));
  if (skip) return { runs: false, why: `the commit message says ${skip}` };
  if (on?.branches && !matches(on.branches, push.branch)) return { runs: false, why: 'branch not listed' };
  if (on?.['branches-ignore'] && matches(on['branches-ignore'], push.branch))
    return { runs: false, why: 'branch ignored' };
  if (on?.paths && !push.files.some((f) => matches(on.paths!, f)))
    return { runs: false, why: 'no listed path changed' };
  const ignore = on?.['paths-ignore'];
  if (ignore && push.files.every((f) => matches(ignore, f)))
    return { runs: false, why: 'every changed path is in paths-ignore' };
  return { runs: true, why: 'push trigger matches' };
}

export interface GitHubContext {
  /** The repository's owner as GitHub spells it (it may have capitals). */
  owner: string;
  sha: string;
  /** The Git work tree checked out at `sha` (what actions/checkout leaves). */
  workTree: string;
  /** The wall clock the job runs at (seconds since the epoch): `date` in the steps reads it. */
  now: number;
}

/** `${{ … }}` expressions the model knows; any other is an error rather than a guess. */
function expand(
  text: string,
  ctx: GitHubContext,
  matrix: Record<string, string>,
  outputs: Record<string, Record<string, string>>,
): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    let m: RegExpExecArray | null;
    if ((m = /^matrix\.(\w+)$/.exec(expr)) && matrix[m[1]!] !== undefined) return matrix[m[1]!]!;
    if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr))) return outputs[m[1]!]?.[m[2]!] ?? '';
    if (expr === 'github.repository_owner') return ctx.owner;
    if (expr === 'github.sha') return ctx.sha;
    if (expr === 'secrets.GITHUB_TOKEN' || expr === 'github.actor') return 'x';
    throw new Error(`the workflow model does not know the expression \${{ ${expr} }}`);
  });
}

/**
 * The image references (name:tag) a job's docker/build-push-action steps push for one matrix
 * entry: the job's `run:` steps are run with bash as GitHub runs them (`bash -eo pipefail`), with
 * GITHUB_SHA, GITHUB_OUTPUT, GITHUB_REPOSITORY_OWNER and a `date` that answers the given clock.
 */
export function publishedImages(job: Job, matrix: Record<string, string>, ctx: GitHubContext): string[] {
  const scratch = mkdtempSync(path.join(tmpdir(), 'mimsy-gha-'));
  try {
    const bin = path.join(scratch, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'date'), `#!/bin/sh\nexec /bin/date -d @${ctx.now} "$@"\n`);
    chmodSync(path.join(bin, 'date'), 0o755);
    const outputs: Record<string, Record<string, string>> = {};
    const pushed: string[] = [];
    for (const step of job.steps) {
      if (step.run) {
        const outFile = path.join(scratch, `out-${step.id ?? 'step'}`);
        writeFileSync(outFile, '');
        const env: Record<string, string> = {
          PATH: `${bin}:${process.env.PATH}`,
          HOME: scratch,
          GITHUB_SHA: ctx.sha,
          GITHUB_OUTPUT: outFile,
          GITHUB_REPOSITORY_OWNER: ctx.owner,
          GITHUB_EVENT_NAME: 'push',
          GITHUB_REF: 'refs/heads/main',
        };
        for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v, ctx, matrix, outputs);
        execFileSync(
          'bash',
          ['--noprofile', '--norc', '-eo', 'pipefail', '-c', expand(step.run, ctx, matrix, outputs)],
          {
            cwd: ctx.workTree,
            env,
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        if (step.id)
          outputs[step.id] = Object.fromEntries(
            readFileSync(outFile, 'utf8')
              .split('\n')
              .filter((l) => l.includes('='))
              .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
          );
      }
      if (
        step.uses?.startsWith('docker/build-push-action@') &&
        expand(String(step.with?.push ?? 'false'), ctx, matrix, outputs) === 'true'
      )
        pushed.push(
          ...expand(step.with?.tags ?? '', ctx, matrix, outputs)
            .split(/[\n,]/)
            .map((t) => t.trim())
            .filter(Boolean),
        );
    }
    return pushed;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Why a registry refuses an image reference (docker's reference grammar), or null. */
export function invalidReference(ref: string): string | null {
  const slash = ref.lastIndexOf(':') > ref.lastIndexOf('/') ? ref.lastIndexOf(':') : -1;
  const name = slash >= 0 ? ref.slice(0, slash) : ref;
  const tag = slash >= 0 ? ref.slice(slash + 1) : 'latest';
  if (
    !/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(
      name.replace(/^[^/]+\//, ''),
    )
  )
    return `${ref}: repository name must be lowercase`;
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) return `${ref}: invalid tag`;
  return null;
}
