import { describe, expect, it } from 'vitest';
import { decodeEntry, locate, ParseError } from './index.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('locate: file:line:column of a value, for reports', () => {
  it.each([
    [
      'markdown',
      '---\ntitle: Hi\ndate: nope\ntags:\n  - a\n  - 7\n---\nBody\n',
      '/date',
      { line: 3, column: 1 },
    ],
    ['markdown', '---\ntitle: Hi\ntags:\n  - a\n  - 7\n---\n', '/tags/1', { line: 5, column: 5 }],
    ['markdown', '---\nseries:\n  name: X\n  part: two\n---\n', '/series/part', { line: 4, column: 3 }],
    // A required field the file lacks: the front matter's first line.
    ['markdown', 'x: 1\n---\ntitle: Hi\n', '/author', { line: 1, column: 1 }],
    ['markdown', '---\ntitle: Hi\n---\n', '/author', { line: 1, column: 1 }],
    [
      'markdown',
      '+++\ntitle = "Hi"\ndate = 2024-01-01\n[params]\nlevel = "x"\n+++\n',
      '/date',
      { line: 3, column: 1 },
    ],
    ['markdown', '+++\ntitle = "Hi"\n[params]\nlevel = "x"\n+++\n', '/params/level', { line: 4, column: 1 }],
    ['markdown', '{\n  "title": "Hi",\n  "n": "x"\n}\nBody\n', '/n', { line: 3, column: 3 }],
    [
      'json',
      '{\n  "name": "Ada",\n  "links": [\n    "a",\n    5\n  ]\n}\n',
      '/links/1',
      { line: 5, column: 5 },
    ],
    ['yaml', 'name: Ada\nrole: 3\n', '/role', { line: 2, column: 1 }],
    ['toml', 'name = "Ada"\nrole = 3\n', '/role', { line: 2, column: 1 }],
  ] as const)('%s %j %s', (format, text, pointer, expected) => {
    expect(locate(format, bytes(text), pointer)).toEqual(expected);
  });
});

describe('YAML errors name the line to fix', () => {
  it.each([
    ['---\ntitle: foo: bar\ndate: 2024-01-01\n---\n', 2],
    ['---\ntitle: "unclosed\ndate: 2024-01-01\n---\n', 2],
    ['---\ntitle: [a, b\ndate: 2024-01-01\n---\n', 2],
    ['---\ntitle: ok\n  bad: indent\ndate: x\n---\n', 3],
    ['---\ntitle: ok\ntitle: dup\n---\n', 3],
    ['---\ntitle: ok\n\tdate: x\n---\n', 3],
  ])('%j → line %i', (text, line) => {
    const error = (() => {
      try {
        decodeEntry({ format: 'markdown' }, bytes(text));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ParseError);
    expect((error as ParseError).line).toBe(line);
  });
});
