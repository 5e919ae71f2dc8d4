// Adopting a large Hugo site with the built CLI (`mimsy init --from hugo`, as a user runs it),
// against a baseline in the same run: a fresh Node process that walks the site and reads every
// file's bytes. The generated site follows Hugo's conventions: sections with `_index.md`, page
// bundles with images, CamelCase names, TOML and YAML front matter, `data/` files.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const BIN = path.resolve(import.meta.dirname, '../cli/bin/mimsy.js');

/** Writes a Hugo site of `pages` content files into `dir` (a Git repository, one commit). */
export function generateHugoSite(dir: string, pages: number): { contentFiles: number } {
  rmSync(dir, { recursive: true, force: true });
  const write = (p: string, content: string | Uint8Array): void => {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), content);
  };
  write('hugo.toml', 'baseURL = "https://example.org/"\ntitle = "Big site"\n');
  write('content/_index.md', '---\ntitle: Home\n---\nWelcome.\n');
  write('data/social.toml', 'twitter = "@example"\nmastodon = "@example@example.social"\n');
  const sections = 20;
  let contentFiles = 1;
  for (let s = 0; s < sections; s++) {
    const section = `section${s}`;
    const toml = s % 3 === 0;
    const page = (title: string, i: number): string =>
      toml
        ? `+++\ntitle = "${title}"\ndate = 2024-01-${String((i % 28) + 1).padStart(2, '0')}T10:00:00+01:00\ndraft = ${i % 7 === 0}\ntags = ["a", "b${i % 5}"]\nweight = ${i}\n+++\n\nBody of ${title}.\n`
        : `---\ntitle: "${title}"\ndate: 2024-01-${String((i % 28) + 1).padStart(2, '0')}T10:00:00+01:00\ndraft: ${i % 7 === 0}\ntags: [a, b${i % 5}]\nweight: ${i}\n---\n\nBody of ${title}.\n`;
    write(
      `content/${section}/_index.md`,
      toml ? `+++\ntitle = "Section ${s}"\n+++\n` : `---\ntitle: Section ${s}\n---\n`,
    );
    contentFiles++;
    for (let i = 0; i < Math.ceil((pages - 1 - sections) / sections); i++) {
      if (contentFiles >= pages) break;
      const title = `Page ${s}-${i}`;
      if (i % 10 === 0) {
        write(`content/${section}/bundle-${i}/index.md`, page(title, i));
        write(`content/${section}/bundle-${i}/cover.jpg`, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, i % 256]));
      } else if (i % 10 === 1) write(`content/${section}/Methods/RenderShortcodes${i}.md`, page(title, i));
      else write(`content/${section}/page-${i}.md`, page(title, i));
      contentFiles++;
    }
  }
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.name', 'Bench');
  git('config', 'user.email', 'bench@example.com');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'the site');
  return { contentFiles };
}

export interface AdoptBench {
  pages: number;
  baselineMs: number;
  adoptMs: number;
  validateMs: number;
  problems: number;
  served: number;
}

const READ_ALL = `
const fs = require('node:fs'), path = require('node:path');
const walk = (d) => { for (const e of fs.readdirSync(d, { withFileTypes: true })) {
  if (e.name === '.git') continue;
  const p = path.join(d, e.name);
  if (e.isDirectory()) walk(p); else fs.readFileSync(p);
} };
walk(process.argv[1]);`;

function timed(args: string[], cwd: string): { ms: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = performance.now() - start;
  if (r.status !== 0 && !(args.includes('validate') && r.status === 1))
    throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

export function benchAdopt(pages: number, workDir: string): AdoptBench {
  const dir = path.join(workDir, `hugo-${pages}`);
  generateHugoSite(dir, pages);
  timed(['-e', READ_ALL, dir], dir); // warm the page cache for both
  const baseline = timed(['-e', READ_ALL, dir], dir);
  const adopt = timed([BIN, 'init', '--from', 'hugo', '--json', '.'], dir);
  const validate = timed([BIN, 'validate', '--json'], dir);
  const report = JSON.parse(validate.stdout) as {
    checked: number;
    entries: { problems: unknown[] }[];
    schemaIssues: unknown[];
    unaddressable: unknown[];
  };
  rmSync(dir, { recursive: true, force: true });
  return {
    pages,
    baselineMs: baseline.ms,
    adoptMs: adopt.ms,
    validateMs: validate.ms,
    problems:
      report.schemaIssues.length +
      report.unaddressable.length +
      report.entries.reduce((n, e) => n + e.problems.length, 0),
    served: report.checked,
  };
}
