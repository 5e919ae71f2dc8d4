import { defineConfig } from 'vitest/config';

// One vitest config, one project per package. Workspace packages resolve to their TypeScript
// sources through the "@mimsy/source" export condition, so tests never need a build first.
const source = {
  resolve: { conditions: ['@mimsy/source'] },
  ssr: { resolve: { conditions: ['@mimsy/source'] } },
};

export default defineConfig({
  test: {
    projects: [
      {
        ...source,
        test: {
          name: 'core',
          root: './core',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        ...source,
        test: {
          name: 'api',
          root: './api',
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        ...source,
        test: {
          name: 'cli',
          root: './cli',
          include: ['src/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        ...source,
        test: {
          name: 'web',
          root: './web',
          include: ['src/**/*.test.ts'],
          environment: 'happy-dom',
          // Component tests never touch the network: no frames, scripts or styles are fetched.
          environmentOptions: {
            happyDOM: {
              url: 'http://127.0.0.1/',
              settings: {
                disableIframePageLoading: true,
                disableJavaScriptFileLoading: true,
                disableCSSFileLoading: true,
                disableJavaScriptEvaluation: true,
              },
            },
          },
        },
      },
      {
        ...source,
        test: { name: 'delivery', root: '.', include: ['tests/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        ...source,
        // One test per finding of the security review, each written as the attack (docs/security.md).
        test: {
          name: 'security',
          root: './api',
          include: ['security/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        ...source,
        // Replicas, crashes, faults and load against real server processes (docs/scaling.md).
        test: {
          name: 'proof',
          root: './api',
          include: ['proof/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 180_000,
          // One file at a time, after every other project: each proof has the whole machine.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        ...source,
        test: {
          name: 'web-e2e',
          root: './web',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
