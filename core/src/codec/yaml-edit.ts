import type { Node, Pair } from 'yaml';
import { Document, isMap, isScalar, parseDocument, Scalar } from 'yaml';
import { deepEqual } from './text.js';

const STRINGIFY = { lineWidth: 0, minContentWidth: 0, indent: 2, indentSeq: true } as const;

/** Renders a fresh YAML block mapping (used for new files). Keys in the order given. */
export function renderYaml(data: Record<string, unknown>): string {
  const entries = Object.entries(data).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '';
  return new Document(Object.fromEntries(entries)).toString(STRINGIFY);
}

/** Renders one top-level `key: value` pair, keeping the key's spelling and the value's quoting. */
function renderPair(keyNode: Node | null, key: string, value: unknown, previous: unknown): string {
  const doc = new Document({});
  const valueNode = doc.createNode(value);
  if (isScalar(previous) && isScalar(valueNode) && typeof value === 'string' && !value.includes('\n')) {
    // Keep the quoting style an author or another tool chose; yaml falls back when it cannot.
    if (
      previous.type === Scalar.QUOTE_DOUBLE ||
      previous.type === Scalar.QUOTE_SINGLE ||
      previous.type === Scalar.PLAIN
    ) {
      valueNode.type = previous.type;
    }
  }
  const k = isScalar(keyNode) ? new Scalar(keyNode.value) : new Scalar(key);
  if (isScalar(keyNode)) k.type = keyNode.type;
  const map = doc.createNode({}) as ReturnType<Document['createNode']>;
  if (isMap(map)) map.items.push(doc.createPair(k, valueNode));
  doc.contents = map;
  return doc.toString(STRINGIFY);
}

/**
 * Applies the changes between `oldData` and `newData` to YAML `source` by rewriting only the
 * lines of the top-level keys that changed: other keys, comments, ordering and styles stay
 * byte-identical. Returns null when `source` is not a plain block mapping (caller re-renders).
 */
export function editYaml(
  source: string,
  oldData: Record<string, unknown>,
  newData: Record<string, unknown>,
): string | null {
  if (source.trim() === '') return renderYaml(newData);
  const doc = parseDocument(source, { keepSourceTokens: false });
  if (doc.errors.length > 0 || !isMap(doc.contents) || doc.contents.flow) return null;
  const items = doc.contents.items as Pair<Node, Node>[];
  const lineStart = (offset: number): number => source.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = (offset: number): number => {
    if (offset > 0 && source[offset - 1] === '\n') return offset;
    const nl = source.indexOf('\n', offset);
    return nl === -1 ? source.length : nl + 1;
  };
  type Span = { key: string; start: number; end: number; pair: Pair<Node, Node> };
  const spans: Span[] = [];
  for (const pair of items) {
    if (!isScalar(pair.key) || !pair.key.range) return null;
    const key = String(pair.key.value);
    const start = lineStart(pair.key.range[0]);
    const endOffset = pair.value?.range ? pair.value.range[1] : pair.key.range[2];
    spans.push({ key, start, end: lineEnd(endOffset), pair });
  }
  // Keys must sit on their own lines, one after another, for line-level splicing to be safe.
  for (let i = 1; i < spans.length; i++) if (spans[i]!.start < spans[i - 1]!.end) return null;

  let out = '';
  let cursor = 0;
  const seen = new Set<string>();
  for (const span of spans) {
    seen.add(span.key);
    const before = oldData[span.key];
    const after = newData[span.key];
    if (deepEqual(before, after)) continue;
    out += source.slice(cursor, span.start);
    if (after !== undefined) out += renderPair(span.pair.key, span.key, after, span.pair.value);
    cursor = span.end;
  }
  out += source.slice(cursor);
  const added = Object.entries(newData).filter(([k, v]) => !seen.has(k) && v !== undefined);
  if (added.length > 0) {
    if (out.length > 0 && !out.endsWith('\n')) out += '\n';
    for (const [k, v] of added) out += renderPair(null, k, v, undefined);
  }
  return out;
}
