// One flat config for the whole workspace; type-aware rules through the project service.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '.mimsy/**',
      'test-output/**',
      'bench/.work/**',
      // Sites with their own dependencies (astro, @11ty/eleventy), installed and built by
      // cli/src/packaging.test.ts, not by the workspace.
      'examples/astro-site/**',
      'examples/eleventy-site/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs', '.ci/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // Fastify plugins and handlers are async by contract, awaiting or not.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['web/src/**/*.ts', 'web/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // Package boundaries (docs/architecture.md): the admin talks HTTP and shares only core's
  // browser-safe contracts; core knows no server and no UI; the API knows no CLI and no UI.
  {
    files: ['web/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@mimsy/(?!core/(types|validate|errors)$)',
              message:
                'The admin uses only @mimsy/core/{types,validate,errors}; everything else goes through the HTTP API.',
            },
            { group: ['node:*', 'fastify', '@fastify/*'], message: 'The admin runs in the browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['core/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'fastify',
                '@fastify/*',
                'lit',
                'lit/*',
                '@lit/*',
                '@mimsy/api',
                '@mimsy/api/*',
                '@mimsy/cli',
                '@mimsy/web',
              ],
              message: 'core is the shared engine: no server, no UI, no other Mimsy package.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['api/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['lit', 'lit/*', '@lit/*', '@mimsy/cli', '@mimsy/cli/*', '@mimsy/web', '@mimsy/web/*'],
              message: 'The API depends on core only (the CLI depends on it, not the reverse).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.test.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
