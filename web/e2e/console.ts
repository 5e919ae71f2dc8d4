// Console errors in the end-to-end tests, accounted for by what happened rather than by wording:
// browsers change their messages between versions, so no check here reads a message's text.
import type { Page } from 'playwright-core';

interface Expected {
  status: number;
  path: RegExp;
}

interface PageRecord {
  page: Page;
  /** Console errors with the URL the browser attributes each to. */
  errors: { text: string; url: string }[];
  /** Responses of 400 or more, by URL, that the test said it provokes. */
  expectedFailures: string[];
  /** Content-Security-Policy violations the page reported (`securitypolicyviolation` events). */
  violations: string[];
  /** Whether the test provokes blocked content on this page on purpose. */
  hostile: boolean;
}

/** Watches every page a test opens; `problems()` lists what no test explained. */
export class ConsoleWatch {
  private readonly pages: PageRecord[] = [];
  private readonly pageErrors: string[] = [];
  private readonly expected = new Map<Page, Expected[]>();

  async watch(page: Page): Promise<void> {
    const record: PageRecord = { page, errors: [], expectedFailures: [], violations: [], hostile: false };
    this.pages.push(record);
    await page.exposeFunction('__mimsyCspViolation', (directive: string) => {
      record.violations.push(directive);
    });
    await page.addInitScript(() => {
      document.addEventListener(
        'securitypolicyviolation',
        (e) =>
          (window as unknown as { __mimsyCspViolation: (d: string) => void }).__mimsyCspViolation(
            e.effectiveDirective,
          ),
        true,
      );
    });
    page.on('console', (m) => {
      if (m.type() === 'error') record.errors.push({ text: m.text(), url: m.location().url });
    });
    page.on('pageerror', (e) => this.pageErrors.push(`page error on ${page.url()}: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() < 400) return;
      const url = new URL(r.url());
      const wanted = this.expected
        .get(page)
        ?.some((x) => x.status === r.status() && x.path.test(url.pathname));
      if (wanted) record.expectedFailures.push(r.url());
    });
  }

  /** The test provokes an answer with this status from a path matching `path` on this page. */
  expectFailure(page: Page, status: number, path: RegExp): void {
    this.expected.set(page, [...(this.expected.get(page) ?? []), { status, path }]);
  }

  /** The test feeds this page content that the browser must block (its blocking may be logged). */
  expectBlockedContent(page: Page): void {
    const record = this.pages.find((p) => p.page === page);
    if (record) record.hostile = true;
  }

  /** Every console error no test explained, and every uncaught exception (always a failure). */
  problems(): string[] {
    const out = [...this.pageErrors];
    for (const record of this.pages) {
      const failures = [...record.expectedFailures];
      const unexplained = record.errors.filter((e) => {
        // A failed load is reported with the resource's URL as its location.
        const i = failures.indexOf(e.url);
        if (i === -1) return true;
        failures.splice(i, 1);
        return false;
      });
      // A blocked inline handler or script is reported (or not, depending on the browser) once per
      // violation: on a page fed hostile content on purpose, each reported violation excuses one.
      const excused = record.hostile ? record.violations.length : 0;
      out.push(...unexplained.slice(excused).map((e) => `${e.text} (at ${e.url})`));
      // On any other page, a violation means the admin itself broke its own policy.
      if (!record.hostile)
        out.push(
          ...record.violations.map((d) => `the admin violated its CSP (${d}) on ${record.page.url()}`),
        );
    }
    return out;
  }
}
