import { defineConfig } from 'vitest/config';

// One vitest config, one project per package. Workspace packages resolve to their TypeScript
// sources through the "@mimsy/source" export condition, so tests never need a build first.
export default defineConfig({
  test: {
    projects: [
      {
        resolve: { conditions: ['@mimsy/source'] },
        ssr: { resolve: { conditions: ['@mimsy/source'] } },
        test: {
          name: 'core',
          root: './core',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
