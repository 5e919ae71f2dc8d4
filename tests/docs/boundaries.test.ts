// The package boundaries are enforced by lint, not by good intentions: each forbidden import is
// refused with the rule's message, and each allowed one passes.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function restricted(file: string, source: string): Promise<boolean> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('package boundaries', () => {
  it.each([
    ['web/src/main.ts', "import { Repository } from '@mimsy/core';", true],
    ['web/src/main.ts', "import { startServer } from '@mimsy/api';", true],
    ['web/src/main.ts', "import { readFile } from 'node:fs/promises';", true],
    ['web/src/main.ts', "import type { Schema } from '@mimsy/core/types';", false],
    ['web/src/main.ts', "import { ErrorCodes } from '@mimsy/core/errors';", false],
    ['core/src/index.ts', "import Fastify from 'fastify';", true],
    ['core/src/index.ts', "import { LitElement } from 'lit';", true],
    ['core/src/index.ts', "import { main } from '@mimsy/cli';", true],
    ['api/src/index.ts', "import { main } from '@mimsy/cli';", true],
    ['api/src/index.ts', "import { Repository } from '@mimsy/core';", false],
  ])('%s: %s → restricted %s', { timeout: 60_000 }, async (file, source, expected) => {
    expect(await restricted(file, `${source}\nexport {};\n`)).toBe(expected);
  });
});
