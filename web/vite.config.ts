import { defaultClientConditions, defineConfig } from 'vite';

// The admin talks to the API only; in dev, Vite proxies /api and /media to a running server.
export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (only @mimsy/core's pure modules are used).
  resolve: { conditions: ['@mimsy/source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    target: 'es2022',
    manifest: true,
    sourcemap: false,
    assetsDir: 'assets',
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:4000', '/media': 'http://127.0.0.1:4000' },
  },
});
