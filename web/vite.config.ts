import { defaultClientConditions, defineConfig, type PluginOption } from 'vite';
import { compression } from 'vite-plugin-compression2';

// The admin talks to the API only; in dev, Vite proxies /api and /media to a running server.
export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (only @mimsy/core's pure modules are used).
  resolve: { conditions: ['@mimsy/source', ...defaultClientConditions] },
  // Every text file of the build also as .br and .gz: the API serves them precompressed
  // (@fastify/static preCompressed), so nothing is compressed per request.
  plugins: [
    // The plugin's types may name another vite than ours (the one vitest brings, depending on how
    // pnpm lays node_modules out); it runs on ours alike. Cast, so both layouts type-check.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    compression({
      include: /\.(js|css|html|svg|json)$/,
      exclude: /config\.js$/, // written at start in the admin image
      algorithms: ['brotliCompress', 'gzip'],
      skipIfLargerOrEqual: true,
    }) as unknown as PluginOption,
  ],
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
