// The cost of a byte-minimal edit (one value changed in a 200-line front matter, read back and
// checked) next to the commit that carries it, both measured in this process, for YAML, TOML
// and JSON front matter.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeEntry, encodeEntry, GitStore } from '@mimsy/core';
import { median } from './events.js';

const md = { format: 'markdown' } as const;

/** About 200 lines of front matter in the given language, with nesting, lists and comments. */
export function bigFrontMatter(language: 'yaml' | 'toml' | 'json'): string {
  const sections = 18;
  if (language === 'yaml') {
    const lines = ['---', 'title: "A long page" # the title', 'date: 2026-01-05T10:00:00Z'];
    for (let s = 0; s < sections; s++)
      lines.push(
        `section${s}:`,
        `  # section ${s}`,
        `  name: 'Section ${s}'`,
        `  weight: ${s}`,
        `  tags: [a${s}, b${s}, c${s}]`,
        `  summary: >-`,
        `    A folded summary for section ${s}, long enough`,
        `    to wrap over two lines.`,
        `  links:`,
        `    - /s${s}/one/`,
        `    - /s${s}/two/`,
      );
    return [...lines, '---', 'Body.', ''].join('\n');
  }
  if (language === 'toml') {
    const lines = ['+++', 'title = "A long page" # the title', 'date = 2026-01-05T10:00:00Z'];
    for (let s = 0; s < sections; s++)
      lines.push(
        '',
        `[section${s}]`,
        `  # section ${s}`,
        `  name = 'Section ${s}'`,
        `  weight = ${s}`,
        `  tags = ["a${s}", "b${s}", "c${s}"]`,
        `  summary = """`,
        `A summary for section ${s}."""`,
        `  links = [`,
        `    "/s${s}/one/",`,
        `  ]`,
      );
    return [...lines, '+++', 'Body.', ''].join('\n');
  }
  const data: Record<string, unknown> = { title: 'A long page', date: '2026-01-05T10:00:00Z' };
  for (let s = 0; s < sections; s++)
    data[`section${s}`] = {
      name: `Section ${s}`,
      weight: s,
      tags: [`a${s}`, `b${s}`, `c${s}`],
      summary: `A summary for section ${s}.`,
      links: [`/s${s}/one/`, `/s${s}/two/`],
    };
  return `${JSON.stringify(data, null, 2)}\nBody.\n`;
}

export interface EditResult {
  language: string;
  lines: number;
  editMs: number;
  commitMs: number;
}

export async function benchEdits(rounds = 40): Promise<EditResult[]> {
  const results: EditResult[] = [];
  const enc = new TextEncoder();
  for (const language of ['yaml', 'toml', 'json'] as const) {
    const text = bigFrontMatter(language);
    const dir = mkdtempSync(path.join(tmpdir(), 'mimsy-bench-edits-'));
    const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir });
    git('init', '--quiet', '--initial-branch=main');
    git('config', 'user.name', 'Bench');
    git('config', 'user.email', 'bench@example.com');
    writeFileSync(path.join(dir, 'page.md'), text);
    git('add', '--all');
    git('commit', '--quiet', '-m', 'seed');
    const store = await GitStore.open(dir);
    const author = { name: 'Ada', email: 'ada@example.com' };
    const edits: number[] = [];
    const commits: number[] = [];
    let bytes: Uint8Array = enc.encode(text);
    let version = (await store.read('page.md'))!.version;
    for (let i = 0; i < rounds; i++) {
      // One nested value changes, as an editor changes one field in the admin.
      let start = performance.now();
      const decoded = decodeEntry(md, bytes);
      const data = structuredClone(decoded.data);
      (data[`section${i % 18}`] as Record<string, unknown>).weight = 1000 + i;
      const next = encodeEntry(md, { data, body: decoded.body ?? '' }, bytes);
      edits.push(performance.now() - start);
      start = performance.now();
      const result = await store.commit([{ path: 'page.md', bytes: next, expected: version }], {
        author,
        message: `edit ${i}`,
      });
      commits.push(performance.now() - start);
      bytes = next;
      version = result.versions['page.md'] ?? (await store.read('page.md'))!.version;
    }
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    results.push({
      language,
      lines: text.split('\n').findIndex((l, i) => i > 0 && (l === '---' || l === '+++' || l === '}')) + 1,
      editMs: median(edits),
      commitMs: median(commits),
    });
  }
  return results;
}
