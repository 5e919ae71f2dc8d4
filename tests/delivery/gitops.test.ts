// The GitOps loop, end to end, through models of Flux (tests/delivery/model/flux.ts) and GitHub
// Actions (model/github.ts) written from their documented rules: an operator follows
// docs/deploy.md's walk-through on an empty cluster, build.yaml publishes images for each merge
// (its own shell steps run in a real Git repository), and Flux reconciles and commits image
// updates — until nothing changes. Each of the review's findings is put back into a copy of the
// manifests, the workflow or the docs to show that the model catches it.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Cluster, type Status } from './model/flux.js';
import { invalidReference, publishedImages, readWorkflow, startsOnPush } from './model/github.js';
import { commandProblem, follow, parseShell, walkthrough } from './model/operator.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OWNER = 'Mimsy-CMS'; // GitHub spells owners with capitals; registries refuse them
const PLACEHOLDERS = { '<owner>': OWNER, '<repository>': 'mimsy' };
const HOUR = 3600;
const T0 = Date.UTC(2026, 10, 30, 10, 0, 0) / 1000;

interface World {
  repo: string;
  cluster: Cluster;
  registry: Map<string, Set<string>>;
  /** Runs of build.yaml that published images, by commit. */
  builds: string[];
  /** Automation commits Flux pushed. */
  fluxCommits: number;
  clock: number;
  problems: string[];
}

const worlds: string[] = [];
afterEach(() => {
  for (const dir of worlds.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const git = (repo: string, args: string[], env: Record<string, string> = {}): string =>
  execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: repo, ...env },
  }).trim();

/**
 * A copy of this repository's flux/, workflow and deploy doc as a Git repository whose first
 * commit is at T0; `change` edits the copy first (to put a finding back).
 */
function makeWorld(change?: (repo: string) => void): World {
  const repo = mkdtempSync(path.join(tmpdir(), 'mimsy-gitops-'));
  worlds.push(repo);
  for (const p of ['flux', '.github', 'docs/deploy.md', '.sops.yaml'])
    cpSync(path.join(ROOT, p), path.join(repo, p), { recursive: true });
  mkdirSync(path.join(repo, 'api'));
  writeFileSync(path.join(repo, 'api/server.ts'), 'export {};\n');
  change?.(repo);
  git(repo, ['init', '-q', '-b', 'main']);
  git(repo, ['config', 'user.name', 'Ada']);
  git(repo, ['config', 'user.email', 'ada@example.com']);
  const registry = new Map<string, Set<string>>();
  const world: World = {
    repo,
    cluster: new Cluster(repo, registry),
    registry,
    builds: [],
    fluxCommits: 0,
    clock: T0,
    problems: [],
  };
  commitAndPush(world, 'initial import');
  return world;
}

/** Commits every change in the work tree at the world's clock and pushes it to main: GitHub may build it. */
function commitAndPush(world: World, message: string): void {
  const date = `@${world.clock} +0000`;
  git(world.repo, ['add', '-A']);
  git(world.repo, ['commit', '-q', '--allow-empty', '-m', message], {
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
  });
  const files = git(world.repo, ['show', '--name-only', '--format=', 'HEAD']).split('\n').filter(Boolean);
  const workflow = readWorkflow(path.join(world.repo, '.github/workflows/build.yaml'));
  if (startsOnPush(workflow, { branch: 'main', files, message }).runs)
    build(world, git(world.repo, ['rev-parse', 'HEAD']), world.clock + 600);
  world.clock += 60;
}

/** build.yaml's image job for `sha`, run at `now`: what it pushes lands in the registry. */
function build(world: World, sha: string, now: number): void {
  const workflow = readWorkflow(path.join(world.repo, '.github/workflows/build.yaml'));
  const job = workflow.jobs.images!;
  const checkout = mkdtempSync(path.join(tmpdir(), 'mimsy-checkout-'));
  try {
    git(checkout, ['clone', '-q', world.repo, '.']);
    git(checkout, ['checkout', '-q', sha]);
    for (const image of job.strategy!.matrix!.image as string[])
      for (const ref of publishedImages(job, { image }, { owner: OWNER, sha, workTree: checkout, now })) {
        const refused = invalidReference(ref);
        if (refused) {
          world.problems.push(`registry refused ${refused}`);
          continue;
        }
        const at = ref.lastIndexOf(':');
        const tags = world.registry.get(ref.slice(0, at)) ?? new Set<string>();
        tags.add(ref.slice(at + 1));
        world.registry.set(ref.slice(0, at), tags);
      }
    world.builds.push(sha.slice(0, 7));
  } finally {
    rmSync(checkout, { recursive: true, force: true });
  }
}

/** Reconciles and runs image automation until the cluster and the repository stop changing. */
function settle(world: World, rounds = 8): Map<string, Status> {
  for (let i = 0; i < rounds; i++) {
    world.cluster.reconcile();
    const { committed, problems } = world.cluster.automate(() => {});
    world.problems.push(...problems);
    if (!committed) return world.cluster.status;
    world.clock += 15 * 60;
    world.fluxCommits++;
    commitAndPush(world, committed);
  }
  return world.cluster.status;
}

/** An operator's run of docs/deploy.md's walk-through on an empty cluster, then Flux until it settles. */
function deploy(world: World): Map<string, Status> {
  const doc = readFileSync(path.join(world.repo, 'docs/deploy.md'), 'utf8');
  world.problems.push(...follow(walkthrough(doc), doc, world.cluster, PLACEHOLDERS));
  world.clock += HOUR;
  commitAndPush(world, 'secrets: production'); // step 5's commit and push
  return settle(world);
}

const ready = (status: Map<string, Status>): Record<string, string> =>
  Object.fromEntries([...status].map(([k, s]) => [k, s.ready ? 'Ready' : s.reason]));

/** Which code commit each workload runs (the <sha7> of its tag). */
const running = (world: World): Record<string, string[]> =>
  Object.fromEntries(
    Object.entries(world.cluster.images()).map(([w, images]) => [w, images.map((i) => i.slice(-7))]),
  );

const head = (world: World): string => git(world.repo, ['rev-parse', '--short=7', 'HEAD']);

function mergeCode(world: World, message: string): string {
  world.clock += HOUR;
  writeFileSync(path.join(world.repo, 'api/server.ts'), `export const at = ${world.clock};\n`);
  commitAndPush(world, message);
  return head(world);
}

function editYaml(file: string, edit: (docs: Record<string, unknown>[]) => void): void {
  const docs = readFileSync(file, 'utf8')
    .split(/^---$/m)
    .map((d) => parse(d) as Record<string, unknown>);
  edit(docs);
  writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
}

describe('GitOps, from an empty cluster (docs/deploy.md, flux/, build.yaml)', () => {
  it('every command of the walk-through parses, and the model knows a bad one', () => {
    const steps = walkthrough(readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8'));
    expect(steps.map((s) => s.n)).toEqual(steps.map((_, i) => i + 1));
    const commands = steps.flatMap((s) => s.commands);
    expect(commands.length).toBeGreaterThanOrEqual(8);
    expect(commands.map(commandProblem).filter(Boolean)).toEqual([]);
    expect(commandProblem(['flux', 'bootstrap', 'github', '--read-write'])).toBe(
      'flux: unknown flag --read-write',
    );
    expect(commandProblem(['kubectl', 'delete', 'ns', 'mimsy'])).toMatch(/unknown subcommand/);
    expect(parseShell('a --x=1 \\\n  "b c" # note\nd && e')).toEqual([['a', '--x=1', 'b c'], ['d'], ['e']]);
  });

  it('reaches Ready in the documented order, running the newest images, with one automation commit', () => {
    const world = makeWorld();
    const built = head(world);
    expect(world.builds).toEqual([built]);
    const status = deploy(world);
    expect(world.problems).toEqual([]);
    expect(ready(status)).toEqual({
      'flux-system/flux-system': 'Ready',
      'flux-system/mimsy-namespaces': 'Ready',
      'flux-system/mimsy-secrets': 'Ready',
      'flux-system/mimsy-apps': 'Ready',
    });
    expect(running(world)).toEqual({ 'mimsy-api': [built], 'mimsy-web': [built] });
    // The operator's secrets commit and Flux's image commit change only flux/: no build for either.
    expect(world.builds).toEqual([built]);
    expect(world.fluxCommits).toBe(1);
    expect(git(world.repo, ['log', '-1', '--format=%s'])).toMatch(/^\[skip ci\]/);
  });

  it('a merge to main rolls out exactly once, and nothing more happens after it', () => {
    const world = makeWorld();
    deploy(world);
    const before = world.fluxCommits;
    const merged = mergeCode(world, 'api: faster saves');
    settle(world);
    expect(world.problems).toEqual([]);
    expect(world.fluxCommits - before).toBe(1);
    expect(running(world)).toEqual({ 'mimsy-api': [merged], 'mimsy-web': [merged] });
    expect(world.builds.at(-1)).toBe(merged);
    const quiet = world.fluxCommits;
    settle(world);
    expect(world.fluxCommits).toBe(quiet);
  });

  it('a re-run of an older commit’s build does not outrank newer code', () => {
    const world = makeWorld();
    const old = head(world);
    deploy(world);
    const newer = mergeCode(world, 'web: new list');
    settle(world);
    build(world, git(world.repo, ['rev-parse', old]), world.clock + 5 * HOUR);
    settle(world);
    expect(running(world)).toEqual({ 'mimsy-api': [newer], 'mimsy-web': [newer] });
  });
});

describe('the model catches each finding of the review', () => {
  it('1. image automation pushing through a GitRepository without credentials: no tag is ever written', () => {
    const world = makeWorld((repo) => {
      editYaml(path.join(repo, 'flux/clusters/production/mimsy.yaml'), (docs) =>
        docs.push({
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'GitRepository',
          metadata: { name: 'mimsy', namespace: 'flux-system' },
          spec: { interval: '1m', url: 'https://github.com/mimsy-cms/mimsy', ref: { branch: 'main' } },
        }),
      );
      editYaml(path.join(repo, 'flux/apps/mimsy/image-automation.yaml'), (docs) => {
        const auto = docs.find((d) => d.kind === 'ImageUpdateAutomation') as {
          spec: { sourceRef: { name: string } };
        };
        auto.spec.sourceRef.name = 'mimsy';
      });
    });
    const status = deploy(world);
    expect(world.problems.join('\n')).toMatch(/cannot push: GitRepository mimsy has no secretRef/);
    expect(status.get('flux-system/mimsy-apps')?.reason).toMatch(/image .*20261128-000000-0000000 not found/);
    expect(world.fluxCommits).toBe(0);
  });

  it('1b. a bootstrap without --read-write-key leaves the deploy key read-only', () => {
    const world = makeWorld((repo) => {
      const doc = path.join(repo, 'docs/deploy.md');
      writeFileSync(doc, readFileSync(doc, 'utf8').replace(' --read-write-key', ''));
    });
    deploy(world);
    expect(world.problems.join('\n')).toMatch(/deploy key is read-only/);
    expect(world.fluxCommits).toBe(0);
  });

  it('2. with neither guard, every image commit starts a build that makes the next one: a loop', () => {
    const world = makeWorld((repo) => {
      editYaml(path.join(repo, '.github/workflows/build.yaml'), ([w]) => {
        delete (w as { on: { push: Record<string, unknown> } }).on.push['paths-ignore'];
      });
      const auto = path.join(repo, 'flux/apps/mimsy/image-automation.yaml');
      writeFileSync(auto, readFileSync(auto, 'utf8').replace('[skip ci] ', ''));
    });
    deploy(world);
    expect(world.fluxCommits).toBe(8); // every round of settle() committed again
    expect(world.builds.length).toBeGreaterThan(8);
  });

  it.each([
    [
      'paths-ignore alone',
      (repo: string) => {
        const auto = path.join(repo, 'flux/apps/mimsy/image-automation.yaml');
        writeFileSync(auto, readFileSync(auto, 'utf8').replace('[skip ci] ', ''));
      },
    ],
    [
      '[skip ci] alone',
      (repo: string) =>
        editYaml(path.join(repo, '.github/workflows/build.yaml'), ([w]) => {
          delete (w as { on: { push: Record<string, unknown> } }).on.push['paths-ignore'];
        }),
    ],
  ])('2b. %s is enough to stop the loop', (_name, change) => {
    const world = makeWorld(change);
    deploy(world);
    mergeCode(world, 'core: codecs');
    settle(world);
    expect(world.fluxCommits).toBe(2);
  });

  it('3. namespaces created by the apps Kustomization: the Secrets cannot be applied, nothing converges', () => {
    const world = makeWorld((repo) => {
      rmSync(path.join(repo, 'flux/namespaces'), { recursive: true });
      cpSync(
        path.join(ROOT, 'flux/namespaces/mimsy.yaml'),
        path.join(repo, 'flux/apps/mimsy/namespace.yaml'),
      );
      editYaml(path.join(repo, 'flux/apps/mimsy/kustomization.yaml'), ([k]) => {
        (k as { resources: string[] }).resources.unshift('namespace.yaml');
      });
      editYaml(path.join(repo, 'flux/clusters/production/mimsy.yaml'), (docs) => {
        docs.splice(
          docs.findIndex((d) => (d.metadata as { name: string }).name === 'mimsy-namespaces'),
          1,
        );
        const secrets = docs.find((d) => (d.metadata as { name: string }).name === 'mimsy-secrets') as {
          spec: Record<string, unknown>;
        };
        delete secrets.spec.dependsOn;
      });
    });
    const status = deploy(world);
    expect(status.get('flux-system/mimsy-secrets')?.reason).toMatch(/namespace 'mimsy' not found/);
    expect(status.get('flux-system/mimsy-apps')?.reason).toMatch(
      /dependency 'flux-system\/mimsy-secrets' is not ready/,
    );
  });

  it('a build-time tag lets a re-run of an old build outrank newer code', () => {
    const world = makeWorld((repo) => {
      const wf = path.join(repo, '.github/workflows/build.yaml');
      const text = readFileSync(wf, 'utf8');
      const stamp = /^ *stamp=.*$/m.exec(text)![0];
      writeFileSync(wf, text.replace(stamp, `${stamp.match(/^ */)![0]}stamp=$(date -u +%Y%m%d-%H%M%S)`));
    });
    const old = head(world);
    deploy(world);
    mergeCode(world, 'web: new list');
    settle(world);
    build(world, git(world.repo, ['rev-parse', old]), world.clock + 5 * HOUR);
    settle(world);
    expect(running(world)).toEqual({ 'mimsy-api': [old], 'mimsy-web': [old] });
  });

  it('an owner with capitals, not lower-cased, is refused by the registry', () => {
    const world = makeWorld((repo) =>
      editYaml(path.join(repo, '.github/workflows/build.yaml'), ([w]) => {
        const steps = (w as { jobs: { images: { steps: { uses?: string; with?: { tags: string } }[] } } })
          .jobs.images.steps;
        steps.find((s) => s.uses?.startsWith('docker/build-push-action'))!.with!.tags =
          'ghcr.io/${{ github.repository_owner }}/mimsy-${{ matrix.image }}:${{ steps.tag.outputs.tag }}';
      }),
    );
    expect(world.problems.join('\n')).toMatch(
      /ghcr\.io\/Mimsy-CMS\/mimsy-api:.*repository name must be lowercase/,
    );
  });

  it('a health check naming a Deployment where the API is a StatefulSet never passes', () => {
    const world = makeWorld((repo) =>
      editYaml(path.join(repo, 'flux/clusters/production/mimsy.yaml'), (docs) => {
        const apps = docs.find((d) => (d.metadata as { name: string }).name === 'mimsy-apps') as {
          spec: { healthChecks: { kind: string }[] };
        };
        apps.spec.healthChecks[0]!.kind = 'Deployment';
      }),
    );
    const status = deploy(world);
    expect(status.get('flux-system/mimsy-apps')?.reason).toMatch(
      /health check Deployment\/mimsy\/mimsy-api not found/,
    );
  });
});
