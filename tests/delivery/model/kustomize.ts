// `kustomize build` for what this repository's Flux tree uses, and Flux's own rule for a folder
// without a kustomization.yaml (kustomize-controller generates one that takes every manifest under
// the folder, and every sub-folder that has a kustomization.yaml of its own as a whole).
// tests/delivery/flux.test.ts checks this builder against the real `kubectl kustomize`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

export const isClusterScoped = (o: K8sObject): boolean => CLUSTER_SCOPED.has(o.kind);

function kustomizationFile(dir: string): string | undefined {
  return ['kustomization.yaml', 'kustomization.yml', 'Kustomization']
    .map((f) => path.join(dir, f))
    .find((f) => existsSync(f));
}

export function readManifests(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o && typeof o === 'object' && !!o.apiVersion && !!o.kind);
}

/** What kustomize-controller puts in the kustomization it generates for `dir`. */
function generatedResources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (kustomizationFile(p)) out.push(path.relative(dir, p));
        else walk(p);
      } else if (/\.ya?ml$/.test(entry.name) && readManifests(p).length) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** The objects `dir` builds to, as Flux's kustomize-controller would build them. */
export function build(dir: string, root = dir): K8sObject[] {
  const file = kustomizationFile(dir);
  const k = file
    ? (parse(readFileSync(file, 'utf8')) as {
        resources?: string[];
        namespace?: string;
        [key: string]: unknown;
      })
    : { resources: generatedResources(dir) };
  const unsupported = Object.keys(k).filter(
    (key) => !['apiVersion', 'kind', 'resources', 'namespace'].includes(key),
  );
  if (unsupported.length)
    throw new Error(
      `${path.relative(root, file!)} uses ${unsupported.join(', ')}: teach this builder to build it`,
    );
  const out: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const target = path.resolve(dir, resource);
    if (!existsSync(target))
      throw new Error(`${path.relative(root, dir)}: resource ${resource} does not exist`);
    out.push(...(statSync(target).isDirectory() ? build(target, root) : readManifests(target)));
  }
  if (k.namespace) for (const o of out) if (!isClusterScoped(o)) o.metadata.namespace = k.namespace;
  return out;
}

/** Every folder under `dir` that kustomize can build on its own (it has a kustomization file). */
export function kustomizationDirs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...kustomizationDirs(p));
    else if (entry.name === 'kustomization.yaml') out.push(dir);
  }
  return out;
}
