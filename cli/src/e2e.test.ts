// End to end: the built `mimsy` binary as a process, through a content repository's whole life.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@mimsy/core/testing';
import { buildPackages } from './test-build.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'cli/bin/mimsy.js');
let work: string;

function mimsy(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.MIMSY_USERS_FILE;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env, input: '' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

beforeAll(() => {
  // The binary runs the compiled packages, as an installed `mimsy` would.
  buildPackages();
  work = mkdtempSync(path.join(tmpdir(), 'mimsy-e2e-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the mimsy binary', () => {
  it('has complete help with examples, and exit codes 0 / 1', () => {
    const help = mimsy(work, '--help');
    expect(help.code).toBe(0);
    for (const command of [
      'init',
      'schema',
      'new',
      'validate',
      'sync',
      'serve',
      'dev',
      'export',
      'types',
      'user',
      'status',
      'log',
    ])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
    expect(help.stdout).toMatch(/Examples:/);
    expect(mimsy(work, 'new', '--help').stdout).toMatch(/--set title="Hello there"/);
    expect(mimsy(work, 'serve', '--help').stdout).toMatch(/MIMSY_SESSION_SECRET/);
    const outside = mimsy(work, 'validate');
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/not inside a Mimsy repository.*mimsy init/s);
    expect(mimsy(work, 'frobnicate').code).toBe(1);
  });

  it('init → schema new → new → validate → sync (with a conflict that loses nothing) → export → types', () => {
    const remote = path.join(work, 'remote.git');
    git(work, 'init', '--quiet', '--bare', '--initial-branch=main', remote);

    expect(mimsy(work, 'init', 'site').code).toBe(0);
    const site = path.join(work, 'site');
    git(site, 'config', 'user.name', 'Ada');
    git(site, 'config', 'user.email', 'ada@example.com');
    git(site, 'remote', 'add', 'origin', remote);

    const schema = mimsy(
      site,
      'schema',
      'new',
      'posts',
      '--field',
      'title:string!',
      '--field',
      'date:date',
      '--field',
      'status:select=draft|published',
      '--field',
      'body:markdown',
    );
    expect(schema.code, schema.stderr).toBe(0);
    expect(mimsy(site, 'schema', 'check').code).toBe(0);

    const created = mimsy(
      site,
      '--json',
      'new',
      'posts',
      '--set',
      'title=Hello from the CLI',
      '--set',
      'status=draft',
      '--body',
      'First!',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      entry: { slug: 'hello-from-the-cli', data: { status: 'draft' } },
    });
    expect(git(site, 'log', '-1', '--format=%an|%s').trim()).toBe('Ada|create posts/hello-from-the-cli');

    const invalid = mimsy(site, 'new', 'posts', '--set', 'title=Bad', '--set', 'status=archived');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/\/status must be one of: draft, published/);
    expect(mimsy(site, 'validate').code).toBe(0);

    const first = mimsy(site, 'sync');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/pushed local commits/);

    // A second editor changes the same entry and pushes first.
    const other = path.join(work, 'other');
    git(work, 'clone', '--quiet', remote, other);
    git(other, 'config', 'user.name', 'Grace');
    git(other, 'config', 'user.email', 'grace@example.com');
    const file = 'content/posts/hello-from-the-cli.md';
    writeFileSync(
      path.join(other, file),
      readFileSync(path.join(other, file), 'utf8').replace('Hello from the CLI', 'Grace was here'),
    );
    git(other, 'commit', '-qam', 'Grace edits');
    git(other, 'push', '-q', 'origin', 'main');

    writeFileSync(
      path.join(site, file),
      readFileSync(path.join(site, file), 'utf8').replace('Hello from the CLI', 'Ada was here'),
    );
    git(site, 'commit', '-qam', 'Ada edits');
    const mine = git(site, 'rev-parse', 'HEAD').trim();
    const conflict = mimsy(site, 'sync');
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/Nothing was lost/);
    expect(conflict.stderr).toMatch(/hello-from-the-cli\.md/);
    const saved = /saved on branch (\S+),/.exec(conflict.stderr)![1]!;
    expect(git(site, 'rev-parse', saved).trim()).toBe(mine);
    expect(git(site, 'rev-parse', 'HEAD').trim()).toBe(mine);
    expect(git(site, 'status', '--porcelain')).toBe('');

    // Resolve by taking the remote side, then sync cleanly.
    git(site, 'reset', '-q', '--hard', 'origin/main');
    expect(mimsy(site, 'sync').code).toBe(0);

    // An uncommitted edit that the remote's change conflicts with: sync --autostash is all or
    // nothing — the edit stays as typed, no conflict markers, no stash left behind.
    git(other, 'pull', '-q', 'origin', 'main');
    writeFileSync(
      path.join(other, file),
      readFileSync(path.join(other, file), 'utf8').replace('First!', 'Grace wrote this'),
    );
    git(other, 'commit', '-qam', 'Grace edits the body');
    git(other, 'push', '-q', 'origin', 'main');
    const typing = readFileSync(path.join(site, file), 'utf8').replace('First!', 'Ada is typing');
    writeFileSync(path.join(site, file), typing);
    const head = git(site, 'rev-parse', 'HEAD');
    const refused = mimsy(site, 'sync');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/uncommitted change.*--autostash/s);
    const stashed = mimsy(site, 'sync', '--autostash');
    expect(stashed.code, stashed.stdout).toBe(1);
    expect(stashed.stderr).toMatch(/uncommitted edits to content\/posts\/hello-from-the-cli\.md conflict/);
    expect(stashed.stderr).toMatch(/Nothing was changed/);
    expect(readFileSync(path.join(site, file), 'utf8')).toBe(typing);
    expect(git(site, 'status', '--porcelain')).toBe(` M ${file}\n`);
    expect(git(site, 'stash', 'list')).toBe('');
    expect(git(site, 'rev-parse', 'HEAD')).toBe(head);
    git(site, 'checkout', '-q', '--', file);
    expect(mimsy(site, 'sync').code).toBe(0);

    const exported = mimsy(site, 'export', '--drafts');
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout).collections.posts[0].data.title).toBe('Grace was here');
    const noDrafts = JSON.parse(mimsy(site, 'export').stdout) as { collections: { posts: unknown[] } };
    expect(noDrafts.collections.posts).toHaveLength(1); // "draft" here is a status option, not the draft flag

    const typed = mimsy(site, 'types', '--out', 'types/content.d.ts');
    expect(typed.code).toBe(0);
    expect(readFileSync(path.join(site, 'types/content.d.ts'), 'utf8')).toContain(
      'status?: "draft" | "published";',
    );

    const log = mimsy(site, 'log', 'posts/hello-from-the-cli');
    expect(log.stdout).toMatch(/Grace edits/);
    const status = JSON.parse(mimsy(site, '--json', 'status').stdout) as {
      git: { ahead: number; behind: number };
    };
    expect(status.git).toMatchObject({ ahead: 0, behind: 0 });
  });

  it('types: the documented typed reader compiles under tsc --strict, and a typo does not', () => {
    expect(mimsy(work, 'init', 'typed', '--template', 'blog').code).toBe(0);
    const site = path.join(work, 'typed');
    const typed = mimsy(site, 'types', '--out', 'src/content.d.ts');
    expect(typed.code, typed.stderr).toBe(0);
    writeFileSync(
      path.join(site, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          skipLibCheck: true,
          types: [],
          // The installed package's declarations, as a site that installed @mimsy/core sees them.
          paths: { '@mimsy/core': [path.join(ROOT, 'core/dist/index.d.ts')] },
        },
        files: ['consumer.ts'],
      }),
    );
    const consumer = (line: string): string =>
      [
        "import { createReader } from '@mimsy/core';",
        "import type { MimsyCollections, MimsySingletons } from './src/content.d.ts';",
        'const reader = createReader<MimsyCollections, MimsySingletons>(".");',
        'export async function titles(): Promise<string[]> {',
        "  const posts = await reader.collection('posts').all();",
        "  const site = await reader.singleton('site').readOrThrow();",
        '  void site;',
        `  return posts.map((p) => ${line});`,
        '}',
        '',
      ].join('\n');
    const tsc = (): { status: number | null; stdout: string } =>
      spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', site], {
        encoding: 'utf8',
      });
    writeFileSync(path.join(site, 'consumer.ts'), consumer('p.data.title'));
    const ok = tsc();
    expect(ok.status, ok.stdout).toBe(0);
    writeFileSync(path.join(site, 'consumer.ts'), consumer('p.data.tittle'));
    const typo = tsc();
    expect(typo.status).not.toBe(0);
    expect(typo.stdout).toMatch(/error TS2551: Property 'tittle' does not exist .* Did you mean 'title'\?/);
  });

  it('validate: file:line:column for every field, unknown keys as warnings (errors when strict), GitHub annotations', () => {
    expect(mimsy(work, 'init', 'located', '--template', 'blog').code).toBe(0);
    const site = path.join(work, 'located');
    const file = 'content/posts/why-git.md';
    const original = readFileSync(path.join(site, file), 'utf8');
    writeFileSync(
      path.join(site, file),
      original
        .replace('readingTime: 5', 'readingTime: five')
        .replace('category: opinion', 'category: opinion\ntittle: Typo'),
    );
    const lineOf = (text: string): number =>
      readFileSync(path.join(site, file), 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith(text)) + 1;
    const text = mimsy(site, 'validate');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${file}:${lineOf('readingTime:')}:1  /readingTime  must be a number`);
    expect(text.stdout).toContain(
      `${file}:${lineOf('tittle:')}:1  /tittle  warning: is not a field of posts (did you mean title?)`,
    );
    const github = mimsy(site, 'validate', '--format', 'github');
    expect(github.code).toBe(1);
    expect(github.stdout).toContain(
      `::error file=${file},line=${lineOf('readingTime:')},col=1,title=mimsy validate::/readingTime must be a number`,
    );
    expect(github.stdout).toContain(
      `::warning file=${file},line=${lineOf('tittle:')},col=1,title=mimsy validate::/tittle`,
    );
    expect(mimsy(site, 'validate', '--format', 'xml')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--format "xml".*github/) as unknown,
    });

    // A strict schema makes the unknown key an error; the field error alone is gone once fixed.
    writeFileSync(
      path.join(site, file),
      original.replace('category: opinion', 'category: opinion\ntittle: Typo'),
    );
    const schemaFile = path.join(site, 'schemas/posts.json');
    writeFileSync(
      schemaFile,
      JSON.stringify({ ...JSON.parse(readFileSync(schemaFile, 'utf8')), strict: true }, null, 2),
    );
    const strict = mimsy(site, 'validate');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(
      new RegExp(
        `${file}:${lineOf('tittle:')}:1  /tittle  is not a field of posts \\(did you mean title\\?\\)`,
      ),
    );
    // hello-world.md has a key that other tools wrote (layout): an error too, now.
    expect(strict.stdout).toMatch(/hello-world\.md:\d+:1 {2}\/layout {2}is not a field of posts\n/);
    expect(strict.stdout).toMatch(/2 problem\(s\)/);
  });

  it('validate --watch reports again when a file changes, and stops on Ctrl+C', async () => {
    expect(mimsy(work, 'init', 'watched', '--template', 'blog').code).toBe(0);
    const site = path.join(work, 'watched');
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    const child = spawn(process.execPath, [BIN, 'validate', '--watch'], { cwd: site, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(async () => /all valid/.test(out), { message: 'the first report', timeout: 20_000 });
      const file = path.join(site, 'content/posts/why-git.md');
      writeFileSync(file, readFileSync(file, 'utf8').replace('readingTime: 5', 'readingTime: five'));
      await waitFor(async () => /why-git\.md:\d+:1 {2}\/readingTime {2}must be a number/.test(out), {
        message: 'a report after the change',
        timeout: 20_000,
      });
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('every user-fixable error exits 1 with its cause and the next step (table)', () => {
    expect(mimsy(work, 'init', 'errors', '--template', 'blog').code).toBe(0);
    const site = path.join(work, 'errors');
    const cases: [string, string, string[], RegExp][] = [
      ['outside a repository', work, ['validate'], /is not inside a Mimsy repository.*"mimsy init"/],
      [
        '--cwd that does not exist',
        work,
        ['--cwd', path.join(work, 'nope'), 'validate'],
        /nope does not exist\. Pass --cwd/,
      ],
      ['unknown command', site, ['frobnicate'], /unknown command 'frobnicate'/],
      ['unknown option', site, ['validate', '--frob'], /unknown option '--frob'/],
      [
        'unknown schema, close to one',
        site,
        ['new', 'postz'],
        /no content type "postz"\. Did you mean "posts"\?/,
      ],
      [
        'a required relation left out',
        site,
        ['new', 'posts', '--set', 'title=Hi'],
        /\/author is required: one of ada, grace, linus — Set it: --set author=ada/,
      ],
      [
        'a field the schema lacks',
        site,
        ['new', 'posts', '--set', 'tittle=Hi'],
        /posts has no field "tittle" — did you mean title\? Its fields are title, /,
      ],
      [
        'a bad number',
        site,
        ['new', 'posts', '--set', 'title=Hi', '--set', 'readingTime=soon'],
        /readingTime is a number; "soon" is not/,
      ],
      [
        'log --limit 0',
        site,
        ['log', '--limit', '0'],
        /--limit must be a whole number from 1 to 10000, not "0"/,
      ],
      ['log --limit abc', site, ['log', '--limit', 'abc'], /--limit must be a whole number/],
      [
        'log of an entry that never was',
        site,
        ['log', 'posts/why-gti'],
        /no entry posts\/why-gti.*Did you mean posts\/why-git\?/,
      ],
      ['validate --format xml', site, ['validate', '--format', 'xml'], /Unknown --format "xml"/],
      [
        'init inside a repository',
        site,
        ['init', 'inner', '--template', 'blog'],
        /inside the Mimsy repository .*--nested\. Nothing was changed/,
      ],
      ['init where one is', site, ['init', '.'], /already a Mimsy repository/],
      ['sync without a remote', site, ['sync'], /no remote named "origin".*git remote add origin/],
      [
        'schema new for one that exists',
        site,
        ['schema', 'new', 'posts', '--field', 'title:string'],
        /posts/,
      ],
      [
        'adopting a folder with no generator',
        site,
        ['init', '--from', 'auto', '.'],
        /already a Mimsy repository|No Hugo, Jekyll/,
      ],
    ];
    for (const [name, cwd, args, message] of cases) {
      const r = mimsy(cwd, ...args);
      expect(r.code, `${name}: ${r.stdout}${r.stderr}`).toBe(1);
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr, name).not.toMatch(/This is a bug in Mimsy|Internal error/);
    }
    expect(existsSync(path.join(site, 'inner'))).toBe(false);
    expect(git(site, 'status', '--porcelain')).toBe('');
    // On purpose, a second site in the same repository is allowed.
    expect(mimsy(site, 'init', 'inner', '--nested').code).toBe(0);
  });

  it('a broken schema is reported once; only what depends on it is skipped, and said so', () => {
    expect(mimsy(work, 'init', 'cascade', '--template', 'blog').code).toBe(0);
    const site = path.join(work, 'cascade');
    const file = path.join(site, 'schemas/authors.json');
    const text = readFileSync(file, 'utf8');
    const comma = text.indexOf(',');
    writeFileSync(file, text.slice(0, comma) + text.slice(comma + 1));
    const line = text.slice(0, comma).split('\n').length;
    const r = mimsy(site, 'validate');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^schemas/authors\\.json:${line}:\\d+  /  is not valid JSON`, 'm'));
    expect(r.stdout).toMatch(
      /not checked: authors: its entries are not checked until schemas\/authors\.json is fixed/,
    );
    expect(r.stdout).toMatch(/not checked: posts: relations to authors are not checked/);
    expect(r.stdout).not.toMatch(/Create schemas\/authors\.json|does not exist/);
    // Every entry of the other schemas is checked: all but the 3 authors.
    expect(r.stdout).toMatch(/1 problem\(s\) in 8 entries/);
  });

  it('status shows saved unsynced branches and unresolved conflicts, with the command for each', () => {
    expect(mimsy(work, 'init', 'stat', '--template', 'blog').code).toBe(0);
    const site = path.join(work, 'stat');
    git(site, 'branch', 'mimsy/unsynced-20261130120000');
    git(site, 'checkout', '-q', '-b', 'side');
    const file = 'content/posts/why-git.md';
    writeFileSync(
      path.join(site, file),
      readFileSync(path.join(site, file), 'utf8').replace('readingTime: 5', 'readingTime: 6'),
    );
    git(site, '-c', 'user.name=A', '-c', 'user.email=a@example.com', 'commit', '-qam', 'side');
    git(site, 'checkout', '-q', 'main');
    writeFileSync(
      path.join(site, file),
      readFileSync(path.join(site, file), 'utf8').replace('readingTime: 5', 'readingTime: 7'),
    );
    git(site, '-c', 'user.name=A', '-c', 'user.email=a@example.com', 'commit', '-qam', 'main');
    spawnSync('git', ['-c', 'user.name=A', '-c', 'user.email=a@example.com', 'merge', 'side'], { cwd: site });
    const r = mimsy(site, 'status');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Stopped +a merge is half-way: .*git merge --continue.*git merge --abort/);
    expect(r.stdout).toMatch(
      /Conflict +content\/posts\/why-git\.md: has conflict markers.*git add content\/posts\/why-git\.md/,
    );
    expect(r.stdout).toMatch(
      /Unsynced +mimsy\/unsynced-20261130120000: .*git merge mimsy\/unsynced-20261130120000.*git branch -D/,
    );
    const json = JSON.parse(mimsy(site, '--json', 'status').stdout) as {
      conflicts: string[];
      inProgress: string;
    };
    expect(json).toMatchObject({ conflicts: [file], inProgress: 'merge' });
  });

  it('writes all of a large report to a pipe before it exits (not the first 64 KB)', () => {
    expect(mimsy(work, 'init', 'large', '--template', 'blog').code).toBe(0);
    const site = path.join(work, 'large');
    for (let i = 0; i < 400; i++)
      writeFileSync(
        path.join(site, `content/posts/bulk-${i}.md`),
        `---\ntitle: Bulk ${i}\ndate: 2026-01-01T00:00:00Z\nauthor: ada\nlegacyKey${i}: x\n---\nBody.\n`,
      );
    const r = mimsy(site, '--json', 'validate');
    expect(r.stdout.length).toBeGreaterThan(65_536);
    const report = JSON.parse(r.stdout) as { checked: number };
    expect(report.checked).toBeGreaterThan(400);
  });

  it('a rebase the developer stopped half-way is reported and left alone by status and sync', () => {
    expect(mimsy(work, 'init', 'rebasing', '--template', 'blog').code).toBe(0);
    const site = path.join(work, 'rebasing');
    const file = 'content/posts/why-git.md';
    const commit = (from: string, to: string, message: string): void => {
      writeFileSync(path.join(site, file), readFileSync(path.join(site, file), 'utf8').replace(from, to));
      git(site, '-c', 'user.name=A', '-c', 'user.email=a@example.com', 'commit', '-qam', message);
    };
    git(site, 'checkout', '-q', '-b', 'side');
    commit('readingTime: 5', 'readingTime: 6', 'side');
    git(site, 'checkout', '-q', 'main');
    commit('readingTime: 5', 'readingTime: 7', 'main');
    git(site, 'checkout', '-q', 'side');
    spawnSync('git', ['-c', 'user.name=A', '-c', 'user.email=a@example.com', 'rebase', 'main'], {
      cwd: site,
    });
    const rebaseDir = path.join(site, '.git', 'rebase-merge');
    expect(existsSync(rebaseDir)).toBe(true);
    const json = JSON.parse(mimsy(site, '--json', 'status').stdout) as { inProgress: string };
    expect(json.inProgress).toBe('rebase');
    expect(existsSync(rebaseDir), "status must not abort the developer's rebase").toBe(true);
    const sync = mimsy(site, 'sync');
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/rebase is in progress.*git rebase --continue.*git rebase --abort/s);
    expect(existsSync(rebaseDir), 'sync must not abort it either').toBe(true);
  });

  it("dev prints the server's warnings as sentences, not JSON log lines", async () => {
    expect(mimsy(work, 'init', 'devlog', '--template', 'blog').code).toBe(0);
    const site = path.join(work, 'devlog');
    writeFileSync(path.join(site, 'schemas/broken.json'), '{ "kind": "collection", }');
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.MIMSY_USERS_FILE;
    const child = spawn(process.execPath, [BIN, 'dev', '--port', String(port)], { cwd: site, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(async () => /Mimsy is serving/.test(out) && /schemas\/broken\.json/.test(err), {
        message: 'the server to start and warn about the broken schema',
        timeout: 30_000,
      });
    } finally {
      child.kill('SIGINT');
    }
    await exited;
    expect(err).toMatch(/^warning: .*is not valid JSON.*\(file: schemas\/broken\.json/m);
    expect(err).not.toMatch(/\{"level"/);
  });

  it('init --from auto adopts a Hugo site in place; validate passes at once', () => {
    const site = path.join(work, 'hugo-site');
    const write = (p: string, content: string): void => {
      mkdirSync(path.dirname(path.join(site, p)), { recursive: true });
      writeFileSync(path.join(site, p), content);
    };
    write('hugo.toml', 'title = "Site"\n');
    write('content/_index.md', '+++\ntitle = "Home"\n+++\n');
    write('content/posts/Hello-World.md', '---\ntitle: Hello\n---\nHi.\n');
    write('content/posts/trip/index.md', '---\ntitle: Trip\n---\n');
    write('content/posts/trip/photo.jpg', 'jpeg');
    git(work, 'init', '--quiet', '--initial-branch=main', site);
    git(site, 'add', '--all');
    git(site, '-c', 'user.name=Owner', '-c', 'user.email=o@example.com', 'commit', '--quiet', '-m', 'site');
    const adopted = mimsy(site, 'init', '--from', 'auto');
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stdout).toMatch(/Adopted the Hugo site/);
    expect(adopted.stdout).toMatch(/posts\s+collection\s+content\/posts\s+markdown\s+2/);
    expect(adopted.stdout).toMatch(/no problems/);
    const validated = mimsy(site, 'validate');
    expect(validated.code, validated.stdout).toBe(0);
  });

  it('serve on a busy port says so and exits 1 (a user matter, not a bug)', async () => {
    const site = path.join(work, 'busy-port');
    expect(mimsy(work, 'init', 'busy-port').code).toBe(0);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const served = mimsy(site, 'serve', '--port', String(port));
      expect(served.code, served.stderr).toBe(1);
      expect(served.stderr).toMatch(
        new RegExp(`127\\.0\\.0\\.1:${port} is already in use.*--port ${port + 1}`),
      );
      expect(served.stderr).not.toMatch(/bug/i);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
