// A model of what Flux's controllers do with this repository's flux/ tree, written from Flux's
// documented behaviour (fluxcd.io: bootstrap, Kustomization, GitRepository, ImagePolicy,
// ImageUpdateAutomation), so that the delivery tests can follow a cluster from empty to Ready and
// image updates round the GitOps loop offline:
// - `flux bootstrap github` installs the controllers (plus `--components-extra`), creates the
//   flux-system GitRepository (SSH, deploy key `flux-system`, writable only with `--read-write-key`)
//   and the flux-system Kustomization of `--path`, and commits flux-system/ into that path.
// - A Kustomization applies once every `dependsOn` is Ready and its source exists; the whole set is
//   refused when an object's kind has no controller installed, its namespace exists neither in the
//   cluster nor in the set, or it is SOPS-encrypted without decryption and the key's Secret. With
//   `wait`/`healthChecks` it is Ready only when its workloads can run (their Secrets exist and
//   their images are in the registry) and every health check names an object it applied.
// - ImageRepository scans the registry, ImagePolicy picks a tag, ImageUpdateAutomation rewrites the
//   setter-marked lines under its path and pushes a commit through its GitRepository, which needs
//   credentials that may write.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build, isClusterScoped, type K8sObject } from './kustomize.js';

const DEFAULT_COMPONENTS = [
  'source-controller',
  'kustomize-controller',
  'helm-controller',
  'notification-controller',
];
/** The API groups each Flux controller serves. */
const GROUPS: Record<string, string[]> = {
  'source-controller': ['source.toolkit.fluxcd.io'],
  'kustomize-controller': ['kustomize.toolkit.fluxcd.io'],
  'helm-controller': ['helm.toolkit.fluxcd.io'],
  'notification-controller': ['notification.toolkit.fluxcd.io'],
  'image-reflector-controller': [
    'image.toolkit.fluxcd.io:ImageRepository',
    'image.toolkit.fluxcd.io:ImagePolicy',
  ],
  'image-automation-controller': ['image.toolkit.fluxcd.io:ImageUpdateAutomation'],
};
const BUILT_IN_GROUPS = [
  '',
  'apps',
  'batch',
  'policy',
  'networking.k8s.io',
  'coordination.k8s.io',
  'rbac.authorization.k8s.io',
];

export interface Bootstrap {
  owner: string;
  repository: string;
  branch: string;
  path: string;
  readWriteKey: boolean;
  components: string[];
}

/** The settings of a `flux bootstrap github …` command line (words already split). */
export function parseBootstrap(words: string[]): Bootstrap {
  const flags = new Map<string, string>();
  for (const w of words.slice(3)) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(w);
    if (!m) throw new Error(`flux bootstrap github: unexpected argument ${w}`);
    flags.set(m[1]!, m[2] ?? 'true');
  }
  const extra = (flags.get('components-extra') ?? '').split(',').filter(Boolean);
  return {
    owner: flags.get('owner') ?? '',
    repository: flags.get('repository') ?? '',
    branch: flags.get('branch') ?? 'main',
    path: (flags.get('path') ?? '.').replace(/^\.\//, ''),
    readWriteKey: flags.get('read-write-key') === 'true',
    components: [...(flags.get('components')?.split(',') ?? DEFAULT_COMPONENTS), ...extra],
  };
}

const key = (o: { kind: string; metadata: { name: string; namespace?: string } }): string =>
  `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const group = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

export interface Status {
  ready: boolean;
  reason: string;
}

export class Cluster {
  readonly objects = new Map<string, K8sObject>();
  readonly status = new Map<string, Status>();
  private components: string[] = [];
  /** Whether the bootstrap's deploy key (Secret flux-system/flux-system) may push. */
  private writableDeployKey = false;

  constructor(
    /** A Git work tree of the repository Flux syncs (the model commits into it). */
    readonly repo: string,
    /** The image registry: repository → tags. */
    readonly registry: Map<string, Set<string>>,
  ) {
    for (const name of ['default', 'kube-system', 'kube-public'])
      this.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }

  add(o: K8sObject): void {
    this.objects.set(key(o), o);
  }

  get(kind: string, namespace: string | undefined, name: string): K8sObject | undefined {
    return this.objects.get(`${kind}/${namespace ?? ''}/${name}`);
  }

  serves(o: K8sObject): boolean {
    const g = group(o.apiVersion);
    if (BUILT_IN_GROUPS.includes(g)) return true;
    return this.components.some((c) => (GROUPS[c] ?? []).some((s) => s === g || s === `${g}:${o.kind}`));
  }

  /** What `flux bootstrap github` does to the cluster and to the repository. */
  bootstrap(b: Bootstrap): void {
    this.components = b.components;
    this.writableDeployKey = b.readWriteKey;
    const ns = 'flux-system';
    this.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    this.add({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: ns, namespace: ns },
      data: { identity: 'deploy key' },
    });
    const sync: K8sObject[] = [
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: ns, namespace: ns },
        spec: {
          interval: '1m0s',
          ref: { branch: b.branch },
          secretRef: { name: ns },
          url: `ssh://git@github.com/${b.owner}/${b.repository}`,
        },
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: ns, namespace: ns },
        spec: {
          interval: '10m0s',
          path: `./${b.path}`,
          prune: true,
          sourceRef: { kind: 'GitRepository', name: ns },
        },
      },
    ];
    for (const o of sync) this.add(structuredClone(o));
    // Bootstrap commits flux-system/ (gotk-components.yaml holds the controllers and their CRDs;
    // the model keeps those in `components` instead of the file).
    const dir = path.join(this.repo, b.path, 'flux-system');
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(path.join(dir, 'gotk-sync.yaml'), sync.map((o) => JSON.stringify(o)).join('\n---\n'));
    writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gotk-sync.yaml\n',
    );
  }

  /** Applies Kustomizations until nothing changes; returns each one's status. */
  reconcile(): Map<string, Status> {
    for (let progress = true; progress;) {
      progress = false;
      for (const k of [...this.objects.values()].filter((o) => o.kind === 'Kustomization')) {
        const id = `${k.metadata.namespace}/${k.metadata.name}`;
        const before = this.status.get(id);
        const after = this.reconcileOne(k);
        this.status.set(id, after);
        if (after.ready !== before?.ready || after.reason !== before?.reason) progress = true;
      }
    }
    return this.status;
  }

  private reconcileOne(k: K8sObject): Status {
    const spec = k.spec as {
      path: string;
      sourceRef: { kind: string; name: string; namespace?: string };
      dependsOn?: { name: string; namespace?: string }[];
      wait?: boolean;
      healthChecks?: { kind: string; name: string; namespace?: string }[];
      decryption?: { provider: string; secretRef?: { name: string } };
      targetNamespace?: string;
    };
    const ns = k.metadata.namespace!;
    for (const d of spec.dependsOn ?? []) {
      const s = this.status.get(`${d.namespace ?? ns}/${d.name}`);
      if (!s?.ready)
        return { ready: false, reason: `dependency '${d.namespace ?? ns}/${d.name}' is not ready` };
    }
    if (!this.get(spec.sourceRef.kind, spec.sourceRef.namespace ?? ns, spec.sourceRef.name))
      return { ready: false, reason: `source ${spec.sourceRef.kind}/${spec.sourceRef.name} not found` };
    let objects: K8sObject[];
    try {
      objects = build(path.join(this.repo, spec.path));
    } catch (error) {
      return { ready: false, reason: `kustomize build failed: ${(error as Error).message}` };
    }
    if (spec.targetNamespace)
      for (const o of objects) if (!isClusterScoped(o)) o.metadata.namespace = spec.targetNamespace;
    for (const o of objects) {
      if (!this.serves(o))
        return {
          ready: false,
          reason: `no controller serves ${o.apiVersion} ${o.kind} (${o.metadata.name})`,
        };
      if (o.sops) {
        const ref = spec.decryption?.provider === 'sops' ? spec.decryption.secretRef?.name : undefined;
        if (!ref || !this.get('Secret', ns, ref))
          return {
            ready: false,
            reason: `${o.kind} ${o.metadata.name} is SOPS-encrypted and cannot be decrypted`,
          };
      }
      const target = o.metadata.namespace;
      if (
        !isClusterScoped(o) &&
        target &&
        !this.get('Namespace', undefined, target) &&
        !objects.some((n) => n.kind === 'Namespace' && n.metadata.name === target)
      )
        return { ready: false, reason: `namespace '${target}' not found (${o.kind} ${o.metadata.name})` };
    }
    for (const o of objects) this.add(o);
    if (!spec.wait && !spec.healthChecks) return { ready: true, reason: 'applied' };
    const checks = [
      ...(spec.wait ? objects : []),
      ...(spec.healthChecks ?? []).map((h) => ({
        kind: h.kind,
        metadata: { name: h.name, namespace: h.namespace ?? ns },
      })),
    ];
    for (const c of checks) {
      const live = this.get(c.kind, c.metadata.namespace, c.metadata.name);
      if (!live)
        return {
          ready: false,
          reason: `health check ${c.kind}/${c.metadata.namespace}/${c.metadata.name} not found`,
        };
      const problem = this.unhealthy(live);
      if (problem) return { ready: false, reason: `${c.kind} ${c.metadata.name}: ${problem}` };
    }
    return { ready: true, reason: 'applied and healthy' };
  }

  /** Why a workload's pods cannot run (missing Secret, image not in the registry), or null. */
  private unhealthy(o: K8sObject): string | null {
    if (o.kind !== 'Deployment' && o.kind !== 'StatefulSet') return null;
    const pod = (o.spec as { template: { spec: PodSpec } }).template.spec;
    const ns = o.metadata.namespace;
    const secrets = [
      ...(pod.volumes ?? []).flatMap((v) => (v.secret ? [v.secret.secretName] : [])),
      ...pod.containers.flatMap((c) =>
        (c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
      ),
    ];
    for (const s of secrets) if (!this.get('Secret', ns, s)) return `Secret ${ns}/${s} not found`;
    for (const c of pod.containers) {
      const at = c.image.lastIndexOf(':');
      if (!this.registry.get(c.image.slice(0, at))?.has(c.image.slice(at + 1)))
        return `image ${c.image} not found in the registry`;
    }
    return null;
  }

  /** Whether `repo` (a GitRepository) carries credentials that may push, and if not, why. */
  canPush(repo: K8sObject): string | null {
    const spec = repo.spec as { url: string; secretRef?: { name: string } };
    if (!spec.secretRef) return `GitRepository ${repo.metadata.name} has no secretRef: nothing to push with`;
    const secret = this.get('Secret', repo.metadata.namespace, spec.secretRef.name);
    if (!secret) return `Secret ${spec.secretRef.name} of GitRepository ${repo.metadata.name} not found`;
    const isDeployKey = repo.metadata.name === 'flux-system' && spec.secretRef.name === 'flux-system';
    if (isDeployKey && !this.writableDeployKey)
      return 'the bootstrap deploy key is read-only (bootstrap without --read-write-key)';
    if (
      spec.url.startsWith('ssh://') &&
      !(secret.data as Record<string, string> | undefined)?.identity &&
      !(secret.stringData as Record<string, string> | undefined)?.identity
    )
      return `Secret ${spec.secretRef.name} has no SSH identity`;
    return null;
  }

  /** One run of the image controllers: returns the automation's commit message, or null when nothing changed. */
  automate(commit: (message: string) => void): { committed: string | null; problems: string[] } {
    const problems: string[] = [];
    const picked = new Map<string, string>();
    for (const policy of this.all('ImagePolicy')) {
      const ref = (policy.spec as { imageRepositoryRef: { name: string } }).imageRepositoryRef.name;
      const repository = this.get('ImageRepository', policy.metadata.namespace, ref);
      if (!repository) continue;
      const image = (repository.spec as { image: string }).image;
      const tag = pickTag(policy, [...(this.registry.get(image) ?? [])]);
      if (tag) picked.set(`${policy.metadata.namespace}:${policy.metadata.name}`, `${image}:${tag}`);
    }
    let committed: string | null = null;
    for (const auto of this.all('ImageUpdateAutomation')) {
      const spec = auto.spec as {
        sourceRef: { name: string; namespace?: string };
        git: { commit: { messageTemplate?: string }; push?: { branch: string } };
        update: { path: string };
      };
      const source = this.get(
        'GitRepository',
        spec.sourceRef.namespace ?? auto.metadata.namespace,
        spec.sourceRef.name,
      );
      if (!source) {
        problems.push(
          `ImageUpdateAutomation ${auto.metadata.name}: GitRepository ${spec.sourceRef.name} not found`,
        );
        continue;
      }
      const changes: string[] = [];
      const rewrite = (file: string): void => {
        const text = readFileSync(file, 'utf8');
        const next = text.replace(
          /^(\s*(?:-\s+)?image:\s*)(\S+)(\s*#\s*\{"\$imagepolicy":\s*"([^"]+)"\})/gm,
          (line, head: string, old: string, marker: string, policy: string) => {
            const image = picked.get(policy.split(':').slice(0, 2).join(':'));
            if (!image || image === old) return line;
            changes.push(`${old} -> ${image}`);
            return `${head}${image}${marker}`;
          },
        );
        if (next !== text) writeFileSync(file, next);
      };
      const walk = (p: string): void => {
        if (statSync(p).isDirectory()) for (const f of readdirSync(p)) walk(path.join(p, f));
        else if (/\.ya?ml$/.test(p)) rewrite(p);
      };
      walk(path.join(this.repo, spec.update.path));
      if (!changes.length) continue;
      const cannot = this.canPush(source);
      if (cannot) {
        execFileSync('git', ['checkout', '--', '.'], { cwd: this.repo });
        problems.push(`ImageUpdateAutomation ${auto.metadata.name} cannot push: ${cannot}`);
        continue;
      }
      committed = renderMessage(
        spec.git.commit.messageTemplate ?? 'Update from image update automation',
        changes,
      );
      commit(committed);
    }
    return { committed, problems };
  }

  all(kind: string): K8sObject[] {
    return [...this.objects.values()].filter((o) => o.kind === kind);
  }

  /** The image each workload runs now, by workload. */
  images(): Record<string, string[]> {
    return Object.fromEntries(
      [...this.all('Deployment'), ...this.all('StatefulSet')].map((o) => [
        o.metadata.name,
        (o.spec as { template: { spec: PodSpec } }).template.spec.containers.map((c) => c.image),
      ]),
    );
  }
}

interface PodSpec {
  containers: { image: string; env?: { valueFrom?: { secretKeyRef?: { name: string } } }[] }[];
  volumes?: { secret?: { secretName: string } }[];
}

/** What Flux's ImagePolicy selects among `tags` (numerical or alphabetical, filterTags extract). */
export function pickTag(policy: K8sObject, tags: string[]): string | null {
  const spec = policy.spec as {
    filterTags?: { pattern: string; extract?: string };
    policy: { numerical?: { order?: string }; alphabetical?: { order?: string }; semver?: unknown };
  };
  const re = spec.filterTags ? new RegExp(spec.filterTags.pattern.replace(/\(\?P</g, '(?<')) : null;
  const candidates: { tag: string; value: string }[] = [];
  for (const tag of tags) {
    const m = re ? re.exec(tag) : null;
    if (re && !m) continue;
    const value = spec.filterTags?.extract
      ? spec.filterTags.extract.replace(
          /\$\{?(\w+)\}?/g,
          (_, g: string) => m?.groups?.[g] ?? m?.[Number(g)] ?? '',
        )
      : tag;
    candidates.push({ tag, value });
  }
  if (spec.policy.numerical) {
    const desc = spec.policy.numerical.order === 'desc';
    const numeric = candidates.filter((c) => /^-?\d+(\.\d+)?$/.test(c.value));
    numeric.sort((a, b) => Number(a.value) - Number(b.value));
    return (desc ? numeric[0] : numeric.at(-1))?.tag ?? null;
  }
  if (spec.policy.alphabetical) {
    candidates.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return (spec.policy.alphabetical.order === 'desc' ? candidates[0] : candidates.at(-1))?.tag ?? null;
  }
  throw new Error('the model knows numerical and alphabetical policies only');
}

/** The automation's commit message: the template's text with its `{{…}}` actions filled by the changes. */
function renderMessage(template: string, changes: string[]): string {
  return template
    .replace(/\{\{range[\s\S]*?\{\{end\}\}/g, changes.join('\n'))
    .replace(/\{\{[\s\S]*?\}\}/g, '');
}
