import fp from 'fastify-plugin';
import { Repository } from '@mimsy/core';

declare module 'fastify' {
  interface FastifyInstance {
    repo: Repository;
  }
}

export interface RepositoryOptions {
  dir: string;
  watch: boolean;
  git: Partial<{ remote: string; branch: string; push: 'auto' | 'off' }>;
  pullIntervalSeconds: number;
}

/** Opens the content repository (index built before the server is ready) and closes it with the server. */
export const repositoryPlugin = fp<RepositoryOptions>(
  async (app, options) => {
    const repo = await Repository.open(options.dir, {
      watch: options.watch,
      git: options.git,
      onRecover: (message) => app.log.warn({ recovery: message }, 'repository recovered at open'),
      onPushError: (error) =>
        app.log.warn(
          { err: error },
          'push to the Git remote failed; the commit is kept locally and will be pushed later',
        ),
    });
    for (const issue of repo.project.issues)
      app.log.warn({ file: issue.file, path: issue.path, fix: issue.fix }, issue.message);
    app.decorate('repo', repo);
    let timer: NodeJS.Timeout | null = null;
    if (options.pullIntervalSeconds > 0) {
      timer = setInterval(() => {
        repo
          .sync()
          .catch((error: unknown) =>
            app.log.warn({ err: error }, 'scheduled pull from the Git remote failed'),
          );
      }, options.pullIntervalSeconds * 1000);
      timer.unref();
    }
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
      await repo.close();
    });
  },
  { name: 'mimsy-repository' },
);
