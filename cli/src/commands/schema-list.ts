import { ContentIndex, loadProject, ReadOnlyFsStore } from '@mimsy/core';
import { repositoryRoot } from '../context.js';
import { table } from '../output.js';

export interface SchemaListResult {
  schemas: { name: string; label: string; kind: string; format: string; location: string; entries: number }[];
  problems: number;
}

export async function run(options: { cwd: string }): Promise<SchemaListResult> {
  const root = await repositoryRoot(options.cwd);
  const project = await loadProject(root);
  const index = await ContentIndex.build(project, new ReadOnlyFsStore(root), { history: false });
  return {
    schemas: [...project.schemas.values()].map((s) => ({
      name: s.name,
      label: s.label,
      kind: s.kind,
      format: s.format,
      location: s.folder ?? s.file!,
      entries: index.count(s.name),
    })),
    problems: project.issues.length,
  };
}

export function render(result: SchemaListResult): string {
  if (!result.schemas.length) return 'No content types yet. Create one: mimsy schema new posts';
  const rows = [
    ['name', 'kind', 'format', 'entries', 'location'],
    ...result.schemas.map((s) => [s.name, s.kind, s.format, String(s.entries), s.location]),
  ];
  return (
    table(rows) +
    (result.problems
      ? `\n\n${result.problems} problem(s) in the schema files: run "mimsy schema check".`
      : '')
  );
}
