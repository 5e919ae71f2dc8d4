import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ContentIndex,
  FileWatcher,
  findSymlinks,
  locate,
  loadProject,
  ReadOnlyFsStore,
  symlinkError,
} from '@mimsy/core';
import type { ContentFormat, EntryReport, Field, Project, SchemaIssue, UnaddressableFile } from '@mimsy/core';
import { repositoryRoot } from '../context.js';
import { UserError } from '../errors.js';
import { paint, progress, progressDone } from '../output.js';

export type ValidateFormat = 'text' | 'github';

export interface ValidateOptions {
  cwd: string;
  json?: boolean;
  format?: string;
  watch?: boolean;
}

/** One problem with where it is: `line`/`column` (1-based) when the file has the value. */
export interface LocatedProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface LocatedReport extends Omit<EntryReport, 'problems'> {
  problems: LocatedProblem[];
}

export interface ValidateResult {
  ok: boolean;
  checked: number;
  schemaIssues: (SchemaIssue & { line?: number; column?: number })[];
  entries: LocatedReport[];
  /** Keys no field declares (schemas without "strict"): reported, not failing. */
  warnings: LocatedReport[];
  unaddressable: UnaddressableFile[];
  /** What could not be checked because a schema file is broken (said once, not as false errors). */
  notChecked: { schema: string; message: string }[];
  format: ValidateFormat;
}

/** The schemas a field's relations point to, inside objects and lists too. */
function relationTargets(fields: readonly Omit<Field, 'name'>[]): string[] {
  return fields.flatMap((f) => [
    ...(f.type === 'relation' && f.schema ? [f.schema] : []),
    ...relationTargets(f.fields ?? []),
    ...(f.of ? relationTargets([f.of]) : []),
  ]);
}

function notChecked(project: Project): ValidateResult['notChecked'] {
  const broken = project.broken ?? [];
  const file = (name: string): string => `${project.config.schemas}/${name}.json`;
  const out = broken.map((name) => ({
    schema: name,
    message: `${name}: its entries are not checked until ${file(name)} is fixed`,
  }));
  for (const schema of project.schemas.values()) {
    const targets = [...new Set(relationTargets(schema.fields))].filter((t) => broken.includes(t));
    if (targets.length)
      out.push({
        schema: schema.name,
        message: `${schema.name}: relations to ${targets.join(', ')} are not checked until ${targets.map(file).join(', ')} ${targets.length > 1 ? 'are' : 'is'} fixed`,
      });
  }
  return out;
}

/** `--watch` keeps the process alive (main.ts reads this after run()). */
export let longRunning = false;

async function locateAll(
  root: string,
  reports: EntryReport[],
  formatOf: (schema: string) => ContentFormat | undefined,
): Promise<LocatedReport[]> {
  return Promise.all(
    reports.map(async (r) => {
      const format = formatOf(r.schema);
      const bytes = format ? await readFile(path.join(root, r.path)).catch(() => null) : null;
      return {
        ...r,
        problems: r.problems.map((p) => {
          if (p.line !== undefined || !bytes || !format) return p;
          const at = locate(format, bytes, p.path);
          return at ? { ...p, line: at.line, column: at.column } : p;
        }),
      };
    }),
  );
}

/** Everything `mimsy validate` reports, located in the files. */
async function check(root: string, format: ValidateFormat): Promise<ValidateResult> {
  const project = await loadProject(root);
  const index = await ContentIndex.build(project, new ReadOnlyFsStore(root), { history: false });
  const report = index.validate();
  // Links in the media folder are never served either: report them with the content's.
  const mediaLinks = (await findSymlinks(root, project.config.media.dir)).map((p) => ({
    path: p,
    schema: 'media',
    message: symlinkError(p).message,
  }));
  report.unaddressable.push(...mediaLinks);
  const formatOf = (schema: string): ContentFormat | undefined => project.schemas.get(schema)?.format;
  const schemaIssues = await Promise.all(
    project.issues.map(async (i) => {
      const bytes = i.file.endsWith('.json')
        ? await readFile(path.join(root, i.file)).catch(() => null)
        : null;
      if (i.line !== undefined) return i;
      const at = bytes && i.path ? locate('json', bytes, i.path) : null;
      return at ? { ...i, line: at.line, column: at.column } : i;
    }),
  );
  return {
    ok: project.issues.length === 0 && report.entries.length === 0 && report.unaddressable.length === 0,
    checked: report.checked,
    schemaIssues,
    entries: await locateAll(root, report.entries, formatOf),
    warnings: await locateAll(root, report.warnings, formatOf),
    unaddressable: report.unaddressable,
    notChecked: notChecked(project),
    format,
  };
}

/** `mimsy validate`: every schema and entry; exit 1 when anything is wrong. */
export async function run(options: ValidateOptions): Promise<ValidateResult> {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'github')
    throw new UserError(
      `Unknown --format "${format}": use text (the default) or github (GitHub Actions annotations).`,
    );
  const root = await repositoryRoot(options.cwd);
  if (!options.json) progress('Reading and checking entries…');
  const result = await check(root, format);
  progressDone();
  if (options.watch) {
    longRunning = true;
    let running = false;
    let again = false;
    const rerun = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const next = await check(root, format);
        process.stdout.write(
          options.json
            ? JSON.stringify(next) + '\n'
            : `\n${paint('dim', new Date().toLocaleTimeString())} ${render(next)}\n`,
        );
      } catch (error) {
        process.stdout.write(`\n${paint('red', (error as Error).message)}\n`);
      } finally {
        running = false;
        if (again) {
          again = false;
          void rerun();
        }
      }
    };
    // Everything at the top of the repository but Git's and Mimsy's own folders.
    const targets = (await readdir(root)).filter((n) => !['.git', '.mimsy', 'node_modules'].includes(n));
    const watcher = await FileWatcher.start(
      root,
      targets,
      (rel) => {
        if (rel.startsWith('.git/') || rel.startsWith('node_modules/') || rel.startsWith('.mimsy/')) return;
        void rerun();
      },
      { settleMs: 150 },
    );
    const stop = (): void => {
      void watcher.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (!options.json && format === 'text') process.stderr.write('Watching for changes (Ctrl+C to stop)…\n');
  }
  return result;
}

/** GitHub Actions workflow commands: the message's special characters escaped. */
function annotation(
  level: 'error' | 'warning',
  file: string,
  at: { line?: number; column?: number },
  message: string,
): string {
  const escape = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (s: string): string => escape(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const where = [`file=${property(file)}`];
  if (at.line) where.push(`line=${at.line}`);
  if (at.column) where.push(`col=${at.column}`);
  return `::${level} ${where.join(',')},title=mimsy validate::${escape(message)}`;
}

const place = (file: string, p: { line?: number; column?: number }): string =>
  `${file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}`;

export function render(result: ValidateResult): string {
  const lines: string[] = [];
  const problems =
    result.schemaIssues.length +
    result.entries.reduce((n, r) => n + r.problems.length, 0) +
    result.unaddressable.length;
  const warnings = result.warnings.reduce((n, r) => n + r.problems.length, 0);
  if (result.format === 'github') {
    for (const i of result.schemaIssues)
      lines.push(annotation('error', i.file, i, `${i.path || '/'} ${i.message} — ${i.fix}`));
    for (const r of result.entries)
      for (const p of r.problems) lines.push(annotation('error', r.path, p, `${p.path || '/'} ${p.message}`));
    for (const u of result.unaddressable) lines.push(annotation('error', u.path, {}, u.message));
    for (const r of result.warnings)
      for (const p of r.problems) lines.push(annotation('warning', r.path, p, `${p.path} ${p.message}`));
    for (const n of result.notChecked) lines.push(`::notice title=mimsy validate::not checked: ${n.message}`);
  } else {
    for (const i of result.schemaIssues)
      lines.push(`${place(i.file, i)}  ${i.path || '/'}  ${paint('red', i.message)} — ${i.fix}`);
    for (const r of result.entries)
      for (const p of r.problems)
        lines.push(`${place(r.path, p)}  ${p.path || '/'}  ${paint('red', p.message)}`);
    for (const u of result.unaddressable)
      lines.push(`${u.path}  ${paint('yellow', u.message.replace(u.path + ' ', ''))}`);
    for (const r of result.warnings)
      for (const p of r.problems)
        lines.push(`${place(r.path, p)}  ${p.path}  ${paint('yellow', `warning: ${p.message}`)}`);
    for (const n of result.notChecked) lines.push(paint('yellow', `not checked: ${n.message}`));
  }
  const note = warnings
    ? ` ${warnings} warning(s): keys no field declares (set "strict" in the schema to decide).`
    : '';
  lines.push(
    result.ok
      ? paint('green', `✓ ${result.checked} entries, all valid.`) + note
      : `\n${problems} problem(s) in ${result.checked} entries.${note}`,
  );
  return lines.join('\n');
}

export const exitCode = (result: ValidateResult): number => (result.ok ? 0 : 1);
