import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ContentIndex, loadProject, ReadOnlyFsStore } from '@mimsy/core';
import { repositoryRoot } from '../context.js';
import { UserError } from '../errors.js';

export interface ExportOptions {
  cwd: string;
  out?: string;
  split?: string;
  drafts?: boolean;
}

interface ExportedEntry {
  slug: string;
  data: Record<string, unknown>;
  body?: string;
}

export interface ExportDocument {
  collections: Record<string, ExportedEntry[]>;
  singletons: Record<string, ExportedEntry | null>;
}

export interface ExportResult {
  document: ExportDocument | null;
  written: string[];
  counts: Record<string, number>;
  draftsLeftOut: number;
}

/** `mimsy export`: all content as JSON, validated first, in a stable order (the schema's sort). */
export async function run(options: ExportOptions): Promise<ExportResult> {
  const root = await repositoryRoot(options.cwd);
  const project = await loadProject(root);
  const index = await ContentIndex.build(project, new ReadOnlyFsStore(root), { history: false });
  const report = index.validate();
  const problems = report.entries.flatMap((r) =>
    r.problems.map((p) => ({
      path: `${r.path}${p.line ? `:${p.line}` : ''} ${p.path}`.trim(),
      message: p.message,
    })),
  );
  if (project.issues.length || problems.length || report.unaddressable.length) {
    throw new UserError(
      `Not exported: the content has problems. Fix them (see "mimsy validate") and export again.`,
      {
        issues: [
          ...project.issues.map((i) => ({ path: `${i.file} ${i.path}`, message: i.message })),
          ...problems,
          // The message names the file already: say it once.
          ...report.unaddressable.map((u) => ({
            path: u.path,
            message: u.message.startsWith(`${u.path} `) ? u.message.slice(u.path.length + 1) : u.message,
          })),
        ],
      },
    );
  }
  const document: ExportDocument = { collections: {}, singletons: {} };
  const counts: Record<string, number> = {};
  let draftsLeftOut = 0;
  const strip = (e: { slug: string; data: Record<string, unknown>; body?: string }): ExportedEntry => ({
    slug: e.slug,
    data: e.data,
    ...(e.body !== undefined ? { body: e.body } : {}),
  });
  for (const schema of [...project.schemas.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (schema.kind === 'singleton') {
      const entry = index.get(schema.name, '');
      document.singletons[schema.name] = entry ? strip(entry) : null;
      counts[schema.name] = entry ? 1 : 0;
      continue;
    }
    const items: ExportedEntry[] = [];
    let cursor: string | null = null;
    do {
      const page = index.list(schema.name, { limit: 500, cursor });
      for (const e of page.items) {
        if (!options.drafts && e.data.draft === true) draftsLeftOut++;
        else items.push(strip(e));
      }
      cursor = page.nextCursor;
    } while (cursor);
    document.collections[schema.name] = items;
    counts[schema.name] = items.length;
  }
  const written: string[] = [];
  if (options.split) {
    const dir = path.resolve(options.cwd, options.split);
    mkdirSync(dir, { recursive: true });
    for (const [name, items] of Object.entries(document.collections)) {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(items, null, 2) + '\n');
      written.push(file);
    }
    for (const [name, entry] of Object.entries(document.singletons)) {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(entry, null, 2) + '\n');
      written.push(file);
    }
    return { document: null, written, counts, draftsLeftOut };
  }
  if (options.out) {
    const file = path.resolve(options.cwd, options.out);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
    written.push(file);
    return { document: null, written, counts, draftsLeftOut };
  }
  return { document, written, counts, draftsLeftOut };
}

export function render(result: ExportResult): string {
  if (result.document) return JSON.stringify(result.document, null, 2);
  const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
  return `Exported ${total} entries (${Object.entries(result.counts)
    .map(([k, v]) => `${k}: ${v}`)
    .join(
      ', ',
    )}) to ${result.written.join(', ')}${result.draftsLeftOut ? `; left out ${result.draftsLeftOut} draft(s) (--drafts includes them)` : ''}.`;
}
