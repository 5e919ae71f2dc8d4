// The documentation is part of the product: these checks keep it true as the code changes.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../core/src/errors.js';
import { createProgram } from '../../cli/src/main.js';

type Command = ReturnType<typeof createProgram>;

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (p: string): string => readFileSync(path.join(ROOT, p), 'utf8');

/** Markdown files in the repository (tracked or new), not fixtures or installed packages. */
function markdownFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(
      (f) => f && !f.includes('/fixtures/') && !f.includes('node_modules/') && existsSync(path.join(ROOT, f)),
    );
}

describe('the documentation', () => {
  it('has no broken relative link', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      // Code (blocks and spans) holds examples, not links.
      const text = read(file)
        .replace(/```[\s\S]*?```/g, '')
        .replace(/`[^`\n]*`/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        if (/^[a-z]+:/i.test(target!) || target!.startsWith('#')) continue;
        const plain = decodeURIComponent(target!.split('#')[0]!);
        if (!existsSync(path.resolve(ROOT, path.dirname(file), plain))) broken.push(`${file} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('names every error code the catalogue has in docs/api.md', () => {
    const api = read('docs/api.md');
    const missing = Object.values(ErrorCodes).filter((code) => !api.includes(code));
    expect(missing).toEqual([]);
  });

  it('describes every mimsy command and flag in docs/cli.md', () => {
    const cli = read('docs/cli.md');
    const program = createProgram(() => async () => undefined);
    const missing: string[] = [];
    const walk = (command: Command, prefix: string): void => {
      for (const sub of command.commands) {
        const name = `${prefix} ${sub.name()}`.trim();
        if (sub.commands.length === 0 && !cli.includes(`mimsy ${name}`)) missing.push(`mimsy ${name}`);
        for (const option of sub.options)
          if (option.long && !cli.includes(option.long)) missing.push(`mimsy ${name} ${option.long}`);
        walk(sub, name);
      }
    };
    for (const option of program.options)
      if (option.long && option.long !== '--version' && !cli.includes(option.long)) missing.push(option.long);
    walk(program, '');
    expect(missing).toEqual([]);
  });
});
