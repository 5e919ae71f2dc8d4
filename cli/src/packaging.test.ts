// The packages as a site installs them: `pnpm pack` tarballs of core, api and cli installed with
// plain npm into a new project; `mimsy init --template blog` there makes a repository whose
// `$schema` references resolve; the reader works from the installed package; and the Eleventy
// example site builds its pages from examples/blog through it.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackages } from './test-build.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let work: string;
const tarballs: Record<string, string> = {};

function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1', ...env },
    input: '',
  });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  return result.stdout;
}

beforeAll(() => {
  buildPackages();
  work = mkdtempSync(path.join(tmpdir(), 'mimsy-packaging-'));
  const packs = path.join(work, 'packs');
  mkdirSync(packs);
  for (const name of ['core', 'api', 'cli']) {
    run(path.join(ROOT, name), 'pnpm', ['pack', '--pack-destination', packs]);
    tarballs[name] = path.join(
      packs,
      readdirSync(packs).find((f) => f.startsWith(`mimsy-${name}-`))!,
    );
  }
}, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Site',
  GIT_AUTHOR_EMAIL: 's@example.com',
  GIT_COMMITTER_NAME: 'Site',
  GIT_COMMITTER_EMAIL: 's@example.com',
};

/** A site's files, the packed packages and `generator` installed, committed to a new Git repository. */
function siteInGit(site: string, files: Record<string, string>, generator: string): void {
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(site, p)), { recursive: true });
    writeFileSync(path.join(site, p), content);
  }
  run(site, 'npm', ['install', tarballs.core!, tarballs.api!, tarballs.cli!, generator]);
  run(site, 'git', ['init', '--quiet', '--initial-branch=main']);
  run(site, 'git', ['add', '--all']);
  run(site, 'git', ['commit', '--quiet', '-m', 'site'], IDENTITY);
}

// npm installs from the registry: minutes on a loaded machine, not the default 60 s.
const INSTALL_TIMEOUT = 600_000;

describe('the packed packages', () => {
  it(
    'carry no workspace or catalog protocols and ship what their exports name',
    () => {
      for (const [name, tarball] of Object.entries(tarballs)) {
        const manifest = JSON.parse(
          execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' }),
        ) as { dependencies?: Record<string, string>; license?: string; files?: string[] };
        expect(JSON.stringify(manifest.dependencies ?? {}), name).not.toMatch(/workspace:|catalog:/);
        expect(manifest.license).toBe('MIT');
        const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
        expect(listing, name).toMatch(/package\/dist\/index\.js/);
        expect(listing, name).not.toMatch(/package\/src\//);
      }
    },
    INSTALL_TIMEOUT,
  );

  it(
    'install with npm into a new site; init, validate and the reader work; $schema paths resolve',
    () => {
      const site = path.join(work, 'site');
      mkdirSync(site);
      run(site, 'npm', ['init', '-y']);
      run(site, 'npm', ['install', tarballs.core!, tarballs.api!, tarballs.cli!]);
      run(site, 'git', ['init', '--quiet', '--initial-branch=main']);
      run(site, 'npx', ['mimsy', 'init', '.', '--template', 'blog'], {
        GIT_AUTHOR_NAME: 'Site',
        GIT_AUTHOR_EMAIL: 'site@example.com',
        GIT_COMMITTER_NAME: 'Site',
        GIT_COMMITTER_EMAIL: 'site@example.com',
      });
      expect(run(site, 'npx', ['mimsy', 'validate'])).toMatch(/all valid/);
      for (const file of ['schemas/posts.json', 'mimsy.config.json']) {
        const ref = (JSON.parse(readFileSync(path.join(site, file), 'utf8')) as { $schema: string }).$schema;
        expect(existsSync(path.resolve(path.dirname(path.join(site, file)), ref)), `${file}: ${ref}`).toBe(
          true,
        );
      }
      const count = run(site, process.execPath, [
        '--input-type=module',
        '-e',
        "import { createReader } from '@mimsy/core'; const r = createReader('.'); console.log((await r.collection('posts').all()).length);",
      ]);
      expect(Number(count.trim())).toBeGreaterThan(0);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'build the Eleventy example from examples/blog through the reader',
    () => {
      const site = path.join(work, 'eleventy-site');
      cpSync(path.join(ROOT, 'examples/eleventy-site'), site, { recursive: true });
      run(site, 'npm', ['install', tarballs.core!, '@11ty/eleventy@3']);
      run(site, 'npx', ['eleventy'], { MIMSY_CONTENT: path.join(ROOT, 'examples/blog') });
      const index = readFileSync(path.join(site, '_site/index.html'), 'utf8');
      expect(index).toMatch(/<h1>Mimsy Example Blog<\/h1>/);
      const post = readFileSync(path.join(site, '_site/blog/hello-world/index.html'), 'utf8');
      expect(post).toMatch(/<h1>Hello, world<\/h1>/);
      // Drafts stay out of the build.
      expect(existsSync(path.join(site, '_site/blog/draft-ideas/index.html'))).toBe(false);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'build the Astro example from examples/blog through the reader (Astro 5, which runs on Node 20)',
    () => {
      const site = path.join(work, 'astro-site');
      cpSync(path.join(ROOT, 'examples/astro-site'), site, { recursive: true });
      run(site, 'npm', ['install', tarballs.core!, 'astro@5']);
      run(site, 'npx', ['astro', 'build'], {
        MIMSY_CONTENT: path.join(ROOT, 'examples/blog'),
        ASTRO_TELEMETRY_DISABLED: '1',
      });
      expect(readFileSync(path.join(site, 'dist/index.html'), 'utf8')).toMatch(/Mimsy Example Blog/);
      expect(readFileSync(path.join(site, 'dist/blog/guides/images/index.html'), 'utf8')).toMatch(/<h1>/);
    },
    INSTALL_TIMEOUT,
  );

  it(
    'adopt a real Astro content-collection site with the installed CLI; the site still builds',
    () => {
      const site = path.join(work, 'astro-adopted');
      const files: Record<string, string> = {
        'package.json': JSON.stringify({ name: 'adopted', private: true, type: 'module' }),
        '.gitignore': 'node_modules/\ndist/\n.astro/\n',
        'astro.config.mjs':
          "import { defineConfig } from 'astro/config';\nexport default defineConfig({});\n",
        'src/content.config.ts': [
          "import { defineCollection, z } from 'astro:content';",
          "import { glob } from 'astro/loaders';",
          'const blog = defineCollection({',
          "  loader: glob({ base: './src/content/blog', pattern: '**/*.md' }),",
          '  schema: z.object({ title: z.string(), description: z.string(), pubDate: z.coerce.date() }),',
          '});',
          'export const collections = { blog };',
          '',
        ].join('\n'),
        'src/content/blog/first-post.md':
          "---\ntitle: 'First post'\ndescription: 'One'\npubDate: 'Jul 08 2022'\n---\nHello.\n",
        'src/content/blog/second-post.md':
          "---\ntitle: 'Second post'\ndescription: 'Two'\npubDate: 'Jul 15 2022'\n---\nAgain.\n",
        'src/pages/index.astro': [
          '---',
          "import { getCollection } from 'astro:content';",
          "const posts = await getCollection('blog');",
          '---',
          '<ul>{posts.map((p) => <li>{p.data.title}</li>)}</ul>',
          '',
        ].join('\n'),
      };
      siteInGit(site, files, 'astro@5');
      const adopted = run(site, 'npx', ['mimsy', 'init', '--from', 'auto'], IDENTITY);
      expect(adopted).toMatch(/Adopted the Astro site/);
      expect(adopted).toMatch(/no problems/);
      expect(run(site, 'npx', ['mimsy', 'validate'])).toMatch(/all valid/);
      run(site, 'npx', ['astro', 'build'], { ASTRO_TELEMETRY_DISABLED: '1' });
      expect(readFileSync(path.join(site, 'dist/index.html'), 'utf8')).toMatch(
        /First post.*Second post|Second post.*First post/s,
      );
      expect(run(site, 'git', ['status', '--porcelain'])).toBe('');
    },
    INSTALL_TIMEOUT,
  );

  it(
    'adopt an Eleventy site with the installed CLI; the site still builds',
    () => {
      const site = path.join(work, 'eleventy-adopted');
      const files: Record<string, string> = {
        'package.json': JSON.stringify({ name: 'adopted-eleventy', private: true, type: 'module' }),
        '.gitignore': 'node_modules/\n_site/\n',
        'eleventy.config.js':
          "export default function () {\n  return { dir: { input: 'src', output: '_site' } };\n}\n",
        'src/_includes/post.njk': '<h1>{{ title }}</h1>{{ content | safe }}\n',
        'src/blog/blog.json': '{ "layout": "post.njk", "tags": "post" }\n',
        'src/blog/first.md': '---\ntitle: First\ndate: 2024-03-01\n---\nHello.\n',
        'src/blog/second.md': '---\ntitle: Second\ndate: 2024-03-02\n---\nAgain.\n',
        'src/index.njk':
          '<ul>{% for post in collections.post %}<li>{{ post.data.title }}</li>{% endfor %}</ul>\n',
      };
      siteInGit(site, files, '@11ty/eleventy@3');
      const adopted = run(site, 'npx', ['mimsy', 'init', '--from', 'auto'], IDENTITY);
      expect(adopted).toMatch(/Adopted the Eleventy site/);
      expect(adopted).toMatch(/no problems/);
      run(site, 'npx', ['eleventy']);
      expect(readFileSync(path.join(site, '_site/blog/first/index.html'), 'utf8')).toMatch(/<h1>First<\/h1>/);
      expect(readFileSync(path.join(site, '_site/index.html'), 'utf8')).toMatch(
        /First.*Second|Second.*First/s,
      );
      expect(run(site, 'git', ['status', '--porcelain'])).toBe('');
    },
    INSTALL_TIMEOUT,
  );
});
