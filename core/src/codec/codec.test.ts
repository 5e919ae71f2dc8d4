import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_BLOG } from '../testing/fixtures.js';
import {
  decodeEntry,
  encodeEntry,
  ParseError,
  parseJson,
  parseMarkdown,
  serializeJson,
  serializeMarkdown,
} from './index.js';
import { renderYaml } from './yaml-edit.js';
import { splitFrontMatter } from './markdown.js';
import matter from 'gray-matter';
import yaml from 'js-yaml';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { ignoreBOM: true });
const md = { format: 'markdown' } as const;
const json = { format: 'json' } as const;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** JSON-compatible values as they come back from YAML 1.2 core / JSON: no -0, no undefined. */
const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__');
const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    'yes',
    'no',
    'null',
    '~',
    'true',
    '2026-11-01',
    '0x1F',
    '1e3',
    '.inf',
    '- a',
    '# x',
    'a: b',
    "it's",
    '"q"',
    '',
    ' lead',
    'trail ',
    'multi\nline\n',
    '@at',
    '`tick`',
    '|',
    '>',
    '*ref',
    '&anchor',
    '!tag',
    '%',
  ),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const data = fc.dictionary(key, value, { maxKeys: 8 });
const body = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', '\n', '# Title\n\nText.\n', '---\nnot front matter\n---\n', 'no newline at end'),
);

describe('every file in examples/blog round-trips byte for byte', () => {
  const files = filesUnder(path.join(EXAMPLE_BLOG, 'content'));
  it.each(files.map((f) => [path.relative(EXAMPLE_BLOG, f)]))('%s', (relative) => {
    const bytes = readFileSync(path.join(EXAMPLE_BLOG, relative));
    const schema = relative.endsWith('.md') ? md : json;
    const decoded = decodeEntry(schema, bytes);
    const again = encodeEntry(
      schema,
      { data: structuredClone(decoded.data), body: decoded.body ?? '' },
      bytes,
    );
    expect(Buffer.from(again).equals(bytes)).toBe(true);
  });
});

describe('markdown codec properties', () => {
  it('decode(encode(x)) === x for any front matter and body', () => {
    fc.assert(
      fc.property(data, body, (d, b) => {
        const bytes = serializeMarkdown(d, b);
        const back = parseMarkdown(bytes);
        expect(back.data).toEqual(d);
        expect(back.body).toBe(b);
      }),
      { numRuns: 300 },
    );
  });

  it('writing unchanged values gives identical bytes', () => {
    fc.assert(
      fc.property(data, body, (d, b) => {
        const bytes = serializeMarkdown(d, b);
        const doc = parseMarkdown(bytes);
        expect(dec.decode(serializeMarkdown(structuredClone(doc.data), doc.body, doc))).toBe(
          dec.decode(bytes),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('changing one field rewrites only that field’s lines', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { minKeys: 2, maxKeys: 8 }),
        value,
        fc.nat(),
        body,
        (d, next, pick, b) => {
          const keys = Object.keys(d);
          const index = pick % keys.length;
          const changed = keys[index]!;
          // Each top-level key renders as its own block of lines; the file is their concatenation.
          const chunks = keys.map((k) => renderYaml({ [k]: d[k] }));
          const before = dec.decode(serializeMarkdown(d, b));
          expect(before).toBe(`---\n${chunks.join('')}---\n${b}`);
          const doc = parseMarkdown(enc.encode(before));
          const after = dec.decode(serializeMarkdown({ ...doc.data, [changed]: next }, doc.body, doc));
          expect(parseMarkdown(enc.encode(after)).data).toEqual({ ...d, [changed]: next });
          // Every other key's lines (and the body) are byte-identical; only the changed block differs.
          const prefix = `---\n${chunks.slice(0, index).join('')}`;
          const suffix = `${chunks.slice(index + 1).join('')}---\n${b}`;
          expect(after.startsWith(prefix)).toBe(true);
          expect(after.endsWith(suffix)).toBe(true);
          const middle = after.slice(prefix.length, after.length - suffix.length);
          expect(parseMarkdown(enc.encode(`---\n${middle}---\n`)).data).toEqual({ [changed]: next });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('json codec properties', () => {
  it('decode(encode(x)) === x and unchanged writes are byte-identical', () => {
    fc.assert(
      fc.property(data, (d) => {
        const bytes = serializeJson(d);
        const doc = parseJson(bytes);
        expect(doc.data).toEqual(d);
        expect(dec.decode(serializeJson(structuredClone(doc.data), doc))).toBe(dec.decode(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('changing one key keeps every other key’s text, in any indentation style', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { minKeys: 2, maxKeys: 6 }),
        value,
        fc.nat(),
        fc.constantFrom(2, 4, '\t'),
        (d, next, pick, indent) => {
          const keys = Object.keys(d);
          const changed = keys[pick % keys.length]!;
          const before = JSON.stringify(d, null, indent) + '\n';
          const doc = parseJson(enc.encode(before));
          const after = dec.decode(serializeJson({ ...doc.data, [changed]: next }, doc));
          expect(JSON.parse(after)).toEqual({ ...d, [changed]: next });
          for (const other of keys.filter((k) => k !== changed)) {
            const text = JSON.stringify({ [other]: d[other] }, null, indent)
              .split('\n')
              .slice(1, -1)
              .join('\n')
              .replace(/,$/, '');
            expect(after).toContain(text);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('keys named like Object.prototype members', () => {
  it.each(['valueOf', 'constructor', 'toString', 'hasOwnProperty'])(
    'an object whose only key is %s, replaced by another (found by the property test, seed 1238542996)',
    (name) => {
      const d = { a: '', b: { [name]: 'yes' } };
      const doc = parseJson(enc.encode(JSON.stringify(d, null, 2) + '\n'));
      const after = dec.decode(serializeJson({ ...doc.data, b: { x: 0 } }, doc));
      expect(JSON.parse(after)).toEqual({ a: '', b: { x: 0 } });
      const back = dec.decode(serializeJson({ a: '', b: { [name]: 'no' } }, parseJson(enc.encode(after))));
      expect(JSON.parse(back)).toEqual({ a: '', b: { [name]: 'no' } });
    },
  );
});

describe('json: adding a key keeps the values around it as they were written', () => {
  it.each([
    ['an inline list last', '{\n  "name": "Grace",\n  "languages": ["en"]\n}\n'],
    ['an inline object last', '{\n    "name": "Grace",\n    "social": { "x": "@g" }\n}\n'],
    ['tabs', '{\n\t"name": "Grace",\n\t"tags": ["a", "b"]\n}\n'],
    ['CRLF', '{\r\n  "name": "Grace",\r\n  "tags": [1, 2]\r\n}\r\n'],
  ])('%s', (_name, text) => {
    const doc = parseJson(enc.encode(text));
    const added = { avatar: '/media/a.png', links: [{ label: 'Home', href: '/' }] };
    const after = dec.decode(serializeJson({ ...doc.data, ...added }, doc));
    expect(JSON.parse(after)).toEqual({ ...doc.data, ...added });
    // Every line of the file is still there, as it was (the last value only gains a comma).
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const lines = text.split(eol).filter((l) => l && l !== '}');
    for (const line of lines.slice(0, -1)) expect(after.split(eol)).toContain(line);
    expect(after.split(eol)).toContain(`${lines.at(-1)!},`);
    const indent = /\n([ \t]+)/.exec(text)![1]!;
    expect(after).toContain(`${eol}${indent}"avatar": "/media/a.png",${eol}`);
    expect(after.endsWith(`}${eol}`)).toBe(true);
  });
});

describe('minimal rewrites keep what other tools wrote', () => {
  const source = [
    '---',
    "title: 'Quoted title'",
    '# a comment the author wrote',
    'tags: [a, b]',
    'weird_key_from_hugo: { nested: true }',
    'date: 2026-01-01',
    '---',
    'Body text.',
    '',
  ].join('\n');

  it('keeps quoting style, comments, flow style and unknown keys when one field changes', () => {
    const doc = parseMarkdown(enc.encode(source));
    const out = dec.decode(serializeMarkdown({ ...doc.data, title: 'New title' }, doc.body, doc));
    expect(out).toBe(source.replace("title: 'Quoted title'", "title: 'New title'"));
  });

  it('removes a key by deleting only its lines, and appends new keys at the end of the front matter', () => {
    const doc = parseMarkdown(enc.encode(source));
    const { tags: _t, ...rest } = doc.data;
    const out = dec.decode(serializeMarkdown({ ...rest, draft: true }, doc.body, doc));
    expect(out).toBe(
      source.replace('tags: [a, b]\n', '').replace('date: 2026-01-01\n', 'date: 2026-01-01\ndraft: true\n'),
    );
  });

  it('changing the body leaves the front matter alone', () => {
    const doc = parseMarkdown(enc.encode(source));
    const out = dec.decode(serializeMarkdown(doc.data, 'New body.\n', doc));
    expect(out).toBe(source.replace('Body text.\n', 'New body.\n'));
  });

  it('keeps CRLF line endings and a BOM', () => {
    const crlf = '\uFEFF' + source.replace(/\n/g, '\r\n');
    const doc = parseMarkdown(enc.encode(crlf));
    expect(doc.data.title).toBe('Quoted title');
    expect(doc.body).toBe('Body text.\n');
    expect(dec.decode(serializeMarkdown(doc.data, doc.body, doc))).toBe(crlf);
    const out = dec.decode(serializeMarkdown({ ...doc.data, title: 'T2' }, doc.body, doc));
    expect(out).toBe(crlf.replace("'Quoted title'", "'T2'"));
  });

  it('keeps tab indentation and key order in JSON', () => {
    const text = '{\n\t"b": 1,\n\t"a": [1, 2],\n\t"unknown": {"x": 1}\n}\n';
    const doc = parseJson(enc.encode(text));
    expect(dec.decode(serializeJson({ ...doc.data, b: 2 }, doc))).toBe(text.replace('"b": 1', '"b": 2'));
  });

  it('adds front matter to a file that had none', () => {
    const doc = parseMarkdown(enc.encode('Just text.\n'));
    expect(dec.decode(serializeMarkdown({ title: 'T' }, doc.body, doc))).toBe(
      '---\ntitle: T\n---\nJust text.\n',
    );
  });

  it('fills an empty front matter block', () => {
    const doc = parseMarkdown(enc.encode('---\n---\nText\n'));
    expect(dec.decode(serializeMarkdown({ title: 'T' }, doc.body, doc))).toBe('---\ntitle: T\n---\nText\n');
  });
});

describe('malformed files are parse errors, never crashes', () => {
  const cases: [string, Uint8Array, 'markdown' | 'json'][] = [
    ['broken YAML', enc.encode('---\ntitle: [unclosed\n---\nbody'), 'markdown'],
    ['YAML that is a list', enc.encode('---\n- a\n- b\n---\nbody'), 'markdown'],
    ['YAML that is a string', enc.encode('---\njust a string\n---\n'), 'markdown'],
    ['duplicate keys', enc.encode('---\na: 1\na: 2\n---\n'), 'markdown'],
    ['tab indentation in YAML', enc.encode('---\na:\n\t- b\n---\n'), 'markdown'],
    ['binary junk', Uint8Array.from([0xff, 0xfe, 0x00, 0x81, 0x00, 0x13, 0x37]), 'markdown'],
    ['NUL bytes', enc.encode('---\na: b\n---\n\0\0'), 'markdown'],
    ['invalid UTF-8', Uint8Array.from([0x2d, 0x2d, 0x2d, 0x0a, 0xc3, 0x28, 0x0a]), 'markdown'],
    ['invalid JSON', enc.encode('{"a": 1,}'), 'json'],
    ['truncated JSON', enc.encode('{"a": '), 'json'],
    ['JSON array', enc.encode('[1,2]'), 'json'],
    ['JSON null', enc.encode('null'), 'json'],
    ['empty JSON file', enc.encode(''), 'json'],
    ['binary JSON', Uint8Array.from([0, 1, 2, 3]), 'json'],
  ];
  it.each(cases)('%s', (_name, bytes, format) => {
    expect(() => decodeEntry({ format }, bytes)).toThrow(ParseError);
  });

  it('reports the line of a YAML error', () => {
    try {
      parseMarkdown(enc.encode('---\ntitle: ok\ntags: [a\nother: 1\n---\n'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      // js-yaml notices the unclosed "[" on the next line; the report names the line that opened it.
      expect((error as ParseError).line).toBe(3);
    }
  });

  it('fuzz: arbitrary bytes either parse or throw ParseError', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('markdown' as const, 'json' as const),
        (bytes, format) => {
          try {
            decodeEntry({ format }, bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(ParseError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a file that cannot be read is never written over', () => {
    const broken = enc.encode('---\ntitle: [\n---\n');
    expect(() =>
      encodeEntry(md, { data: { title: 'Fixed' }, body: 'x' }, broken, 'content/posts/a.md'),
    ).toThrow(
      expect.objectContaining({
        code: 'MIMSY_ERR_UNWRITABLE',
        message: expect.stringMatching(/content\/posts\/a.md cannot be read \(line \d+: .*not valid YAML/),
      }),
    );
  });
});

describe('front matter split', () => {
  it('matches gray-matter exactly for YAML front matter (gray-matter is the oracle)', () => {
    const piece = fc.constantFrom(
      '---',
      '----',
      '--- ',
      '---yaml',
      '---\r',
      '\n',
      '\r\n',
      'title: x',
      '# c',
      'a: [1]',
      '...',
      ' ',
      'text',
      '\n---\n',
      '\n---',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
        (text) => {
          const ours = splitFrontMatter(text);
          let theirs: { data: unknown; content: string } | null = null;
          try {
            theirs = matter(text, {
              engines: { yaml: (s: string) => yaml.load(s, { schema: yaml.CORE_SCHEMA }) as object },
            });
          } catch {
            theirs = null;
          }
          if (!theirs) return;
          expect(ours.content).toBe(theirs.content);
          if (ours.matter === null) expect(theirs.data).toEqual({});
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never evaluates front matter marked as JavaScript (gray-matter would)', () => {
    const text = '---js\n{ title: (globalThis.MIMSY_PWNED = true, "x") }\n---\nbody';
    expect(() => parseMarkdown(enc.encode(text))).toThrow(/Mimsy reads YAML, TOML and JSON front matter/);
    expect((globalThis as { MIMSY_PWNED?: boolean }).MIMSY_PWNED).toBeUndefined();
  });

  it('accepts front matter marked as yaml and keeps it on rewrite', () => {
    const text = '---yaml\ntitle: T\n---\nB';
    const doc = parseMarkdown(enc.encode(text));
    expect(doc.data).toEqual({ title: 'T' });
    expect(dec.decode(serializeMarkdown({ title: 'U' }, doc.body, doc))).toBe('---yaml\ntitle: U\n---\nB');
  });
});
