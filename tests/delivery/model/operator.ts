// The operator of docs/deploy.md: reads its numbered walk-through, checks that every command in it
// parses (known program, known subcommand and flags), and carries the commands out against the
// Flux model — `kubectl create …` through the real kubectl (`--dry-run=client`: the objects it
// would create), `sops --encrypt` by writing the Secret from the doc's template as SOPS leaves it,
// `flux bootstrap github` through the model's bootstrap.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { type Cluster, parseBootstrap } from './flux.js';
import type { K8sObject } from './kustomize.js';

export interface Step {
  n: number;
  title: string;
  /** Each command as its words (quotes removed, `\` continuations joined, `&&` split). */
  commands: string[][];
  text: string;
}

export const WALKTHROUGH_HEADING = '### Walk-through';

/** The numbered steps under the walk-through heading of docs/deploy.md. */
export function walkthrough(markdown: string): Step[] {
  const start = markdown.indexOf(`\n${WALKTHROUGH_HEADING}\n`);
  if (start < 0) throw new Error(`docs/deploy.md has no "${WALKTHROUGH_HEADING}" section`);
  const rest = markdown.slice(start + WALKTHROUGH_HEADING.length + 2);
  const section = rest.slice(0, rest.search(/\n#{1,3} /) < 0 ? undefined : rest.search(/\n#{1,3} /));
  const steps: Step[] = [];
  for (const part of section.split(/\n(?=\d+\. )/)) {
    const m = /^(\d+)\. \*\*(.+?)\*\*/.exec(part.trim());
    if (!m) continue;
    const commands: string[][] = [];
    for (const block of part.matchAll(/```sh\n([\s\S]*?)```/g))
      commands.push(...parseShell(block[1]!.replace(/^ {3}/gm, '')));
    steps.push({ n: Number(m[1]), title: m[2]!, commands, text: part });
  }
  return steps;
}

/** Splits a shell snippet into simple commands (words), as far as the walk-through needs. */
export function parseShell(script: string): string[][] {
  const out: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  const end = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const finish = (): void => {
    end();
    if (words.length) out.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === '\\' && script[i + 1] === '\n') i++;
    else if (c === "'" || c === '"') {
      const close = script.indexOf(c, i + 1);
      if (close < 0) throw new Error(`unterminated quote in: ${script}`);
      word += script.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (c === '#' && !inWord)
      i = script.indexOf('\n', i) < 0 ? script.length : script.indexOf('\n', i) - 1;
    else if (c === '\n' || c === ';') finish();
    else if (c === '&' && script[i + 1] === '&') {
      finish();
      i++;
    } else if (c === ' ' || c === '\t') end();
    else {
      word += c;
      inWord = true;
    }
  }
  finish();
  return out;
}

/** Programs the walk-through may use, with the subcommands and flags each one documents. */
const KNOWN: Record<string, { sub?: string[][]; flags: string[] }> = {
  'age-keygen': { flags: ['-o', '-y'] },
  sops: { flags: ['--encrypt', '--decrypt', '--in-place', '--age', '-e', '-d', '-i'] },
  git: { sub: [['add'], ['commit'], ['push'], ['pull'], ['clone']], flags: ['-m', '-a'] },
  openssl: { sub: [['rand']], flags: ['-hex', '-base64'] },
  kubectl: {
    sub: [
      ['create', 'namespace'],
      ['create', 'secret', 'generic'],
      ['get'],
      ['describe'],
      ['apply'],
      ['-n'],
      ['rollout', 'status'],
    ],
    flags: ['-n', '--namespace', '--from-file', '--from-literal', '-o', '-w', '--watch', '-A'],
  },
  flux: {
    sub: [
      ['bootstrap', 'github'],
      ['check', '--pre'],
      ['check'],
      ['get', 'kustomizations'],
      ['get', 'images', 'all'],
      ['get', 'sources', 'git'],
      ['reconcile', 'kustomization'],
    ],
    flags: [
      '--owner',
      '--repository',
      '--branch',
      '--path',
      '--personal',
      '--private',
      '--read-write-key',
      '--components-extra',
      '--hostname',
      '--token-auth',
      '--watch',
      '-A',
      '--all-namespaces',
      '--with-source',
      '--pre',
      '-n',
      '--namespace',
    ],
  },
  mimsy: { sub: [['user', 'add']], flags: ['--role', '--users-file'] },
};

/** Why a command would not parse as the program documents it, or null. */
export function commandProblem(words: string[]): string | null {
  const [program, ...args] = words;
  const spec = KNOWN[program!];
  if (!spec) return `unknown program ${program}`;
  if (spec.sub && !spec.sub.some((s) => s.every((w, i) => args[i] === w)))
    return `${program}: unknown subcommand ${args.slice(0, 2).join(' ')}`;
  for (const a of args) {
    if (!a.startsWith('-')) continue;
    const flag = a.split('=')[0]!;
    if (!spec.flags.includes(flag)) return `${program}: unknown flag ${flag}`;
  }
  return null;
}

/** The Secret templates of docs/deploy.md (```text blocks holding a kind: Secret). */
export function secretTemplates(markdown: string): K8sObject[] {
  return [...markdown.matchAll(/```text\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((t) => /^kind: Secret$/m.test(t))
    .map((t) => parse(t.replace(/<[^>\n]*>/g, 'placeholder').replace(/ # .*$/gm, '')) as K8sObject);
}

/** As SOPS leaves a Secret with .sops.yaml's rule: data/stringData values encrypted, sops metadata. */
function sopsEncrypt(secret: K8sObject): K8sObject {
  const out = structuredClone(secret);
  for (const field of ['data', 'stringData'])
    if (out[field])
      out[field] = Object.fromEntries(
        Object.keys(out[field]).map((k) => [k, 'ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]']),
      );
  out.sops = {
    age: [{ recipient: 'age1…' }],
    mac: 'ENC[AES256_GCM,data:m,iv:i,tag:t,type:str]',
    encrypted_regex: '^(data|stringData)$',
  };
  return out;
}

/**
 * Carries the walk-through out against `cluster`, whose `repo` is the operator's clone; returns
 * every problem (a command that does not parse, a file or template that is missing).
 */
export function follow(
  steps: Step[],
  markdown: string,
  cluster: Cluster,
  placeholders: Record<string, string>,
): string[] {
  const problems: string[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), 'mimsy-operator-'));
  const templates = secretTemplates(markdown);
  try {
    for (const step of steps)
      for (const raw of step.commands) {
        const words = raw.map((w) => w.replace(/<[^>]+>/g, (p) => placeholders[p] ?? p));
        const problem = commandProblem(words);
        if (problem) {
          problems.push(`step ${step.n}: ${problem}`);
          continue;
        }
        const [program, ...args] = words;
        if (program === 'kubectl' && args.includes('create')) {
          for (const a of args) {
            const file = /^--from-file=(?:[^=]+=)?(.+)$/.exec(a)?.[1];
            if (file && !existsSync(path.join(scratch, file)))
              writeFileSync(path.join(scratch, file), 'placeholder');
          }
          const json = execFileSync('kubectl', [...args, '--dry-run=client', '-o', 'json'], {
            cwd: scratch,
            encoding: 'utf8',
          });
          const o = JSON.parse(json) as K8sObject;
          for (const item of (o.items as K8sObject[] | undefined) ?? [o]) cluster.add(item);
        } else if (program === 'sops' && args.includes('--encrypt')) {
          const file = args.at(-1)!;
          const name = path.basename(file).replace(/\.ya?ml$/, '');
          const template = templates.find((t) => t.metadata.name === name);
          if (!template) {
            problems.push(`step ${step.n}: no Secret template named ${name} for ${file}`);
            continue;
          }
          writeFileSync(path.join(cluster.repo, file), stringify(sopsEncrypt(template)));
          // "Add the files to kustomization.yaml (resources:)", as the step says.
          const kfile = path.join(cluster.repo, path.dirname(file), 'kustomization.yaml');
          const k = parse(readFileSync(kfile, 'utf8')) as { resources?: string[] };
          k.resources = [...(k.resources ?? []), path.basename(file)];
          writeFileSync(kfile, stringify(k));
        } else if (program === 'flux' && args[0] === 'bootstrap') {
          cluster.bootstrap(parseBootstrap(words));
        }
      }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return problems;
}

export const manifests = (text: string): K8sObject[] =>
  parseAllDocuments(text).map((d) => d.toJS() as K8sObject);
