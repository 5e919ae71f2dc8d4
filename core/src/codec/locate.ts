// Where a value is in a file: `file:line:column` for validation reports, so that editors and CI
// annotations jump to the field. Uses the same parsers (and node ranges) as reading and editing.
import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';
import { isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import type { ContentFormat } from '../types.js';
import { decodeOrParseError } from './parse-error.js';
import { frontMatterRange } from './markdown.js';
import { tomlOffsetOf } from './toml.js';

export interface Location {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** The segments of a JSON pointer (`/tags/2` → ["tags", "2"]). */
function segments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Offset of the key (or item) at `path` in YAML, or of its deepest existing ancestor. */
function yamlOffsetOf(source: string, path: string[]): number | null {
  const doc = parseDocument(source, { uniqueKeys: false });
  let node: unknown = doc.contents;
  let best: number | null = null;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === segment,
      );
      if (!pair) break;
      const key = pair.key as YamlNode | null;
      if (key?.range) best = key.range[0];
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as YamlNode | undefined;
      if (!item) break;
      if (item.range) best = item.range[0];
      node = item;
    } else break;
  }
  return best;
}

/** Offset of the property (or item) at `path` in JSON, or of its deepest existing ancestor. */
function jsonOffsetOf(source: string, path: string[]): number | null {
  const root = parseTree(source);
  if (!root) return null;
  let best: number | null = null;
  for (let depth = 1; depth <= path.length; depth++) {
    const at = path.slice(0, depth);
    const parent: JsonNode | undefined = findNodeAtLocation(root, at.slice(0, -1));
    const node: JsonNode | undefined = findNodeAtLocation(
      root,
      at.map((s, i) => (findNodeAtLocation(root, at.slice(0, i))?.type === 'array' ? Number(s) : s)),
    );
    if (!node) break;
    best = parent?.type === 'object' && node.parent?.type === 'property' ? node.parent.offset : node.offset;
  }
  return best;
}

function position(text: string, offset: number): Location {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Where the value at a JSON pointer is written in a file of `format`: its key's line and column,
 * or (for a key the file does not have) where its parent is — the front matter's first line for
 * a missing top-level field. Null when the file cannot be read.
 */
export function locate(format: ContentFormat, bytes: Uint8Array, pointer: string): Location | null {
  let text: string;
  try {
    text = decodeOrParseError(bytes).text;
  } catch {
    return null;
  }
  const path = segments(pointer);
  let base = 0;
  let source = text;
  let language: 'yaml' | 'toml' | 'json' = format === 'markdown' ? 'yaml' : format;
  if (format === 'markdown') {
    const matter = frontMatterRange(text);
    if (!matter) return { line: 1, column: 1 };
    base = matter.start;
    source = text.slice(matter.start, matter.end);
    language = matter.format;
  }
  let offset: number | null;
  try {
    offset =
      language === 'yaml'
        ? yamlOffsetOf(source, path)
        : language === 'toml'
          ? tomlOffsetOf(source, path)
          : jsonOffsetOf(source, path);
  } catch {
    offset = null;
  }
  if (offset === null) {
    // Not in the file (a missing required field): the first line of its front matter.
    const fence = format === 'markdown' && base > 0 ? text.lastIndexOf('\n', base - 2) + 1 : base;
    return position(text, fence);
  }
  return position(text, base + offset);
}
