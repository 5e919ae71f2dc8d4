import { GitStore, loadProject, Repository, suggest } from '@mimsy/core';
import type { CommitInfo } from '@mimsy/core';
import { repositoryRoot } from '../context.js';
import { UserError } from '../errors.js';

export interface LogResult {
  entry: string | null;
  commits: CommitInfo[];
}

/** `mimsy log [schema/slug]`: content history, newest first. */
export async function run(options: { cwd: string; args?: string[]; limit?: string }): Promise<LogResult> {
  const root = await repositoryRoot(options.cwd);
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
    throw new UserError(`--limit must be a whole number from 1 to 10000, not "${options.limit}".`);
  const target = options.args?.[0];
  if (target) {
    const slash = target.indexOf('/');
    const schema = slash === -1 ? target : target.slice(0, slash);
    const slug = slash === -1 ? '' : target.slice(slash + 1);
    // The CLI commits locally; pushing is "mimsy sync"'s job, whatever git.push says for the server.
    const repo = await Repository.open(root, { history: false, git: { push: 'off' } });
    try {
      const s = repo.schema(schema);
      if (s.kind === 'collection' && !slug)
        throw new UserError(`Name the entry: mimsy log ${schema}/<slug>.`);
      if (s.kind === 'collection' && !repo.get(schema, slug)) {
        // A deleted entry still has history: look for commits that touched its file.
        const commits = await repo.history(schema, slug, { limit }).catch(() => []);
        if (!commits.length) {
          const guess = suggest(
            slug,
            repo.index.all(schema).map((e) => e.slug),
          );
          throw new UserError(
            `There is no entry ${schema}/${slug}, and it has no history.${guess ? ` Did you mean ${schema}/${guess}?` : ` List them with: mimsy log (or look in ${s.folder}/).`}`,
          );
        }
        return { entry: target, commits };
      }
      return { entry: target, commits: await repo.history(schema, slug, { limit }) };
    } finally {
      await repo.close();
    }
  }
  const project = await loadProject(root);
  const paths = [...project.schemas.values()].map((s) => s.folder ?? s.file!);
  const store = await GitStore.open(root, { recover: false }); // it only looks
  try {
    return { entry: null, commits: await store.log([...paths, project.config.media.dir], { limit }) };
  } finally {
    await store.close();
  }
}

export function render(result: LogResult): string {
  if (!result.commits.length)
    return result.entry ? `No history for ${result.entry}.` : 'No content commits yet.';
  return result.commits
    .map(
      (c) =>
        `${c.sha.slice(0, 7)}  ${c.date.slice(0, 16).replace('T', ' ')}  ${c.author.name.padEnd(16)}  ${c.message}`,
    )
    .join('\n');
}
