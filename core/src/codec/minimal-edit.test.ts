// Byte-minimal edits, held on a corpus of front matter written the way Hugo, Jekyll, Astro and
// Eleventy sites write it (./fixtures), in every line-ending variant, and on generated documents.
// Oracles: gray-matter for YAML, smol-toml for TOML, JSON.parse for JSON.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { diffArrays } from 'diff';
import fc from 'fast-check';
import matter from 'gray-matter';
import { parse as parseTomlOracle, stringify as stringifyToml } from 'smol-toml';
import { parseTOML } from 'toml-eslint-parser';
import { Document, isCollection, isMap, isScalar, isSeq, parseDocument, Scalar } from 'yaml';
import type { Node } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MimsyError } from '../errors.js';
import { decodeEntry, encodeEntry, parseMarkdown } from './index.js';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { ignoreBOM: true });
const md = { format: 'markdown' } as const;
const json = { format: 'json' } as const;
type Path = (string | number)[];

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixtureNames = readdirSync(FIXTURES).sort();

/** The fixture as written, in CRLF with a BOM, and with every third line ending in CRLF. */
function variants(text: string): [string, string][] {
  let n = 0;
  return [
    ['LF', text],
    ['CRLF+BOM', '\uFEFF' + text.replace(/\n/g, '\r\n')],
    ['mixed', text.replace(/\n/g, () => (n++ % 3 === 1 ? '\r\n' : '\n'))],
  ];
}

function getIn(value: unknown, p: Path): unknown {
  return p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], value);
}

function setIn<T>(value: T, p: Path, next: unknown): T {
  const copy = structuredClone(value);
  const parent = getIn(copy, p.slice(0, -1)) as Record<string | number, unknown>;
  parent[p[p.length - 1]!] = next;
  return copy;
}

/** Every scalar in the data, with its path. */
function leaves(value: unknown, p: Path = []): [Path, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...p, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...p, k]));
  return p.length ? [[p, value]] : [];
}

/** A different value of the same kind, as an editor would type it. */
function edited(value: unknown): unknown {
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}/.test(value)) return value.replace(/^\d{4}/, (y) => String(Number(y) + 1));
    return value.includes('\n') ? value.replace(/^[^\n]*/, (line) => `${line} edited`) : `${value} (edited)`;
  }
  if (typeof value === 'number') return Number.isInteger(value) ? value + 1 : value + 0.5;
  if (typeof value === 'boolean') return !value;
  return 'filled in';
}

/** Lines of the file split after each "\n", each keeping its own ending. */
function rawLines(text: string): string[] {
  return text.split(/(?<=\n)/);
}

function lineChanges(before: string, after: string): { removed: number; added: number } {
  let removed = 0;
  let added = 0;
  for (const part of diffArrays(rawLines(before), rawLines(after))) {
    if (part.removed) removed += part.count;
    if (part.added) added += part.count;
  }
  return { removed, added };
}

function span(value: unknown): number {
  return typeof value === 'string' && value.includes('\n') ? value.split('\n').length + 1 : 1;
}

/** Dates compare by instant: gray-matter and smol-toml return Date objects where Mimsy keeps the text. */
function comparable(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.getTime();
  if (
    typeof value === 'string' &&
    /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?( ?(Z|[+-]\d{2}:?\d{2}))?)?$/i.test(value)
  ) {
    const time = new Date(value.replace(' ', 'T').replace(/ ?([+-]\d{2}):?(\d{2})$/, '$1:$2')).getTime();
    return Number.isNaN(time) ? value : time;
  }
  if (Array.isArray(value)) return value.map(comparable);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
  return value;
}

/** What the site generator would read: gray-matter for YAML, smol-toml for TOML. */
function oracle(text: string): unknown {
  const clean = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  if (clean.startsWith('+++')) {
    const end = clean.indexOf('\n+++', 3);
    return parseTomlOracle(clean.slice(4, end + 1));
  }
  if (clean.startsWith('---toml')) return parseTomlOracle(clean.slice(8, clean.indexOf('\n---', 7) + 1));
  if (clean.startsWith('{')) return JSON.parse(clean.slice(0, clean.indexOf('\n}') + 2));
  return matter(clean, { language: 'yaml' }).data;
}

function encode(bytes: Uint8Array, data: unknown, body: string | undefined): string {
  return dec.decode(encodeEntry(md, { data: data as Record<string, unknown>, body: body ?? '' }, bytes));
}

describe('the front matter corpus', () => {
  for (const name of fixtureNames) {
    const source = readFileSync(path.join(FIXTURES, name), 'utf8');
    for (const [variant, text] of variants(source)) {
      describe(`${name} (${variant})`, () => {
        const bytes = enc.encode(text);
        const decoded = decodeEntry(md, bytes);
        // What a client sends back: JSON, so values that YAML aliases share are no longer shared.
        const data = JSON.parse(JSON.stringify(decoded.data)) as Record<string, unknown>;

        it('reads what the site generator reads', () => {
          expect(Object.keys(data).length).toBeGreaterThan(name.startsWith('empty') ? -1 : 0);
          expect(comparable(data)).toEqual(comparable(oracle(text)));
        });

        it('gives back identical bytes when nothing changed', () => {
          expect(Buffer.from(encodeEntry(md, { data, body: decoded.body! }, bytes)).equals(bytes)).toBe(true);
        });

        it('changes exactly the lines of each edited value, and nothing when it cannot', () => {
          for (const [leaf, value] of leaves(data)) {
            const next = edited(value);
            const expected = setIn(data, leaf, next);
            let after: string;
            try {
              after = encode(bytes, expected, decoded.body);
            } catch (error) {
              // Only a value shared through a YAML alias may be refused (changing it alone would
              // need the alias expanded); the refusal is a clear error and nothing is written.
              expect(error).toBeInstanceOf(MimsyError);
              expect((error as MimsyError).code).toBe('MIMSY_ERR_UNWRITABLE');
              expect(name).toBe('anchors.md');
              continue;
            }
            const back = parseMarkdown(enc.encode(after));
            expect(back.data, `${leaf.join('.')}`).toEqual(expected);
            expect(back.body).toBe(decoded.body);
            expect(comparable(oracle(after))).toEqual(comparable(expected));
            const { removed, added } = lineChanges(text, after);
            expect(removed, `${leaf.join('.')}: ${after}`).toBeLessThanOrEqual(span(value));
            expect(added, `${leaf.join('.')}: ${after}`).toBeLessThanOrEqual(span(next));
          }
        });

        it('adds a key as one new line, and leaves the rest alone', () => {
          const after = encode(bytes, { ...data, mimsyAdded: 'new value' }, decoded.body);
          expect(parseMarkdown(enc.encode(after)).data).toEqual({ ...data, mimsyAdded: 'new value' });
          const { removed, added } = lineChanges(text, after);
          // JSON adds a comma to the line before; an empty YAML block gains its first line.
          expect(removed).toBeLessThanOrEqual(name === 'hugo-json.md' ? 1 : 0);
          expect(added).toBe(removed + 1 + (decoded.frontMatter === null ? 2 : 0));
        });

        it('appends to every list by adding to it, not rewriting it', () => {
          const lists = leaves(data)
            .map(([p]) => p.slice(0, -1))
            .filter((p) => Array.isArray(getIn(data, p)))
            .filter((p, i, all) => all.findIndex((q) => q.join('.') === p.join('.')) === i);
          for (const list of lists) {
            const items = getIn(data, list) as unknown[];
            const expected = setIn(data, list, [...items, 'appended']);
            let after: string;
            try {
              after = encode(bytes, expected, decoded.body);
            } catch (error) {
              expect((error as MimsyError).code).toBe('MIMSY_ERR_UNWRITABLE');
              expect(name).toBe('anchors.md');
              continue;
            }
            expect(parseMarkdown(enc.encode(after)).data).toEqual(expected);
            const { removed } = lineChanges(text, after);
            expect(removed, list.join('.')).toBeLessThanOrEqual(1);
          }
        });

        it('removes a key with its own lines only', () => {
          for (const key of Object.keys(data)) {
            const { [key]: _gone, ...rest } = data;
            let after: string;
            try {
              after = encode(bytes, rest, decoded.body);
            } catch (error) {
              expect((error as MimsyError).code).toBe('MIMSY_ERR_UNWRITABLE');
              expect(name).toBe('anchors.md');
              continue;
            }
            expect(parseMarkdown(enc.encode(after)).data).toEqual(rest);
            // In JSON the line before loses its comma when the last key goes.
            expect(lineChanges(text, after).added, key).toBeLessThanOrEqual(name === 'hugo-json.md' ? 1 : 0);
          }
        });

        it('changes only the body when only the body changes', () => {
          const after = encode(bytes, data, `${decoded.body!}\nOne more line.\n`);
          // Only the last line can change (when it had no newline); everything before it stays.
          expect(lineChanges(text, after).removed).toBeLessThanOrEqual(1);
          expect(parseMarkdown(enc.encode(after)).data).toEqual(decoded.data);
        });
      });
    }
  }
});

describe('the cases seen on real sites', () => {
  /** Front matter as a client holds it, typed loosely so that each case reads as the edit it makes. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Data = Record<string, any>;
  const edit = (text: string, change: (data: Data) => void, body?: string): string => {
    const bytes = enc.encode(text);
    const decoded = decodeEntry(md, bytes);
    const data = JSON.parse(JSON.stringify(decoded.data)) as Data;
    change(data);
    return encode(bytes, data, body ?? decoded.body);
  };

  it('keeps each line’s own ending in a file that mixes them', () => {
    const text = '---\ntitle: A\n---\nline one\r\nline two\n';
    expect(edit(text, () => {})).toBe(text);
    expect(edit(text, (d) => (d.title = 'B'), 'line one\nline two\nline three\n')).toBe(
      '---\ntitle: B\n---\nline one\r\nline two\nline three\n',
    );
  });

  it('keeps the trailing comment of the edited line', () => {
    expect(
      edit(
        "---\nexpiryDate: '2028-02-18' # deprecated in v0.156.0\n---\n",
        (d) => (d.expiryDate = '2029-02-18'),
      ),
    ).toBe("---\nexpiryDate: '2029-02-18' # deprecated in v0.156.0\n---\n");
  });

  it('edits a nested field without touching its siblings', () => {
    const text =
      "---\nparams:\n  returnType: page.Sites\n  signatures: [PAGE.Sites]\n  label: 'Unit 1 - Setup'\n---\n";
    expect(edit(text, (d) => (d.params.returnType = 'page.Pages'))).toBe(
      text.replace('page.Sites\n', 'page.Pages\n'),
    );
  });

  it('keeps a flow list a flow list', () => {
    expect(edit('---\naliases: [/a/, /b/]\n---\n', (d) => void (d.aliases as string[]).push('/c/'))).toBe(
      '---\naliases: [/a/, /b/, /c/]\n---\n',
    );
  });

  it('keeps a folded scalar folded', () => {
    expect(
      edit('---\ndescription: >-\n  One paragraph.\n---\n', (d) => (d.description = 'Another paragraph.')),
    ).toBe('---\ndescription: >-\n  Another paragraph.\n---\n');
  });

  it('reads and writes TOML front matter in place', () => {
    const text =
      '+++\ntitle = "Hello" # the title\ndate = 2024-01-29T10:00:00Z\n\n[params]\nx = 1\n+++\nBody\n';
    expect(decodeEntry(md, enc.encode(text)).data).toEqual({
      title: 'Hello',
      date: '2024-01-29T10:00:00Z',
      params: { x: 1 },
    });
    expect(
      edit(text, (d) => ((d.title = 'Bonjour'), (d.date = '2025-02-01T09:00:00Z'), (d.draft = true))),
    ).toBe(
      '+++\ntitle = "Bonjour" # the title\ndate = 2025-02-01T09:00:00Z\ndraft = true\n\n[params]\nx = 1\n+++\nBody\n',
    );
  });

  it('reads and writes JSON front matter in place', () => {
    const text = '{\n  "title": "Hello",\n  "tags": ["a"]\n}\nBody\n';
    expect(edit(text, (d) => void (d.tags as string[]).push('b'))).toBe(
      '{\n  "title": "Hello",\n  "tags": ["a", "b"]\n}\nBody\n',
    );
  });

  it('a block scalar keeps its style and indentation', () => {
    expect(edit('---\nnotes: |\n    one\n    two\n---\n', (d) => (d.notes = 'one\nthree\n'))).toBe(
      '---\nnotes: |\n    one\n    three\n---\n',
    );
  });

  it('a change made at an anchor is kept as one change', () => {
    expect(edit('---\nbase: &b\n  x: 1\nother: *b\n---\n', (d) => ((d.base.x = 2), (d.other.x = 2)))).toBe(
      '---\nbase: &b\n  x: 2\nother: *b\n---\n',
    );
  });

  it('refuses, with a clear error, a change it cannot make in place, and writes nothing', () => {
    // `other` is an alias of `base`: changing base alone would need the alias expanded.
    expect(() => edit('---\nbase: &b\n  x: 1\nother: *b\n---\n', (d) => (d.base.x = 2))).toThrow(
      /cannot take this change without rewriting more than the changed values/,
    );
  });

  it('never writes over front matter in a language it cannot write', () => {
    expect(() => decodeEntry(md, enc.encode('---coffee\ntitle: "x"\n---\n'))).toThrow(/YAML, TOML and JSON/);
    expect(() =>
      encodeEntry(md, { data: { title: 'y' }, body: '' }, enc.encode('---coffee\ntitle: "x"\n---\n')),
    ).toThrow(expect.objectContaining({ code: 'MIMSY_ERR_UNWRITABLE' }));
  });

  it('an unclosed TOML block is an error that says what to add', () => {
    expect(() => decodeEntry(md, enc.encode('+++\ntitle = "x"\n'))).toThrow(
      /never closed; add a line "\+\+\+"/,
    );
  });

  it('writes new files in the front matter language the schema asks for', () => {
    const data = { title: 'New', date: '2026-01-05T10:00:00Z', tags: ['a'] };
    const toml = dec.decode(
      encodeEntry({ format: 'markdown', frontMatter: 'toml' }, { data, body: 'Body\n' }),
    );
    expect(toml).toBe('+++\ntitle = "New"\ndate = "2026-01-05T10:00:00Z"\ntags = ["a"]\n+++\nBody\n');
    expect(parseMarkdown(enc.encode(toml)).data).toEqual(data);
    const json = dec.decode(
      encodeEntry({ format: 'markdown', frontMatter: 'json' }, { data, body: 'Body\n' }),
    );
    expect(parseMarkdown(enc.encode(json))).toMatchObject({ data, body: 'Body\n', frontMatter: 'json' });
  });

  it('a body that starts like front matter is fenced, in every language', () => {
    for (const body of ['+++\nnot toml\n', '{"not": "json"}\n', '---\nnot yaml\n']) {
      const bytes = encodeEntry(md, { data: {}, body });
      expect(parseMarkdown(bytes).body).toBe(body);
    }
  });
});

// --- generated documents -------------------------------------------------------------------------

const key = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,8}$/);
const text = fc.oneof(
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,.'"!?/-]{0,20}$/).map((s) => s.trimEnd()),
  fc.constantFrom(
    'yes',
    'no',
    'null',
    '~',
    'true',
    '0x1F',
    '1e3',
    '- a',
    '# x',
    'a: b',
    "it's",
    '"q"',
    '',
    '@at',
    '*ref',
    '&anchor',
    '!tag',
    '{x}',
    '[y]',
    'a, b',
  ),
);
const scalar = fc.oneof(text, fc.integer({ min: -1e6, max: 1e6 }), fc.boolean());
const yamlValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.constant(null),
    fc.array(tie('value'), { minLength: 1, maxLength: 3 }),
    fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 3 }),
  ),
})).value;

/** Renders data as YAML in styles chosen per node: flow or block, quoted or plain, with comments. */
function styledYaml(data: Record<string, unknown>, choices: number[]): string {
  const doc = new Document(data);
  let i = 0;
  const choose = (): number => choices[i++ % choices.length]!;
  const visit = (node: unknown, inFlow: boolean): void => {
    if (isCollection(node)) {
      const flow = inFlow || choose() % 4 === 0;
      node.flow = flow;
      for (const item of node.items) {
        if (isMap(node) && !flow && choose() % 5 === 0)
          (item as { key: Node }).key.commentBefore = ' about this key';
        visit(isMap(node) ? (item as { value: unknown }).value : item, flow);
      }
    } else if (isScalar(node) && typeof node.value === 'string') {
      node.type = ([Scalar.PLAIN, Scalar.QUOTE_SINGLE, Scalar.QUOTE_DOUBLE] as const)[choose() % 3]!;
      if (!inFlow && choose() % 4 === 0) node.comment = ' trailing';
    }
  };
  visit(doc.contents, false);
  return doc.toString({ lineWidth: 0 });
}

/** Lines `[first, last]` (0-based) of the node at `p` in YAML `source`. */
function yamlLines(source: string, p: Path): [number, number] {
  let node: unknown = parseDocument(source).contents;
  for (const k of p)
    node = isMap(node) ? node.get(k, true) : isSeq(node) ? node.items[k as number] : undefined;
  const range = (node as { range: [number, number] }).range;
  const line = (offset: number): number => source.slice(0, offset).split('\n').length - 1;
  return [line(range[0]), line(Math.max(range[0], range[1] - 1))];
}

function outside(before: string, after: string, [first, last]: [number, number]): void {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.slice(0, first)).toEqual(a.slice(0, first));
  expect(b.slice(b.length - (a.length - last - 1))).toEqual(a.slice(last + 1));
}

describe('generated front matter: one edited value changes only its own lines', () => {
  it('YAML in any mix of styles (gray-matter reads the result)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, yamlValue, { minKeys: 1, maxKeys: 6 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        scalar,
        (data, choices, pick, next) => {
          const yaml = styledYaml(data, choices);
          const text = `---\n${yaml}---\nBody\n`;
          const bytes = enc.encode(text);
          const decoded = decodeEntry(md, bytes);
          expect(decoded.data).toEqual(data);
          expect(encode(bytes, decoded.data, decoded.body)).toBe(text);
          const all = leaves(data);
          fc.pre(all.length > 0);
          const [leaf] = all[pick % all.length]!;
          const expected = setIn(data, leaf, next);
          const after = encode(bytes, expected, decoded.body);
          expect(parseMarkdown(enc.encode(after)).data).toEqual(expected);
          expect(matter(after).data).toEqual(expected);
          const [first, last] = yamlLines(yaml, leaf);
          outside(text, after, [first + 1, last + 1]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('YAML in any style takes any change: keys added, removed, lists grown and shrunk', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, yamlValue, { minKeys: 1, maxKeys: 5 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        fc.array(fc.tuple(fc.nat(), fc.oneof(yamlValue, fc.constant(undefined))), {
          minLength: 1,
          maxLength: 4,
        }),
        (data, choices, changes) => {
          const text = `---\n${styledYaml(data, choices)}---\n`;
          const bytes = enc.encode(text);
          let expected: Record<string, unknown> = structuredClone(data);
          for (const [pick, value] of changes) {
            // Change, remove or add somewhere in the tree: a leaf, a list, a mapping.
            const spots: Path[] = [
              [],
              ...leaves(expected).flatMap(([p]) => p.map((_, i) => p.slice(0, i + 1))),
            ];
            const spot = spots[pick % spots.length]!;
            const container = spot.length ? getIn(expected, spot.slice(0, -1)) : undefined;
            if (spot.length === 0 || value === undefined) {
              if (spot.length && !Array.isArray(container)) {
                const copy = structuredClone(expected);
                delete (getIn(copy, spot.slice(0, -1)) as Record<string, unknown>)[spot[spot.length - 1]!];
                expected = copy;
              } else if (Array.isArray(container) && container.length > 1)
                expected = setIn(
                  expected,
                  spot.slice(0, -1),
                  container.filter((_, i) => i !== spot[spot.length - 1]),
                );
              else expected = { ...expected, [`added${pick}`]: value ?? 'x' };
            } else if (Array.isArray(container))
              expected = setIn(expected, spot.slice(0, -1), [...container, value]);
            else expected = setIn(expected, spot, value);
          }
          fc.pre(Object.keys(expected).length > 0);
          const after = encode(bytes, expected, '');
          expect(parseMarkdown(enc.encode(after)).data).toEqual(expected);
          expect(matter(after).data).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  const tomlValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.array(scalar, { minLength: 1, maxLength: 3 }),
      fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 3 }),
    ),
  })).value;

  it('TOML as a TOML library writes it (smol-toml reads the result)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, tomlValue, { minKeys: 1, maxKeys: 6 }),
        fc.nat(),
        scalar,
        (data, pick, next) => {
          const toml = stringifyToml(data) + '\n';
          const text = `+++\n${toml}+++\nBody\n`;
          const bytes = enc.encode(text);
          const decoded = decodeEntry(md, bytes);
          expect(decoded.data).toEqual(JSON.parse(JSON.stringify(parseTomlOracle(toml))));
          expect(encode(bytes, decoded.data, decoded.body)).toBe(text);
          const all = leaves(decoded.data);
          const [leaf] = all[pick % all.length]!;
          const expected = setIn(decoded.data, leaf, next);
          const after = encode(bytes, expected, decoded.body);
          expect(parseMarkdown(enc.encode(after)).data).toEqual(expected);
          expect(
            JSON.parse(JSON.stringify(parseTomlOracle(after.slice(4, after.indexOf('\n+++\n') + 1)))),
          ).toEqual(expected);
          const line = tomlLine(toml, leaf);
          outside(text, after, [line + 1, line + 1]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('TOML takes any change, or refuses it whole (never a wrong write)', () => {
    let refused = 0;
    fc.assert(
      fc.property(
        fc.dictionary(key, tomlValue, { minKeys: 1, maxKeys: 5 }),
        fc.dictionary(key, tomlValue, { minKeys: 1, maxKeys: 5 }),
        (data, changes) => {
          const text = `+++\n${stringifyToml(data)}\n+++\n`;
          const bytes = enc.encode(text);
          const decoded = decodeEntry(md, bytes);
          const expected = {
            ...decoded.data,
            ...JSON.parse(JSON.stringify(parseTomlOracle(stringifyToml(changes)))),
          };
          try {
            const after = encode(bytes, expected, '');
            expect(parseMarkdown(enc.encode(after)).data).toEqual(expected);
            expect(
              JSON.parse(JSON.stringify(parseTomlOracle(after.slice(4, after.indexOf('\n+++\n') + 1)))),
            ).toEqual(expected);
          } catch (error) {
            expect((error as MimsyError).code).toBe('MIMSY_ERR_UNWRITABLE');
            refused++;
          }
        },
      ),
      { numRuns: 300 },
    );
    // Replacing a whole [table] with a value is the one change TOML cannot splice; it is rare.
    expect(refused).toBeLessThan(30);
  });

  it('JSON files in any indentation (JSON.parse reads the result)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, yamlValue, { minKeys: 1, maxKeys: 6 }),
        fc.constantFrom(2, 4, '\t'),
        fc.nat(),
        scalar,
        (data, indent, pick, next) => {
          const text = JSON.stringify(data, null, indent) + '\n';
          const bytes = enc.encode(text);
          const all = leaves(data);
          fc.pre(all.length > 0);
          const [leaf] = all[pick % all.length]!;
          const expected = setIn(data, leaf, next);
          const after = dec.decode(encodeEntry(json, { data: expected }, bytes));
          expect(JSON.parse(after)).toEqual(expected);
          const changes = lineChanges(text, after);
          expect(changes.removed).toBeLessThanOrEqual(1);
          expect(changes.added).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a body whose lines mix endings keeps every line’s own ending when the front matter changes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.stringMatching(/^[^\r\n]{0,12}$/), fc.boolean()), { maxLength: 12 }),
        text,
        (lines, title) => {
          const body = lines.map(([line, crlf]) => line + (crlf ? '\r\n' : '\n')).join('');
          const file = `---\ntitle: x\n---\n${body}`;
          const bytes = enc.encode(file);
          const decoded = decodeEntry(md, bytes);
          const after = encode(bytes, { title }, decoded.body);
          expect(after.slice(after.indexOf('\n---\n') + 5)).toBe(body);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** 0-based line of the value at `p` in TOML text written by smol-toml. */
function tomlLine(source: string, p: Path): number {
  const ast = parseTOML(source);
  const found: number[] = [];
  const walk = (node: unknown, at: Path): void => {
    const n = node as { type: string; [k: string]: unknown };
    if (n.type === 'TOMLValue' && at.join('\0') === p.join('\0'))
      found.push((n.loc as { start: { line: number } }).start.line - 1);
    if (n.type === 'TOMLArray') (n.elements as unknown[]).forEach((e, i) => walk(e, [...at, i]));
    if (n.type === 'TOMLInlineTable') for (const kv of n.body as unknown[]) walk(kv, at);
    if (n.type === 'TOMLKeyValue') {
      const keys = (n.key as { keys: { name?: string; value?: string }[] }).keys.map(
        (k) => k.name ?? k.value!,
      );
      walk(n.value, [...at, ...keys]);
    }
  };
  for (const item of ast.body[0].body) {
    if (item.type === 'TOMLKeyValue') walk(item, []);
    else for (const kv of item.body) walk(kv, item.resolvedKey);
  }
  expect(found, `a node for ${p.join('.')}`).toHaveLength(1);
  return found[0]!;
}
