// End to end: Debian's Chromium (playwright-core) against the real API server on loopback,
// serving the production build of the admin. Every flow saves a screenshot in test-output/e2e/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, chromiumAvailable, launchChromium } from './chromium.js';
import { ConsoleWatch } from './console.js';
import { axeViolations } from './axe.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, loadSettings, startServer } from '@mimsy/api';
import { makeTempRepo, type TempRepo, waitFor } from '@mimsy/core/testing';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SHOTS = path.join(ROOT, 'test-output', 'e2e');
const PASSWORD = 'e2e password 123';
const available = chromiumAvailable();
if (!available && process.env.CI)
  throw new Error(
    `Chromium is missing at ${CHROMIUM}: install it (apt-get install chromium; .ci/run does) or set MIMSY_CHROMIUM to a Chromium or Chrome binary.`,
  );

let repo: TempRepo;
let work: string;
let server: { url: string; close: () => Promise<void> };
let browser: Browser;
/** Console errors are accounted for by what provoked them (web/e2e/console.ts), never by wording. */
const consoleWatch = new ConsoleWatch();

async function open(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await consoleWatch.watch(page);
  return page;
}

const sessions = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();

/** Signs in through the form once per user (login is rate-limited), then reuses the session. */
async function signIn(page: Page, name: string): Promise<void> {
  const saved = sessions.get(name);
  if (saved) {
    await page.context().addCookies(saved.cookies);
    await page.goto(server.url + '/');
    await page.getByRole('heading', { name: 'Content' }).waitFor();
    return;
  }
  await page.goto(server.url + '/');
  await page.getByLabel('Name or email').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Content' }).waitFor();
  sessions.set(name, await page.context().storageState());
}

/** Whether the admin's local drafts (IndexedDB) hold `text` anywhere. */
async function draftKept(page: Page, text: string): Promise<boolean> {
  return page.evaluate(
    (wanted) =>
      new Promise<boolean>((resolve) => {
        const open = indexedDB.open('mimsy-drafts');
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('drafts')) return resolve(false);
          const all = db.transaction('drafts').objectStore('drafts').getAll();
          all.onsuccess = () => resolve(JSON.stringify(all.result).includes(wanted));
          all.onerror = () => resolve(false);
        };
      }),
    text,
  );
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  if (!available) return;
  // NODE_ENV: vitest sets "test", which would give Vite (and Lit) development builds.
  execFileSync('pnpm', ['--filter', '@mimsy/web', 'run', 'build'], {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  mkdirSync(SHOTS, { recursive: true });
  repo = makeTempRepo({ example: true });
  work = mkdtempSync(path.join(tmpdir(), 'mimsy-e2e-web-'));
  const passwordHash = await hashPassword(PASSWORD);
  writeFileSync(
    path.join(work, 'users.json'),
    JSON.stringify({
      users: [
        { name: 'eddie', email: 'eddie@example.com', role: 'editor', passwordHash, tokens: [] },
        { name: 'grace', email: 'grace@example.com', role: 'editor', passwordHash, tokens: [] },
        { name: 'vera', email: 'vera@example.com', role: 'viewer', passwordHash, tokens: [] },
      ],
    }),
  );
  server = await startServer(
    loadSettings({
      MIMSY_REPO_DIR: repo.dir,
      MIMSY_PORT: '0',
      MIMSY_USERS_FILE: path.join(work, 'users.json'),
      MIMSY_SESSION_SECRET: 'e2e-secret-that-is-long-enough-1234567890',
      MIMSY_PUSH: 'off',
      MIMSY_WEB_DIST: path.join(ROOT, 'web', 'dist'),
      MIMSY_MEDIA_MAX_BYTES: String(1024 * 1024),
      MIMSY_LOG_LEVEL: 'silent',
    }),
  );
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  if (!available) return;
  await browser?.close();
  await server?.close();
  repo?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!available)('the admin in Chromium', () => {
  it('signs in, returns to the page asked for, and shows the dashboard with entry counts', async () => {
    const page = await open(await browser.newContext());
    await page.goto(server.url + '/collections/posts?q=git');
    await page.waitForURL(/\/login\?next=%2Fcollections%2Fposts%3Fq%3Dgit$/);
    consoleWatch.expectFailure(page, 401, /^\/api\/auth\/login$/);
    await page.getByLabel('Password').fill('wrong');
    await page.getByLabel('Name or email').fill('eddie');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The name or password is wrong.' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/collections\/posts\?q=git$/); // the link opened before signing in
    await page.getByRole('heading', { name: 'Posts' }).waitFor();
    sessions.set('eddie', await page.context().storageState());
    await page.goto(server.url + '/');
    await page.getByRole('heading', { name: 'Content' }).waitFor();
    await expect(page.getByRole('link', { name: /Blog posts\s*7 entries/ }).isVisible()).resolves.toBe(true);
    await expect(
      page
        .getByRole('main')
        .getByRole('link', { name: /Site settings/ })
        .isVisible(),
    ).resolves.toBe(true);
    await shot(page, '01-dashboard');
    await page.context().close();
  });

  it('lists, searches and filters entries', async () => {
    const page = await open(await browser.newContext());
    await signIn(page, 'vera');
    await page
      .getByRole('main')
      .getByRole('link', { name: /Blog posts/ })
      .click();
    await page.getByText('7 entries').waitFor();
    await page.getByLabel('Search').fill('headings');
    await page.getByText('1 entry').waitFor();
    await expect(page.getByRole('link', { name: 'Writing Markdown in Mimsy' }).isVisible()).resolves.toBe(
      true,
    );
    await page.waitForURL(/\/collections\/posts\?q=headings$/); // a link to this very list
    await page.getByLabel('Search').fill('');
    await page.getByRole('combobox', { name: 'Category' }).selectOption('guide');
    await page.getByText('2 entries').waitFor();
    await page.getByRole('combobox', { name: 'Sort' }).selectOption('date');
    await page.waitForURL(/\?sort=date&f\.category=guide$/);
    await page.reload(); // the same list again, from the address alone
    await page.getByText('2 entries').waitFor();
    await expect(page.getByRole('combobox', { name: 'Category' }).inputValue()).resolves.toBe('guide');
    await expect(page.getByRole('combobox', { name: 'Sort' }).inputValue()).resolves.toBe('date');
    // The sort menu offers what the schema's list.sortable names (no meaningless orders).
    const sorts = await page.getByRole('combobox', { name: 'Sort' }).locator('option').allTextContents();
    expect(sorts.map((o) => o.trim())).toEqual([
      'Slug',
      'Recently updated',
      'Date ↑',
      'Date ↓',
      'Title ↑',
      'Title ↓',
      'Updated ↑',
      'Updated ↓',
      'Reading time (minutes) ↑',
      'Reading time (minutes) ↓',
    ]);
    await expect(page.getByRole('link', { name: 'New entry' }).count()).resolves.toBe(0); // a viewer cannot write
    await shot(page, '02-list');
    await page.goto(server.url + '/collections/posts');
    await page.getByRole('row', { name: /Ideas/ }).getByText('Draft', { exact: true }).waitFor(); // the unpublished post is marked
    // The schema's list.columns: a thumbnail for the cover, the author by name (not "ada"), the
    // category by its label.
    const hello = page.getByRole('row', { name: /Hello, world/ });
    await hello.getByText('Ada Lovelace').waitFor();
    await hello.getByRole('cell', { name: 'News' }).waitFor();
    await expect(hello.locator('img.thumb').getAttribute('src')).resolves.toBe('/media/2026/11/cover.png');
    await waitFor(() =>
      hello.locator('img.thumb').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
    ); // the image loads (the API serves /media)
    await page.context().close();
  });

  it('creates an entry with many field types, sees validation errors, edits with Ctrl+S, and deletes', async () => {
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    await page.goto(server.url + '/collections/posts/new');
    await page.getByRole('button', { name: 'Create' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /need attention/ })
      .waitFor();
    await page.getByText('Title is required').waitFor();
    await shot(page, '03-validation');
    const before = repo.git('rev-parse', 'HEAD').trim();

    await page.getByLabel('Title', { exact: true }).fill('Made in the browser');
    await page.getByLabel('Summary').fill('Written through the admin.');
    await page.getByLabel('Draft').check();
    await page.getByRole('combobox', { name: 'Category' }).selectOption('guide');
    await page.getByRole('button', { name: 'Add Tags' }).click();
    await page.getByLabel('Tags 1', { exact: true }).fill('browser');
    await page.getByLabel(/^Author \(search authors\)/).fill('grace');
    await page.getByLabel('Reading time (minutes)').fill('4');
    await page.getByLabel('Canonical URL').fill('https://example.com/made');
    await page.getByLabel('Cover path').fill('/media/2026/11/cover.png');
    await page.getByLabel('Name', { exact: true }).fill('Browser series');
    await page.getByLabel('Body').fill('# Hello\n\nFrom **Chromium**.');
    await page.getByLabel('Preview').check();
    await page.locator('mimsy-markdown').getByText('Chromium').waitFor();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL('**/collections/posts/entries/made-in-the-browser');
    await shot(page, '04-created');
    expect(repo.git('log', '-1', '--format=%an|%s').trim()).toBe('eddie|create posts/made-in-the-browser');
    expect(repo.git('rev-parse', 'HEAD~1').trim()).toBe(before);
    const file = repo.git('show', 'HEAD:content/posts/made-in-the-browser.md');
    for (const line of [
      'title: Made in the browser',
      'draft: true',
      'category: guide',
      '  - browser',
      'author: grace',
      'readingTime: 4',
      'series:',
      '  name: Browser series',
    ])
      expect(file).toContain(line);
    expect(file).toContain('# Hello\n\nFrom **Chromium**.');

    await page.getByLabel('Title', { exact: true }).fill('Made in the browser, edited');
    await page.getByLabel('Describe the change').fill('Say where it was edited');
    await page.getByLabel('Title', { exact: true }).focus();
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    // The editor's words first, then which entry and which fields.
    expect(repo.git('log', '-1', '--format=%B').trim()).toBe(
      'Say where it was edited\n\nupdate posts/made-in-the-browser (title)',
    );
    expect(await page.getByLabel('Describe the change').inputValue()).toBe('');
    expect(repo.git('diff', '--numstat', 'HEAD~1', 'HEAD').trim()).toBe(
      '1\t1\tcontent/posts/made-in-the-browser.md',
    );

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL('**/collections/posts');
    expect(repo.git('log', '-1', '--format=%s').trim()).toBe('delete posts/made-in-the-browser');
    await shot(page, '05-deleted');
    await page.context().close();
  });

  it('creates an entry using the remaining field types (slug, email, colour, date, multiple choice, list of groups, file, several relations)', async () => {
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    await page.goto(server.url + '/collections/authors/new');
    await page.getByLabel('Name', { exact: true }).fill('Hedy Lamarr');
    await page.getByLabel('Handle', { exact: true }).fill('hedy');
    await page.getByLabel('Email', { exact: true }).fill('hedy@example.com');
    await page.getByLabel('Color', { exact: true }).fill('#123abc');
    await page.getByLabel('Joined', { exact: true }).fill('2026-02-03');
    await page.getByRole('group', { name: 'Languages' }).getByLabel('de').check();
    await page.getByRole('group', { name: 'Languages' }).getByLabel('en').check();
    await page.getByRole('button', { name: 'Add Socials' }).click();
    await page.getByRole('combobox', { name: 'Network' }).selectOption('github');
    await page.getByLabel('Url', { exact: true }).fill('https://github.com/hedy');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL('**/collections/authors/entries/hedy-lamarr');
    const author = JSON.parse(repo.git('show', 'HEAD:content/authors/hedy-lamarr.json')) as Record<
      string,
      unknown
    >;
    expect(author).toMatchObject({
      name: 'Hedy Lamarr',
      handle: 'hedy',
      email: 'hedy@example.com',
      color: '#123abc',
      joined: '2026-02-03',
      languages: ['en', 'de'],
      socials: [{ network: 'github', url: 'https://github.com/hedy' }],
    });
    await shot(page, '04b-author-created');

    await page.goto(server.url + '/collections/posts/entries/hello-world');
    await page.getByLabel('Updated', { exact: true }).fill('2026-11-29');
    await page.getByLabel('Download path').fill('/media/2026/11/release-notes.txt');
    const related = page.getByLabel(/^Add Related/);
    await related.fill('why-git');
    await related.press('Enter');
    await related.fill('release-notes');
    await related.press('Enter');
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const post = repo.git('show', 'HEAD:content/posts/hello-world.md');
    for (const line of [
      'updated: 2026-11-29',
      'attachment: /media/2026/11/release-notes.txt',
      'related:\n  - why-git\n  - release-notes',
      'layout: post',
    ])
      expect(post).toContain(line);
    await page.context().close();
  });

  it('merges a Markdown body both editors changed line by line, asking only about the lines both touched', async () => {
    const eddie = await open(await browser.newContext());
    const grace = await open(await browser.newContext());
    await signIn(eddie, 'eddie');
    await signIn(grace, 'grace');
    const url = server.url + '/collections/posts/entries/guides/images';
    const lines = (marks: Record<number, string>): string =>
      Array.from({ length: 10 }, (_, i) => `Line ${i + 1}${marks[i + 1] ?? ''}.`).join('\n\n');
    // The version both start from.
    await grace.goto(url);
    await grace.getByLabel('Body').fill(lines({}));
    await grace.getByRole('button', { name: 'Save' }).click();
    await grace.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await eddie.goto(url);
    await expect(eddie.getByLabel('Body').inputValue()).resolves.toBe(lines({}));

    await grace.getByLabel('Body').fill(lines({ 1: ' by Grace', 5: ' by Grace' }));
    await grace.getByRole('button', { name: 'Save' }).click();
    await grace.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await eddie.getByLabel('Body').fill(lines({ 5: ' by Eddie', 10: ' by Eddie' }));
    consoleWatch.expectFailure(eddie, 409, /^\/api\/collections\/posts\/entries\/guides%2Fimages$/);
    await eddie.getByRole('button', { name: 'Save' }).click();
    const conflict = eddie.getByRole('region', { name: 'Conflict' });
    await conflict.waitFor();
    await conflict.getByText('merged line by line, with 1 part you both changed').waitFor();
    expect(await axeViolations(eddie)).toEqual([]); // the conflict screen with a merged body
    const part = conflict.getByRole('group', { name: 'Part 1 of 1, changed by both' });
    await expect(part.getByText('Line 5 by Eddie.').count()).resolves.toBe(1);
    await part.getByRole('radio', { name: /Theirs/ }).check();
    await eddie.getByRole('button', { name: 'Save with the chosen values' }).click();
    await eddie.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const file = repo.git('show', 'HEAD:content/posts/guides/images.md');
    // Grace's line 1, her line 5 (chosen), Eddie's line 10: no one's change lost.
    expect(file.slice(file.indexOf('Line 1'))).toBe(
      `${lines({ 1: ' by Grace', 5: ' by Grace', 10: ' by Eddie' })}`,
    );
    await eddie.context().close();
    await grace.context().close();
  });

  it('resolves a conflict made from a second browser context, losing nothing', async () => {
    const eddie = await open(await browser.newContext());
    const grace = await open(await browser.newContext());
    await signIn(eddie, 'eddie');
    await signIn(grace, 'grace');
    const url = server.url + '/collections/posts/entries/why-git';
    await eddie.goto(url);
    await grace.goto(url);
    await grace.getByLabel('Summary').fill('Grace’s summary');
    await grace.getByRole('button', { name: 'Save' }).click();
    await grace.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    await eddie
      .getByRole('status')
      .filter({ hasText: /changed elsewhere/ })
      .waitFor();
    await eddie.getByLabel('Title', { exact: true }).fill('Why Git, says Eddie');
    consoleWatch.expectFailure(eddie, 409, /^\/api\/collections\/posts\/entries\/why-git$/);
    await eddie.getByRole('button', { name: 'Save' }).click();
    await eddie.getByRole('region', { name: 'Conflict' }).waitFor();
    expect(await axeViolations(eddie)).toEqual([]); // the conflict screen
    await shot(eddie, '06-conflict');
    await eddie.getByRole('button', { name: 'Save with the chosen values' }).click();
    await eddie.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const file = repo.git('show', 'HEAD:content/posts/why-git.md');
    expect(file).toContain('Why Git, says Eddie');
    expect(file).toContain('Grace’s summary'); // her change to another field survives the merge
    expect(repo.git('log', '-2', '--format=%an').trim().split('\n')).toEqual(['eddie', 'grace']);
    await shot(eddie, '07-conflict-resolved');
    await eddie.context().close();
    await grace.context().close();
  });

  it('uploads images in the media library (several at once) and picks one into a field', async () => {
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Media' }).click();
    await page.getByText('2 file(s)').waitFor();
    const png = readFileSync(path.join(ROOT, 'examples/blog/public/media/2026/11/cover.png'));
    // By keyboard alone: Tab reaches the button, Enter opens the file chooser.
    const choose = page.getByRole('button', { name: 'Choose files…' });
    await waitFor(async () => {
      await page.keyboard.press('Tab');
      return choose.evaluate((b) => b.matches(':focus'));
    });
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), choose.press('Enter')]);
    await chooser.setFiles([
      { name: 'Team Photo.png', mimeType: 'image/png', buffer: png },
      { name: 'second.png', mimeType: 'image/png', buffer: png },
    ]);
    await page.getByRole('status').filter({ hasText: 'Uploaded' }).waitFor();
    await page.getByText('4 of 4 file(s)').waitFor();
    const month = new Date().toISOString().slice(0, 7).replace('-', '/');
    expect(repo.git('log', '-2', '--format=%an|%s').trim().split('\n').sort()).toEqual([
      `eddie|upload media/${month}/second.png`,
      `eddie|upload media/${month}/team-photo.png`,
    ]);
    await shot(page, '08-media');
    await page.getByRole('combobox', { name: 'Show' }).selectOption('other');
    await page.getByText('1 of 4 file(s)').waitFor(); // the text file
    await page.getByRole('combobox', { name: 'Show' }).selectOption('images');
    await page.getByText('3 of 4 file(s)').waitFor();

    // Deleting a file entries use is refused, naming them; an unused one goes, as a commit.
    page.on('dialog', (d) => void d.accept());
    consoleWatch.expectFailure(page, 409, /^\/api\/media\/2026%2F11%2Fcover\.png$/);
    await page.getByRole('button', { name: 'Delete /media/2026/11/cover.png' }).click();
    const blocked = page.getByRole('alert').filter({ hasText: 'is used by' });
    await blocked.getByRole('link', { name: 'posts/hello-world' }).waitFor();
    await blocked.getByRole('button', { name: 'Keep it' }).click();
    expect(repo.git('ls-files', 'public/media/2026/11/cover.png').trim()).toBe(
      'public/media/2026/11/cover.png',
    );
    await page.getByRole('button', { name: `Delete /media/${month}/second.png` }).click();
    await page.getByText('2 of 3 file(s)').waitFor();
    expect(repo.git('log', '-1', '--format=%an|%s').trim()).toBe(`eddie|delete media/${month}/second.png`);

    await page.goto(server.url + '/collections/authors/entries/grace');
    await page.getByRole('button', { name: 'Choose…' }).click();
    // The image field's picker offers images only, as thumbnails.
    const picker = page.getByRole('list', { name: 'Media library: images for Avatar' });
    await picker.getByRole('button', { name: `Choose /media/${month}/team-photo.png` }).waitFor();
    await expect(picker.getByRole('button', { name: /release-notes\.txt/ }).count()).resolves.toBe(0);
    await expect(picker.locator('img').count()).resolves.toBe(2);
    await picker.getByRole('button', { name: `Choose /media/${month}/team-photo.png` }).click();
    await page.getByRole('img', { name: 'Avatar preview' }).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(repo.git('show', 'HEAD:content/authors/grace.json')).toContain(
      `"avatar": "/media/${month}/team-photo.png"`,
    );
    // A new line for the avatar, a comma after the line before it; the inline list stays inline.
    expect(repo.git('diff', '--numstat', 'HEAD~1', 'HEAD').trim()).toBe('2\t1\tcontent/authors/grace.json');
    expect(repo.git('show', 'HEAD:content/authors/grace.json')).toContain('  "languages": ["en"],\n');
    await shot(page, '09-image-picked');
    await page.context().close();
  });

  it('shows the history of an entry with a diff, and restores a revision', async () => {
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    await page.goto(server.url + '/collections/posts/entries/release-notes');
    await page.getByLabel('Title', { exact: true }).fill('Release notes, renamed for a moment');
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('button', { name: 'History' }).click();
    // A side panel, with the keyboard focus in it; Escape closes it and returns to the button.
    const panel = page.getByRole('complementary', { name: 'History' });
    await panel.waitFor();
    await waitFor(() => panel.getByRole('button', { name: 'Close' }).evaluate((b) => b.matches(':focus')));
    await page.keyboard.press('Escape');
    await waitFor(async () => (await panel.count()) === 0);
    await waitFor(() => page.getByRole('button', { name: 'History' }).evaluate((b) => b.matches(':focus')));
    await page.keyboard.press('Enter');
    const revisions = page.getByRole('list', { name: 'Revisions' }).getByRole('button');
    await revisions.nth(1).waitFor();
    await expect(revisions.count()).resolves.toBe(2);
    await revisions.nth(1).click();
    await page
      .getByText('− title: Release notes for November')
      .or(page.getByText('− Release notes for November'))
      .first()
      .waitFor();
    await shot(page, '10-history');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Restore this version' }).click();
    await page.getByRole('status').filter({ hasText: 'Restored.' }).waitFor();
    await expect(page.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe(
      'Release notes for November',
    );
    expect(repo.git('log', '-1', '--format=%an|%s').trim()).toMatch(
      /^eddie\|revert posts\/release-notes to [0-9a-f]{7}$/,
    );
    await page.context().close();
  });

  it('edits a singleton and works at 360 px wide', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await open(context);
    await signIn(page, 'eddie');
    await page
      .getByRole('main')
      .getByRole('link', { name: /Site settings/ })
      .click();
    await page.getByLabel('Tagline').fill('Edited on a phone.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(repo.git('show', 'HEAD:content/site.json')).toContain('"tagline": "Edited on a phone."');
    // The first save from the admin changes that one line: no other value reflowed.
    expect(repo.git('diff', '--numstat', 'HEAD~1', 'HEAD').trim()).toBe('1\t1\tcontent/site.json');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '11-singleton-360px');
    await context.close();
  });

  it('previews Markdown sanitized: no script from content ever runs', async () => {
    const page = await open(await browser.newContext());
    // Every payload calls this recorder if it ever runs; the test then proves it never did.
    await page.addInitScript(() => {
      const ran: string[] = [];
      Object.assign(window, { __mimsyRan: (what: string) => ran.push(what), __mimsyRanList: ran });
    });
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await signIn(page, 'eddie');
    await page.goto(server.url + '/collections/posts/entries/draft-ideas');
    const hostile = [
      '# Preview',
      '<script>__mimsyRan("script"); alert(1)</script>',
      '<img id="broken" src="/nope.png" onerror="__mimsyRan(`img onerror`); alert(2)">',
      '[markdown link](javascript:__mimsyRan("md link"))',
      '<a href="javascript:__mimsyRan(`html link`)">html link</a>',
      '<a href="  JaVaScRiPt:__mimsyRan(`spaced link`)">spaced link</a>',
      '<svg><script>__mimsyRan("svg script")</script><a xlink:href="javascript:__mimsyRan(`svg link`)"><text>svg link</text></a></svg>',
      '<iframe srcdoc="<script>parent.__mimsyRan(`iframe`)</script>"></iframe>',
      '<form action="javascript:__mimsyRan(`form`)"><button formaction="javascript:__mimsyRan(`button`)">form button</button></form>',
      '<details open ontoggle="__mimsyRan(`details`)">details</details>',
      '<p style="background:url(javascript:__mimsyRan(`css`))" onclick="__mimsyRan(`p onclick`)">click me</p>',
    ].join('\n\n');
    // The sanitized <img> still asks for /nope.png (404), and a browser may report each blocked
    // inline handler: both are provoked here on purpose.
    consoleWatch.expectFailure(page, 404, /^\/nope\.png$/);
    consoleWatch.expectBlockedContent(page);
    const missingImage = page.waitForResponse((r) => r.url().endsWith('/nope.png'));
    await page.getByLabel('Body').fill(hostile);
    await page.getByLabel('Preview').check();
    const preview = page.locator('mimsy-markdown .preview');
    await preview.getByRole('heading', { name: 'Preview' }).waitFor();
    await missingImage;
    // The image has failed to load, so an error handler that survived would have run by now.
    await page.waitForFunction(() => {
      const find = (root: Document | ShadowRoot): HTMLImageElement | null => {
        const hit = root.querySelector<HTMLImageElement>('img#broken');
        if (hit) return hit;
        for (const el of root.querySelectorAll('*')) {
          const inner = el.shadowRoot ? find(el.shadowRoot) : null;
          if (inner) return inner;
        }
        return null;
      };
      return find(document)?.complete ?? false;
    });
    // Clicking what is left of the links and the form would run a javascript: URL that survived.
    for (const name of ['markdown link', 'html link', 'spaced link', 'click me', 'form button'])
      await preview.getByText(name).first().click();

    const rendered = await preview.evaluate((el) =>
      [...el.querySelectorAll('*')].flatMap((node) => [
        ...(['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'FRAME'].includes(node.tagName.toUpperCase())
          ? [`<${node.tagName.toLowerCase()}>`]
          : []),
        ...[...node.attributes]
          .filter(
            (a) =>
              /^on/i.test(a.name) ||
              /^\s*javascript:/i.test(a.value) ||
              (a.name === 'style' && /javascript:/i.test(a.value)) ||
              a.name === 'srcdoc',
          )
          .map((a) => `${node.tagName.toLowerCase()} ${a.name}="${a.value}"`),
      ]),
    );
    expect(rendered).toEqual([]);
    expect(
      await page.evaluate(() => (window as unknown as { __mimsyRanList: string[] }).__mimsyRanList),
    ).toEqual([]);
    expect(dialogs).toBe(0);
    expect(page.url()).toBe(server.url + '/collections/posts/entries/draft-ideas');
    await shot(page, '13-sanitized-preview');
    await page.context().close();
  });

  it('updates an open list when another editor creates an entry', async () => {
    const viewer = await open(await browser.newContext());
    await signIn(viewer, 'vera');
    await viewer
      .getByRole('main')
      .getByRole('link', { name: /Authors/ })
      .click();
    const counter = viewer.getByText(/\d+ entries/);
    await counter.waitFor();
    const before = Number(/^(\d+)/.exec((await counter.textContent())!.trim())![1]);
    const editor = await open(await browser.newContext());
    await signIn(editor, 'grace');
    await editor.goto(server.url + '/collections/authors/new');
    await editor.getByLabel('Name', { exact: true }).fill('Margaret Hamilton');
    await editor.getByRole('button', { name: 'Create' }).click();
    await editor.waitForURL('**/entries/margaret-hamilton');
    await viewer.getByText(`${before + 1} entries`, { exact: true }).waitFor({ timeout: 5000 });
    await expect(viewer.getByRole('link', { name: 'Margaret Hamilton' }).isVisible()).resolves.toBe(true);
    await shot(viewer, '12-live-list');
    await viewer.context().close();
    await editor.context().close();
  });

  it('saves a field of a Hugo page with TOML front matter as a one-line change, comment and all', async () => {
    const toml = [
      '+++',
      'title = "From Hugo" # hugo new wrote this',
      'date = 2024-01-29T10:00:00Z',
      "author = 'ada'",
      'tags = ["hugo", "toml"]',
      '+++',
      'Written by Hugo.',
      '',
    ].join('\n');
    repo.write('content/posts/from-hugo.md', toml);
    repo.commitAll('a page written by hugo new');
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    // The server's watcher picks the file up; the session cookie of this context reads it.
    await waitFor(
      async () => (await page.request.get(`${server.url}/api/collections/posts/entries/from-hugo`)).ok(),
      {
        message: 'the server to see the new file',
      },
    );
    await page.goto(server.url + '/collections/posts/entries/from-hugo');
    await expect(page.getByLabel('Title', { exact: true }).inputValue()).resolves.toBe('From Hugo');
    await page.getByLabel('Title', { exact: true }).fill('Edited in the admin');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(repo.git('show', 'HEAD:content/posts/from-hugo.md')).toBe(
      toml.replace('"From Hugo"', '"Edited in the admin"'),
    );
    await page.context().close();
  });

  it('opens a page bundle by its folder and lists the files beside it', async () => {
    repo.write(
      'content/posts/walk/index.md',
      '---\ntitle: A walk\nauthor: ada\ndate: 2026-01-01T00:00:00Z\n---\nHills.\n',
    );
    repo.write('content/posts/walk/route.gpx', '<gpx/>');
    repo.commitAll('a page bundle');
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    await waitFor(
      async () => (await page.request.get(`${server.url}/api/collections/posts/entries/walk`)).ok(),
      {
        message: 'the server to see the bundle',
      },
    );
    await page.goto(server.url + '/collections/posts/entries/walk');
    const files = page.getByRole('region', { name: 'Files in this page bundle' });
    await files.getByText('route.gpx').waitFor();
    // Add a picture from the keyboard: the button opens the file chooser; the file is committed
    // beside the page and shown as a thumbnail.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const add = files.getByRole('button', { name: 'Add files to the bundle…' });
    // Enter on the focused button (locator.press focuses it first, after any re-render).
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), add.press('Enter')]);
    await chooser.setFiles({ name: 'Summit View.png', mimeType: 'image/png', buffer: png });
    await files.getByText('summit-view.png', { exact: true }).waitFor();
    await waitFor(async () => repo.git('ls-files', 'content/posts/walk').includes('summit-view.png'), {
      message: 'the upload to be committed beside the page',
    });
    expect(repo.git('log', '-1', '--format=%an')).toContain('eddie');
    const thumb = files.locator('img');
    await thumb.waitFor();
    expect(await thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    page.once('dialog', (d) => void d.accept());
    await files.getByRole('button', { name: 'Delete summit-view.png' }).click();
    await files.getByText('Deleted summit-view.png.').waitFor();
    expect(repo.git('ls-files', 'content/posts/walk')).not.toContain('summit-view.png');

    await page.context().close();
  });

  it("uploads an image field's picture into the page bundle, named as the page's own resource", async () => {
    repo.write(
      'content/posts/hike/index.md',
      '---\ntitle: A hike\nauthor: ada\ndate: 2026-01-02T00:00:00Z\n---\nRidges.\n',
    );
    repo.write('content/posts/hike/map.gpx', '<gpx/>');
    repo.commitAll('another page bundle');
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    await waitFor(
      async () => (await page.request.get(`${server.url}/api/collections/posts/entries/hike`)).ok(),
      {
        message: 'the server to see the bundle',
      },
    );
    await page.goto(server.url + '/collections/posts/entries/hike');
    const files = page.getByRole('region', { name: 'Files in this page bundle' });
    await files.getByText('map.gpx').waitFor();
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    // Upload… puts the picture beside the page and names it as the page refers to its own files;
    // Choose… offers the bundle's files first.
    const coverUpload = page.getByRole('button', { name: 'Upload…' }).first();
    const [cover] = await Promise.all([page.waitForEvent('filechooser'), coverUpload.press('Enter')]);
    await cover.setFiles({ name: 'Cover.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('status').filter({ hasText: 'Added cover.png beside the page' }).waitFor();
    await expect(page.getByLabel('Cover path').inputValue()).resolves.toBe('cover.png');
    await waitFor(() =>
      page
        .getByRole('img', { name: 'Cover preview' })
        .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
    );
    await files.getByText('cover.png', { exact: true }).waitFor(); // the bundle's list knows it
    await page.getByLabel('Cover path').fill('');
    await page.getByRole('button', { name: 'Choose…' }).first().click();
    await page.getByRole('button', { name: 'Choose cover.png' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(repo.git('show', 'HEAD:content/posts/hike/index.md')).toContain('cover: cover.png\n');
    expect(repo.git('ls-files', 'content/posts/hike')).toContain('content/posts/hike/cover.png');
    await page.context().close();
  });

  it("ties each field's hint and error to its control in the accessibility tree", async () => {
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    await page.goto(server.url + '/collections/posts/new');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Title is required').waitFor();
    // Chromium's own accessibility tree (what a screen reader gets), through the DevTools protocol.
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: {
        role?: { value?: string };
        name?: { value?: string };
        description?: { value?: string };
        properties?: { name: string; value: { value?: unknown } }[];
      }[];
    };
    const control = (name: string) => {
      const node = nodes.find((n) => n.role?.value === 'textbox' && n.name?.value === name);
      if (!node) throw new Error(`no textbox named ${name} in the accessibility tree`);
      const invalid = node.properties?.find((p) => p.name === 'invalid')?.value.value;
      return { description: node.description?.value ?? '', invalid };
    };
    const title = control('Title');
    expect(title.description).toContain('Title is required');
    expect(title.invalid).toBe('true');
    const summary = control('Summary');
    expect(summary.description).toContain('One or two sentences for lists and feeds.');
    expect(summary.invalid ?? 'false').toBe('false');
    // Each widget is a form-associated custom element: the browser's own validity says the same.
    const widget = (label: string) =>
      page.evaluate((name) => {
        const all: Element[] = [];
        const walk = (root: Document | ShadowRoot): void => {
          for (const el of root.querySelectorAll('*')) {
            all.push(el);
            if (el.shadowRoot) walk(el.shadowRoot);
          }
        };
        walk(document);
        const w = all.find(
          (el) =>
            (el.constructor as { formAssociated?: boolean }).formAssociated &&
            (el as unknown as { name: string }).name === name,
        ) as (HTMLElement & { checkValidity(): boolean; validationMessage: string }) | undefined;
        return (
          w && { invalid: w.matches(':invalid'), valid: w.checkValidity(), message: w.validationMessage }
        );
      }, label);
    expect(await widget('title')).toEqual({ invalid: true, valid: false, message: 'Title is required' });
    expect(await widget('summary')).toEqual({ invalid: false, valid: true, message: '' });
    await page.getByLabel('Title', { exact: true }).fill('Now it has one');
    await waitFor(async () => (await widget('title'))?.valid === true);
    await page.context().close();
  });

  it('gives every control a touch target of at least 44 px on a 390 px phone', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
    const page = await open(context);
    await signIn(page, 'eddie');
    await page.goto(server.url + '/collections/posts/entries/hello-world');
    await page.getByLabel('Title', { exact: true }).waitFor();
    const small = await page.evaluate(() => {
      const out: string[] = [];
      const visit = (root: Document | ShadowRoot): void => {
        for (const el of root.querySelectorAll<HTMLElement>('*')) {
          if (el.shadowRoot) visit(el.shadowRoot);
          if (!el.matches('button, .button, input, select, textarea') || el.matches('.visually-hidden'))
            continue;
          const box = el.getBoundingClientRect();
          if (box.width === 0 && box.height === 0) continue; // not shown
          const narrow = el.matches('input[type=checkbox], input[type=radio]') && box.width < 44;
          if (box.height < 44 || narrow)
            out.push(
              `${el.tagName.toLowerCase()} "${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}" ${Math.round(box.width)}×${Math.round(box.height)}`,
            );
        }
      };
      visit(document);
      return out;
    });
    expect(small).toEqual([]);
    await shot(page, '15-editor-390px');
    await context.close();
  });

  it('is served precompressed: every script of the build as brotli to a browser that takes it', async () => {
    const page = await open(await browser.newContext());
    const html = await (await page.request.get(server.url + '/')).text();
    const scripts = [...html.matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      const res = await page.request.get(server.url + src, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.headers()['content-encoding']).toBe('br');
    }
    await page.context().close();
  });

  it('saves a number typed and not yet left with Ctrl+S', async () => {
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    await page.goto(server.url + '/collections/posts/entries/2026/year-in-review');
    const minutes = page.getByLabel('Reading time (minutes)');
    await minutes.fill('9'); // focus stays in the field: no change event yet
    await page.keyboard.press('Control+s');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(repo.git('show', 'HEAD:content/posts/2026/year-in-review.md')).toContain('readingTime: 9\n');
    expect(repo.git('log', '-1', '--format=%an|%s').trim()).toBe(
      'eddie|update posts/2026/year-in-review (readingTime)',
    );
    await expect(minutes.inputValue()).resolves.toBe('9');
    await page.context().close();
  });

  it('deletes an entry others refer to, pointing their references elsewhere in the same commit; restores it from "Recently deleted"', async () => {
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    const before = repo.git('show', 'HEAD:content/posts/why-git.md');
    const review = repo.git('show', 'HEAD:content/posts/2026/year-in-review.md');
    expect(review).toContain('  - why-git\n');
    await page.goto(server.url + '/collections/posts/entries/why-git');
    page.once('dialog', (d) => void d.accept()); // "Delete …?"
    consoleWatch.expectFailure(page, 409, /^\/api\/collections\/posts\/entries\/why-git$/); // MIMSY_ERR_REFERENCED
    await page.getByRole('button', { name: 'Delete' }).click();
    // The dialog names who refers to it and asks what becomes of their references.
    const dialog = page.getByRole('dialog', { name: /refer to why-git|refers to why-git/ });
    await dialog.waitFor();
    expect(await axeViolations(page)).toEqual([]); // the dialog
    await expect(dialog.getByRole('link', { name: 'posts/2026/year-in-review' }).count()).resolves.toBe(1);
    await dialog.getByRole('radio', { name: 'Point them to' }).check();
    await dialog.getByLabel('The entry they point to instead').selectOption('hello-world');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Posts' }).waitFor();
    expect(repo.git('ls-files', 'content/posts/why-git.md').trim()).toBe('');
    const files = repo.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n');
    expect(files).toContain('content/posts/why-git.md');
    expect(files).toContain('content/posts/2026/year-in-review.md');
    expect(repo.git('show', 'HEAD:content/posts/2026/year-in-review.md')).not.toContain('why-git');
    expect(repo.git('log', '-1', '--format=%b')).toMatch(
      /References now to posts\/hello-world: .*posts\/2026\/year-in-review/,
    );

    await page.getByRole('link', { name: 'Recently deleted' }).click();
    await page.getByRole('heading', { name: 'Recently deleted' }).waitFor();
    // Earlier tests may have changed its title: the row is found by its slug.
    const restore = page
      .getByRole('row')
      .filter({ hasText: 'why-git' })
      .getByRole('button', { name: /^Restore / });
    await restore.focus();
    await page.keyboard.press('Enter'); // reachable and operable by keyboard
    await waitFor(() => /\/collections\/posts\/entries\/why-git$/.test(page.url()));
    await page.getByRole('button', { name: 'Delete' }).waitFor(); // the editor of an existing entry
    expect(page.url()).toMatch(/\/collections\/posts\/entries\/why-git$/);
    expect(repo.git('log', '-1', '--format=%an|%s').trim()).toBe('eddie|restore posts/why-git');
    expect(repo.git('show', 'HEAD:content/posts/why-git.md')).toBe(before);
    await page.goto(server.url + '/collections/posts/deleted');
    await page.getByRole('heading', { name: 'Recently deleted' }).waitFor();
    // Back in place, so no longer listed (other tests' deletions may be).
    await waitFor(
      async () =>
        !(await page.getByText('Loading…').isVisible()) &&
        (await page.getByRole('row').filter({ hasText: 'why-git' }).count()) === 0,
    );
    await page.context().close();
  });

  it('empties an optional group: "Remove Series" takes it out of the file, and its required field no longer blocks the save', async () => {
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    const file = 'content/posts/guides/writing-markdown.md';
    expect(repo.git('show', `HEAD:${file}`)).toContain('series:');
    await page.goto(server.url + '/collections/posts/entries/guides/writing-markdown');
    await page.getByRole('button', { name: 'Remove Series' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const saved = repo.git('show', `HEAD:${file}`);
    expect(saved).not.toMatch(/^series:/m);
    expect(repo.git('log', '-1', '--format=%s').trim()).toBe('update posts/guides/writing-markdown (series)');
    await page.context().close();
  });

  it('has a sidebar of content types with counts, empty states that say what to do, and a theme set from outside', async () => {
    const page = await open(await browser.newContext({ viewport: { width: 1280, height: 900 } }));
    await signIn(page, 'eddie');
    const side = page.getByRole('navigation', { name: 'Content types' });
    const posts = side.getByRole('link', { name: /^Blog posts\s*\d+$/ });
    await posts.click();
    await page.getByRole('heading', { name: 'Blog posts' }).waitFor();
    await expect(posts.getAttribute('aria-current')).resolves.toBe('page');
    const count = Number((await posts.innerText()).match(/(\d+)$/)![1]);
    await page.getByText(`${count} entries`).waitFor(); // the sidebar's count is the list's
    await side.getByRole('link', { name: 'Site settings' }).waitFor();

    await page.getByLabel('Search').fill('no entry has these words');
    await page.getByText('No entries match the search and filters.').waitFor();
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await page.getByText(`${count} entries`).waitFor();

    // A site's colours reach into every component through the public custom properties.
    await page.evaluate(() =>
      document.documentElement.style.setProperty('--mimsy-accent', 'rgb(1, 102, 51)'),
    );
    const newEntry = page.getByRole('link', { name: 'New entry' });
    await waitFor(
      async () => (await newEntry.evaluate((a) => getComputedStyle(a).backgroundColor)) === 'rgb(1, 102, 51)',
    );
    await shot(page, '15-sidebar-themed');
    await page.context().close();
  });

  it('asks before Back leaves unsaved edits, and stays with them when told to', async () => {
    const page = await open(await browser.newContext());
    await signIn(page, 'eddie');
    await page.goto(server.url + '/collections/posts');
    await page.goto(server.url + '/collections/posts/entries/guides/images');
    const summary = page.getByLabel('Summary');
    await summary.fill('Typed and not saved.');
    const asked: string[] = [];
    page.once('dialog', (d) => (asked.push(d.message()), void d.dismiss()));
    // The browser's Back (history.back() is what the button and Alt+Left do; page.goBack would
    // wait for a page load that a single-page app's Back never has).
    await page.evaluate(() => history.back());
    await waitFor(() => asked.length === 1);
    expect(page.url()).toMatch(/\/collections\/posts\/entries\/guides\/images$/);
    await expect(summary.inputValue()).resolves.toBe('Typed and not saved.');
    // Told to leave: it goes.
    page.once('dialog', (d) => void d.accept());
    await page.evaluate(() => history.back());
    await page.getByRole('heading', { name: 'Posts' }).waitFor();
    await page.context().close();
  });

  it('keeps typed text in the browser through a closed tab and offers it back, with what it changes', async () => {
    const context = await browser.newContext();
    let page = await open(context);
    await signIn(page, 'eddie');
    const address = server.url + '/collections/posts/entries/guides/writing-markdown';
    await page.goto(address);
    await page.getByLabel('Summary').fill('Kept by the browser while the tab crashed.');
    await page.getByLabel('Reading time (minutes)').fill('42');
    const head = repo.git('rev-parse', 'HEAD').trim();
    await waitFor(() => draftKept(page, '"readingTime":42')); // kept within a moment of the last key
    await page.close({ runBeforeUnload: false }); // a crashed or killed tab: no prompt, no save
    page = await open(context);
    await page.goto(address);
    const offer = page.getByRole('region', { name: 'Unsaved changes' });
    await offer.waitFor();
    await offer.getByText('+ Kept by the browser while the tab crashed.').waitFor();
    await offer.getByText('+ 42').waitFor();
    await shot(page, '14-draft-offer');
    expect(await axeViolations(page)).toEqual([]); // the offer, with its diff
    await offer.getByRole('button', { name: 'Restore unsaved changes' }).click();
    await expect(page.getByLabel('Summary').inputValue()).resolves.toBe(
      'Kept by the browser while the tab crashed.',
    );
    expect(repo.git('rev-parse', 'HEAD').trim()).toBe(head); // nothing saved behind the editor's back
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const file = repo.git('show', 'HEAD:content/posts/guides/writing-markdown.md');
    expect(file).toContain('summary: Kept by the browser while the tab crashed.');
    expect(file).toContain('readingTime: 42\n');
    // Saved: the draft is gone, so opening the entry again offers nothing.
    await page.reload();
    await page.getByLabel('Summary').waitFor();
    await expect(page.getByRole('region', { name: 'Unsaved changes' }).count()).resolves.toBe(0);
    await context.close();
  });

  it('offers a draft typed on an older version through the conflict screen, not over the newer save', async () => {
    const context = await browser.newContext();
    let page = await open(context);
    await signIn(page, 'eddie');
    const address = server.url + '/collections/posts/entries/hello-world';
    await page.goto(address);
    await page.getByLabel('Summary').fill('Eddie typed this offline.');
    await waitFor(() => draftKept(page, 'Eddie typed this offline.'));
    await page.close({ runBeforeUnload: false });
    // Meanwhile Grace saves the same entry.
    const other = await open(await browser.newContext());
    await signIn(other, 'grace');
    await other.goto(address);
    await other.getByLabel('Summary').fill('Grace saved this.');
    await other.getByRole('button', { name: 'Save' }).click();
    await other.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await other.context().close();
    page = await open(context);
    consoleWatch.expectFailure(page, 409, /^\/api\/collections\/posts\/entries\/hello-world$/);
    await page.goto(address);
    const offer = page.getByRole('region', { name: 'Unsaved changes' });
    await offer.getByText(/saved by someone since/).waitFor();
    await offer.getByRole('button', { name: 'Restore unsaved changes' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /Someone else saved this entry meanwhile/ })
      .waitFor();
    expect(repo.git('show', 'HEAD:content/posts/hello-world.md')).toContain('summary: Grace saved this.');
    await context.close();
  });

  it('the accessibility check itself finds a nameless button and an image without alt text', async () => {
    const page = await open(await browser.newContext());
    await page.goto(server.url + '/login');
    await page.getByRole('heading', { name: 'Sign in to Mimsy' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.evaluate(() => {
      const root = document.querySelector('mimsy-app')!.shadowRoot!;
      root.append(
        Object.assign(document.createElement('img'), { src: 'data:image/gif;base64,R0lGODlhAQABAAAAACw=' }),
        document.createElement('button'),
      );
    });
    const found = (await axeViolations(page)).map((v) => v.split(' ')[0]).sort();
    expect(found).toEqual(['button-name', 'image-alt']);
    await page.context().close();
  });

  it('every screen, at 1280 and 390 px wide, light and dark: no axe-core violations; screenshots in test-output/e2e/screens/', async () => {
    const heading = (name: string | RegExp) => (page: Page) =>
      page.getByRole('heading', { name }).first().waitFor();
    const screens: [string, string, (page: Page) => Promise<void>][] = [
      ['dashboard', '/', heading('Content')],
      [
        'list',
        '/collections/posts',
        async (page) => {
          await heading('Blog posts')(page);
          await page.getByRole('link', { name: 'Hello, world' }).waitFor();
        },
      ],
      [
        'entry',
        '/collections/posts/entries/hello-world',
        (page) => page.getByLabel('Title', { exact: true }).waitFor(),
      ],
      [
        'history',
        '/collections/posts/entries/hello-world',
        async (page) => {
          await page.getByRole('button', { name: 'History' }).click();
          await heading('History')(page);
        },
      ],
      ['new', '/collections/posts/new', heading(/^New /)],
      ['singleton', '/singletons/site', (page) => page.getByLabel('Title', { exact: true }).waitFor()],
      ['library', '/library', heading('Media')],
      ['deleted', '/collections/posts/deleted', heading('Recently deleted')],
      ['not-found', '/nothing/here', (page) => page.getByText('There is nothing here').waitFor()],
    ];
    const problems: string[] = [];
    mkdirSync(path.join(SHOTS, 'screens'), { recursive: true });
    for (const [width, height] of [
      [1280, 900],
      [390, 844],
    ] as const)
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await browser.newContext({
          bypassCSP: true,
          viewport: { width, height },
          colorScheme,
        });
        const page = await open(context);
        await page.goto(server.url + '/login');
        await heading('Sign in to Mimsy')(page);
        const check = async (name: string): Promise<void> => {
          await shot(page, `screens/${name}-${width}-${colorScheme}`);
          for (const v of await axeViolations(page))
            problems.push(`${name} at ${width} px, ${colorScheme}: ${v}`);
        };
        await check('login');
        await signIn(page, 'eddie');
        for (const [name, url, ready] of screens) {
          await page.goto(server.url + url);
          await ready(page);
          await check(name);
        }
        await context.close();
      }
    expect(problems).toEqual([]);
  });

  it('produced no console errors and no uncaught exceptions beyond those provoked on purpose', () => {
    expect(consoleWatch.problems()).toEqual([]);
  });
});
