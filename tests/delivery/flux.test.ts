// The Flux tree, offline: every kustomization builds (resources resolved here: the kustomize binary
// cannot be installed on our machines), every object validates against the Kubernetes and Flux
// schemas, image automation picks the newest timestamp tag, and no plaintext Secret is committed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ImagePolicy,
  ImageRepository,
  ImageUpdateAutomation,
} from '@kubernetes-models/flux-cd/image.toolkit.fluxcd.io/v1';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { API_PREFIXES } from '../../web/src/app/router.js';
import { build, type K8sObject, kustomizationDirs } from './model/kustomize.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FLUX = path.join(ROOT, 'flux');

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'v1/Secret': Secret,
  'v1/ServiceAccount': ServiceAccount,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/Ingress': Ingress,
  'source.toolkit.fluxcd.io/v1/GitRepository': GitRepository,
  'kustomize.toolkit.fluxcd.io/v1/Kustomization': Kustomization,
  'image.toolkit.fluxcd.io/v1/ImageRepository': ImageRepository,
  'image.toolkit.fluxcd.io/v1/ImagePolicy': ImagePolicy,
  'image.toolkit.fluxcd.io/v1/ImageUpdateAutomation': ImageUpdateAutomation,
};

// Every folder a Flux Kustomization (or the bootstrap) applies: the cluster entry has no
// kustomization.yaml (Flux generates one), the others do.
const overlays = [path.join(FLUX, 'clusters/production'), ...kustomizationDirs(FLUX)];
const built = new Map(overlays.map((d) => [path.relative(ROOT, d), build(d)]));
const all = [...built.values()].flat();
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectl && process.env.CI)
  throw new Error('kubectl is missing: install it (apt-get install kubectl; .ci/run does).');

describe('flux/', () => {
  it('has a cluster entry, the app, and a place for encrypted secrets', () => {
    expect([...built.keys()].sort()).toEqual([
      'flux/apps/mimsy',
      'flux/clusters/production',
      'flux/namespaces',
      'flux/secrets/production',
    ]);
  });

  it.skipIf(!kubectl).each(kustomizationDirs(FLUX).map((d) => path.relative(ROOT, d)))(
    '%s: the real `kubectl kustomize` builds the same objects as the model’s builder',
    (dir) => {
      const out = spawnSync('kubectl', ['kustomize', path.join(ROOT, dir)], { encoding: 'utf8' });
      expect(out.stderr).toBe('');
      const real = parseAllDocuments(out.stdout).map((d) => d.toJS() as K8sObject);
      const key = (o: K8sObject): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      expect(real.map(key).sort()).toEqual(built.get(dir)!.map(key).sort());
    },
  );

  it.each([...built.entries()])(
    '%s builds, and every object validates against its schema',
    (_dir, objects) => {
      for (const o of objects) {
        const Model = MODELS[`${o.apiVersion}/${o.kind}`];
        expect(Model, `${o.apiVersion} ${o.kind} ${o.metadata.name}`).toBeDefined();
        expect(() => new Model!(o as never).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
      }
    },
  );

  it('Flux Kustomizations point at folders that build, from the bootstrap’s source, in the order namespaces → secrets → apps', () => {
    const kustomizations = all.filter((o) => o.kind === 'Kustomization') as unknown as {
      metadata: { name: string };
      spec: {
        path: string;
        prune: boolean;
        wait: boolean;
        sourceRef: { name: string };
        dependsOn?: { name: string }[];
        decryption?: { provider: string };
      };
    }[];
    const byName = Object.fromEntries(kustomizations.map((k) => [k.metadata.name, k.spec]));
    expect(Object.keys(byName).sort()).toEqual(['mimsy-apps', 'mimsy-namespaces', 'mimsy-secrets']);
    for (const [name, k] of Object.entries(byName)) {
      expect(built.has(path.normalize(k.path.replace(/^\.\//, ''))), k.path).toBe(true);
      expect(k.sourceRef.name, name).toBe('flux-system');
      expect(k.wait, name).toBe(true);
      // Namespaces are not pruned: removing one from Git must not delete its volumes with it.
      expect(k.prune, name).toBe(name !== 'mimsy-namespaces');
    }
    expect(byName['mimsy-secrets']!.decryption?.provider).toBe('sops');
    expect(byName['mimsy-secrets']!.dependsOn).toEqual([{ name: 'mimsy-namespaces' }]);
    expect(byName['mimsy-apps']!.dependsOn).toEqual([{ name: 'mimsy-secrets' }]);
  });

  it('workloads run as non-root on a read-only root file system, with probes, resources and a disruption budget', () => {
    const deployments = all.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet') as unknown as {
      metadata: { name: string };
      spec: {
        template: {
          metadata: { labels: Record<string, string> };
          spec: {
            securityContext: { runAsNonRoot: boolean };
            containers: {
              readinessProbe?: unknown;
              livenessProbe?: unknown;
              resources?: { requests?: unknown; limits?: unknown };
              securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
            }[];
          };
        };
      };
    }[];
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['mimsy-api', 'mimsy-web']);
    const pdbs = all.filter((o) => o.kind === 'PodDisruptionBudget') as unknown as {
      spec: { selector: { matchLabels: Record<string, string> } };
    }[];
    for (const d of deployments) {
      expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
      for (const c of d.spec.template.spec.containers) {
        expect(c.readinessProbe && c.livenessProbe, d.metadata.name).toBeTruthy();
        expect(c.resources?.requests && c.resources?.limits, d.metadata.name).toBeTruthy();
        expect(c.securityContext).toMatchObject({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        });
      }
      const labels = d.spec.template.metadata.labels;
      expect(
        pdbs.some((p) => Object.entries(p.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)),
        d.metadata.name,
      ).toBe(true);
    }
  });

  it('the Ingress sends the API’s paths to the API and the rest to the admin, over TLS', () => {
    const ingress = all.find((o) => o.kind === 'Ingress') as unknown as {
      spec: {
        tls: unknown[];
        rules: { http: { paths: { path: string; backend: { service: { name: string } } }[] } }[];
      };
    };
    expect(ingress.spec.tls.length).toBe(1);
    expect(
      Object.fromEntries(ingress.spec.rules[0]!.http.paths.map((p) => [p.path, p.backend.service.name])),
    ).toEqual({ '/api': 'mimsy-api', '/media': 'mimsy-api', '/': 'mimsy-web' });
    // …which are exactly the prefixes the admin keeps its own pages out of (web/src/app/router.ts).
    expect(API_PREFIXES.map((p) => `/${p}`)).toEqual(['/api', '/media']);
  });
});

describe('image automation', () => {
  const policies = all.filter((o) => o.kind === 'ImagePolicy') as unknown as {
    metadata: { name: string; namespace: string };
    spec: { filterTags: { pattern: string; extract: string }; policy: { numerical?: { order: string } } };
  }[];

  /** What Flux's numerical policy picks: Go regexp named groups, extract, highest number. */
  function pick(policy: (typeof policies)[number], tags: string[]): string | null {
    const re = new RegExp(policy.spec.filterTags.pattern.replace(/\(\?P</g, '(?<'));
    let best: { tag: string; n: number } | null = null;
    for (const tag of tags) {
      const m = re.exec(tag);
      if (!m) continue;
      const extracted = policy.spec.filterTags.extract.replace(
        /\$(\w+)/g,
        (_, g: string) => m.groups?.[g] ?? '',
      );
      const n = Number(extracted);
      if (!Number.isFinite(n)) continue;
      if (!best || n > best.n) best = { tag, n };
    }
    return best?.tag ?? null;
  }

  it.each(policies.map((p) => [p.metadata.name, p]))(
    '%s selects the newest timestamp tag and ignores latest and malformed tags',
    (_name, policy) => {
      expect(policy.spec.policy.numerical?.order).toBe('asc');
      const tags = [
        'latest',
        '20261128-091500-abc1234',
        '20261128-235959-0000000',
        '20261129-000001-ffffff1',
        '20261201-120000-XYZ1234',
        '2026112-120000-abc1234',
        '20261130-120000-abc12345',
        'v1.2.3',
        '20261130-120000',
      ];
      expect(pick(policy, tags)).toBe('20261129-000001-ffffff1');
      expect(pick(policy, ['latest', 'main', 'sha-abc1234'])).toBeNull();
      // A later day always wins over a later time on an earlier day.
      expect(pick(policy, ['20261231-235959-aaaaaaa', '20270101-000000-bbbbbbb'])).toBe(
        '20270101-000000-bbbbbbb',
      );
    },
  );

  it('every setter marker names an existing ImagePolicy, and every Deployment image has one', () => {
    const known = new Set(policies.map((p) => `${p.metadata.namespace}:${p.metadata.name}`));
    let markers = 0;
    for (const dir of overlays) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
        for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
          const m = /#\s*\{"\$imagepolicy":\s*"([^"]+)"\}/.exec(line);
          if (m) {
            markers++;
            expect(known.has(m[1]!.split(':').slice(0, 2).join(':')), `${file}: ${m[1]}`).toBe(true);
          }
          // A container image (with a tag), not an ImageRepository’s repository name.
          if (/^\s+image:\s+\S+:\S+/.test(line))
            expect(line, `${file}: image without a setter marker`).toMatch(/\$imagepolicy/);
        }
      }
    }
    expect(markers).toBe(2);
  });
});

/** Why a Secret manifest is not safely SOPS-encrypted (empty when it is). */
function plaintextProblems(secret: K8sObject): string[] {
  const problems: string[] = [];
  const sops = secret.sops as { mac?: string } | undefined;
  if (!/^ENC\[AES256_GCM,/.test(sops?.mac ?? '')) problems.push(`${secret.metadata.name}: no sops metadata`);
  for (const key of ['data', 'stringData']) {
    for (const [k, v] of Object.entries((secret[key] as Record<string, string> | undefined) ?? {})) {
      if (!/^ENC\[AES256_GCM,data:/.test(String(v)))
        problems.push(`${secret.metadata.name}.${key}.${k} is not encrypted`);
    }
  }
  return problems;
}

describe('secrets', () => {
  it('.sops.yaml encrypts data and stringData of manifests under flux/ for an age recipient', () => {
    const sops = parse(readFileSync(path.join(ROOT, '.sops.yaml'), 'utf8')) as {
      creation_rules: { path_regex: string; encrypted_regex: string; age: string }[];
    };
    const rule = sops.creation_rules[0]!;
    expect(new RegExp(rule.path_regex).test('flux/secrets/production/mimsy-api.yaml')).toBe(true);
    expect(rule.encrypted_regex).toBe('^(data|stringData)$');
    expect(rule.age).toMatch(/^age1[02-9ac-hj-np-z]{58}$/);
  });

  it('no Secret under flux/ is committed in plaintext', () => {
    const secrets = all.filter((o) => o.kind === 'Secret');
    for (const dir of overlays) {
      for (const file of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
        for (const doc of parseAllDocuments(readFileSync(path.join(dir, file), 'utf8'))) {
          const o = doc.toJS() as K8sObject | null;
          if (o?.kind === 'Secret' && !secrets.includes(o)) secrets.push(o);
        }
      }
    }
    expect(secrets.flatMap(plaintextProblems)).toEqual([]);
  });

  it('the plaintext check itself catches a plaintext Secret and passes a SOPS-encrypted one', () => {
    const plain = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'leak' },
      stringData: { password: 'hunter2' },
    } as K8sObject;
    expect(plaintextProblems(plain)).toEqual([
      'leak: no sops metadata',
      'leak.stringData.password is not encrypted',
    ]);
    const sealed = {
      ...plain,
      metadata: { name: 'ok' },
      stringData: { password: 'ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]' },
      sops: { mac: 'ENC[AES256_GCM,data:m,iv:i,tag:t,type:str]', age: [{}] },
    } as K8sObject;
    expect(plaintextProblems(sealed)).toEqual([]);
  });
});

describe('API replicas (docs/scaling.md)', () => {
  const api = parseAllDocuments(readFileSync(path.join(ROOT, 'flux/apps/mimsy/api.yaml'), 'utf8'))
    .map((d) => d.toJS() as K8sObject)
    .find((o) => o.kind === 'StatefulSet') as unknown as {
    spec: {
      replicas: number;
      serviceName: string;
      volumeClaimTemplates: { metadata: { name: string }; spec: { accessModes: string[] } }[];
      template: {
        spec: {
          containers: {
            env: {
              name: string;
              value?: string;
              valueFrom?: { secretKeyRef: { name: string; key: string } };
            }[];
            volumeMounts: { name: string; mountPath: string }[];
          }[];
          volumes: { name: string }[];
        };
      };
    };
  };

  it('elects one writer with a Lease the pods may take, and tells the others where it is', () => {
    const objects = built.get('flux/apps/mimsy')!;
    const sts = objects.find((o) => o.kind === 'StatefulSet') as unknown as {
      metadata: { namespace: string };
      spec: {
        serviceName: string;
        template: {
          spec: {
            serviceAccountName: string;
            automountServiceAccountToken: boolean;
            containers: {
              env: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
              ports: { name: string; containerPort: number }[];
            }[];
          };
        };
      };
    };
    const pod = sts.spec.template.spec;
    const env = pod.containers[0]!.env;
    const value = (name: string): string | undefined => env.find((e) => e.name === name)?.value;
    expect(value('MIMSY_WRITER_ELECTION')).toBe('kubernetes');
    // The address other replicas forward to: this pod's name in the governing headless Service,
    // on the container's port; POD_NAME is defined before it is used ($(VAR) expands only then).
    const port = pod.containers[0]!.ports.find((p) => p.name === 'http')!.containerPort;
    expect(value('MIMSY_REPLICA_URL')).toBe(
      `http://$(POD_NAME).${sts.spec.serviceName}.${sts.metadata.namespace}.svc:${port}`,
    );
    const podName = env.findIndex((e) => e.name === 'POD_NAME');
    expect(env[podName]!.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(podName).toBeLessThan(env.findIndex((e) => e.name === 'MIMSY_REPLICA_URL'));
    const headless = objects.find(
      (o) => o.kind === 'Service' && o.metadata.name === sts.spec.serviceName,
    ) as unknown as {
      spec: { clusterIP: string };
    };
    expect(headless.spec.clusterIP).toBe('None');
    // The token is mounted, and its account may do exactly what the election does with the Lease:
    // create it, read it, renew or take it (GET, POST, PUT in api/src/replica/kubernetes.ts).
    expect(pod.automountServiceAccountToken).toBe(true);
    const lease = value('MIMSY_WRITER_LEASE') ?? 'mimsy-api-writer';
    const binding = objects.find(
      (o) =>
        o.kind === 'RoleBinding' &&
        (o as unknown as { subjects: { kind: string; name: string }[] }).subjects.some(
          (s) => s.kind === 'ServiceAccount' && s.name === pod.serviceAccountName,
        ),
    ) as unknown as { roleRef: { kind: string; name: string } };
    expect(
      objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === pod.serviceAccountName),
    ).toBe(true);
    const role = objects.find(
      (o) => o.kind === 'Role' && o.metadata.name === binding.roleRef.name,
    ) as unknown as {
      rules: { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] }[];
    };
    const allowed = (verb: string, name?: string): boolean =>
      role.rules.some(
        (r) =>
          r.apiGroups.includes('coordination.k8s.io') &&
          r.resources.includes('leases') &&
          r.verbs.includes(verb) &&
          (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))),
      );
    expect([allowed('create'), allowed('get', lease), allowed('update', lease)]).toEqual([true, true, true]);
    // Nothing more: no other Lease, no listing or deleting, no other resource.
    expect([allowed('get', 'another'), allowed('list'), allowed('delete', lease)]).toEqual([
      false,
      false,
      false,
    ]);
    expect(role.rules.every((r) => r.resources.every((x) => x === 'leases'))).toBe(true);
  });

  it('runs at least two API replicas, each with its own volume and clone of the remote', () => {
    expect(api.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(api.spec.volumeClaimTemplates.map((v) => v.metadata.name)).toEqual(['content']);
    expect(api.spec.volumeClaimTemplates[0]!.spec.accessModes).toEqual(['ReadWriteOnce']);
    const [container] = api.spec.template.spec.containers;
    expect(container!.volumeMounts).toContainEqual({ name: 'content', mountPath: '/content' });
    // A shared claim would make the replicas one writer pretending to be two.
    expect(api.spec.template.spec.volumes.map((v) => v.name)).not.toContain('content');
  });

  it('pushes every write, pulls on an interval and on the signed webhook, with secrets from a Secret', () => {
    const env = Object.fromEntries(api.spec.template.spec.containers[0]!.env.map((e) => [e.name, e]));
    expect(env.MIMSY_PUSH?.value).toBe('auto');
    expect(Number(env.MIMSY_PULL_INTERVAL?.value)).toBeGreaterThan(0);
    for (const name of ['MIMSY_REPO_URL', 'MIMSY_SESSION_SECRET', 'MIMSY_WEBHOOK_SECRET'])
      expect(env[name]?.valueFrom?.secretKeyRef.name, name).toBe('mimsy-api');
  });
});
