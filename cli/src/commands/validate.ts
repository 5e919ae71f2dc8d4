import { ContentIndex, findSymlinks, loadProject, ReadOnlyFsStore, symlinkError } from '@mimsy/core';
import type { EntryReport, SchemaIssue, UnaddressableFile } from '@mimsy/core';
import { repositoryRoot } from '../context.js';
import { paint, progress, progressDone } from '../output.js';

export interface ValidateResult {
  ok: boolean;
  checked: number;
  schemaIssues: SchemaIssue[];
  entries: EntryReport[];
  unaddressable: UnaddressableFile[];
}

/** `mimsy validate`: every schema and entry; exit 1 when anything is wrong. */
export async function run(options: { cwd: string; json?: boolean }): Promise<ValidateResult> {
  const root = await repositoryRoot(options.cwd);
  if (!options.json) progress('Reading schemas…');
  const project = await loadProject(root);
  if (!options.json) progress('Reading and checking entries…');
  const index = await ContentIndex.build(project, new ReadOnlyFsStore(root), { history: false });
  const report = index.validate();
  // Links in the media folder are never served either: report them with the content's.
  const mediaLinks = (await findSymlinks(root, project.config.media.dir)).map((p) => ({
    path: p,
    schema: 'media',
    message: symlinkError(p).message,
  }));
  report.unaddressable.push(...mediaLinks);
  progressDone();
  return {
    ok: project.issues.length === 0 && report.entries.length === 0 && report.unaddressable.length === 0,
    checked: report.checked,
    schemaIssues: project.issues,
    entries: report.entries,
    unaddressable: report.unaddressable,
  };
}

export function render(result: ValidateResult): string {
  const lines: string[] = [];
  for (const i of result.schemaIssues)
    lines.push(`${i.file} ${i.path || '/'}: ${paint('red', i.message)} — ${i.fix}`);
  for (const r of result.entries) {
    for (const p of r.problems)
      lines.push(`${r.path}${p.line ? `:${p.line}` : ''}  ${p.path || '/'}  ${paint('red', p.message)}`);
  }
  for (const u of result.unaddressable)
    lines.push(`${u.path}  ${paint('yellow', u.message.replace(u.path + ' ', ''))}`);
  const problems =
    result.schemaIssues.length +
    result.entries.reduce((n, r) => n + r.problems.length, 0) +
    result.unaddressable.length;
  lines.push(
    result.ok
      ? paint('green', `✓ ${result.checked} entries, all valid.`)
      : `\n${problems} problem(s) in ${result.checked} entries.`,
  );
  return lines.join('\n');
}

export const exitCode = (result: ValidateResult): number => (result.ok ? 0 : 1);
