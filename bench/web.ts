// The admin in Debian's Chromium against the real API with 10,000 entries: time from the list
// response arriving to its first page on screen, plus the production bundle sizes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumAvailable, launchChromium } from '../web/e2e/chromium.js';
import { hashPassword, loadSettings, startServer } from '@mimsy/api';
import { generateRepository } from './generate.js';

const here = import.meta.dirname;

export interface WebFigures {
  firstScreenGzip: number;
  totalGzip: number;
  listRenderMs: number[];
  responseMs: number[];
}

export async function benchWeb(): Promise<WebFigures | null> {
  if (!chromiumAvailable()) return null;
  const root = path.resolve(here, '..');
  const sizes = JSON.parse(readFileSync(path.join(root, 'web/dist/sizes.json'), 'utf8')) as {
    firstScreenGzip: number;
    totalGzip: number;
  };
  const source = generateRepository(path.join(here, '.work', 'repo-10000'), 10000);
  const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-bench-web-'));
  execFileSync('git', ['clone', '--quiet', source, path.join(dir, 'repo')]);
  writeFileSync(
    path.join(dir, 'users.json'),
    JSON.stringify({
      users: [
        {
          name: 'bench',
          email: 'b@example.com',
          role: 'editor',
          passwordHash: await hashPassword('bench password'),
          tokens: [],
        },
      ],
    }),
  );
  const server = await startServer(
    loadSettings({
      MIMSY_REPO_DIR: path.join(dir, 'repo'),
      MIMSY_PORT: '0',
      MIMSY_USERS_FILE: path.join(dir, 'users.json'),
      MIMSY_SESSION_SECRET: 'w'.repeat(40),
      MIMSY_PUSH: 'off',
      MIMSY_WEB_DIST: path.join(root, 'web/dist'),
      MIMSY_MEDIA_MAX_BYTES: String(1 << 20),
      MIMSY_LOG_LEVEL: 'silent',
    }),
  );
  const browser = await launchChromium();
  try {
    // The admin's CSP forbids eval; the measuring script needs it (this changes nothing else).
    const page = await browser.newPage({ bypassCSP: true });
    await page.goto(server.url + '/login');
    await page.getByLabel('Name or email').fill('bench');
    await page.getByLabel('Password').fill('bench password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Content' }).waitFor();
    const listRenderMs: number[] = [];
    const responseMs: number[] = [];
    for (let run = 0; run < 5; run++) {
      await page.goto(server.url + '/');
      await page.getByRole('heading', { name: 'Content' }).waitFor();
      // Watch, frame by frame, for the first page of rows to be on screen.
      // A string, not a function: the TypeScript runner's helpers do not exist in the page.
      await page.evaluate(`(() => {
        delete window.__rendered;
        const tick = () => {
          const list = document.querySelector('mimsy-app')?.shadowRoot?.querySelector('mimsy-entry-list');
          if ((list?.shadowRoot?.querySelectorAll('tbody tr').length ?? 0) >= 50) window.__rendered = performance.now();
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
        performance.clearResourceTimings();
      })()`);
      // The dashboard's link (the sidebar has one too, with the same address).
      await page
        .getByRole('main')
        .getByRole('link', { name: /Blog posts/ })
        .click();
      await page.waitForFunction('window.__rendered !== undefined');
      const timing = await page.evaluate<{
        rendered: number;
        responseEnd: number;
        requestStart: number;
      }>(`(() => {
        const entry = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/collections/posts/entries?')).pop();
        return { rendered: window.__rendered, responseEnd: entry.responseEnd, requestStart: entry.requestStart };
      })()`);
      listRenderMs.push(timing.rendered - timing.responseEnd);
      responseMs.push(timing.responseEnd - timing.requestStart);
    }
    return { ...sizes, listRenderMs, responseMs };
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
