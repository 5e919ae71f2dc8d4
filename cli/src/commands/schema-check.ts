import type { SchemaIssue } from '@mimsy/core';
import { loadProject } from '@mimsy/core';
import { repositoryRoot } from '../context.js';
import { paint } from '../output.js';

export interface SchemaCheckResult {
  ok: boolean;
  schemas: number;
  issues: SchemaIssue[];
}

export async function run(options: { cwd: string }): Promise<SchemaCheckResult> {
  const project = await loadProject(await repositoryRoot(options.cwd));
  return { ok: project.issues.length === 0, schemas: project.schemas.size, issues: project.issues };
}

export function render(result: SchemaCheckResult): string {
  if (result.ok) return paint('green', `✓ ${result.schemas} schema file(s), no mistakes.`);
  return [
    ...result.issues.map(
      (i) => `${paint('bold', i.file)} ${i.path || '/'}\n  ${paint('red', i.message)}\n  fix: ${i.fix}`,
    ),
    '',
    `${result.issues.length} mistake(s).`,
  ].join('\n');
}

export const exitCode = (result: SchemaCheckResult): number => (result.ok ? 0 : 1);
