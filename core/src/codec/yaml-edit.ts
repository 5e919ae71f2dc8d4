// Size: one job, kept whole — the minimal-edit writer for YAML (where each kind of node is
// spliced, with the style checks that keep the rest of the text byte for byte); its parts only
// make sense together, and the property tests in codec.test.ts cover it as one.
import type { Node, Pair, ToStringOptions } from 'yaml';
import {
  Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  visit,
} from 'yaml';
import type { DataPath, EditOp, TextEdit } from './edit-ops.js';
import { applyTextEdits, diffOps, topLevelOps, UnsupportedEdit } from './edit-ops.js';
import { deepEqual } from './text.js';

const STRINGIFY = { lineWidth: 0, minContentWidth: 0, indent: 2, indentSeq: true } as const;

/** Renders a fresh YAML block mapping (used for new files). Keys in the order given. */
export function renderYaml(data: Record<string, unknown>): string {
  const entries = Object.entries(data).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '';
  return stringify(new Document(Object.fromEntries(entries), { aliasDuplicateObjects: false }), STRINGIFY);
}

/** Document.toString, with keys named `<<` quoted: plain, they would be read as merge keys. */
function stringify(doc: Document, options: ToStringOptions): string {
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '<<') pair.key.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString(options);
}

/**
 * Applies the changes between `oldData` and `newData` to the YAML `source` by splicing only the
 * nodes that changed: a changed scalar keeps its quoting or block style and its trailing comment,
 * a flow list stays a flow list, a new key lands at the end of its mapping in the file's
 * indentation. Every result is parsed back with `parse` (the reader's own parser) and must give
 * `newData`; when the leaf-level splice cannot, the changed top-level keys are re-rendered whole;
 * when that cannot either, UnsupportedEdit is thrown and nothing is written.
 */
export function editYaml(
  source: string,
  oldData: Record<string, unknown>,
  newData: Record<string, unknown>,
  parse: (yaml: string) => unknown,
): string {
  if (deepEqual(oldData, newData)) return source;
  const doc = parseDocument(source, { uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new UnsupportedEdit(`the YAML cannot be edited: ${doc.errors[0]!.message}`);
  if (doc.contents !== null && !isMap(doc.contents))
    throw new UnsupportedEdit('the front matter is not a mapping of keys to values');
  const editor = new YamlEditor(source, doc);
  let reason = '';
  const attempts: (() => TextEdit[])[] = [
    () => diffOps(oldData, newData).flatMap((op) => editor.edits(op)),
    () => topLevelOps(oldData, newData).flatMap((op) => editor.edits(op)),
    // Front matter written as one flow mapping (`{title: x}`) is its own top-level key.
    () => editor.replaceFlowRoot(newData),
  ];
  for (const attempt of attempts) {
    try {
      const out = applyTextEdits(source, attempt());
      if (readsBackAs(out, newData, parse)) return out;
      reason = 'the edited text does not read back as the new values (anchors or aliases?)';
    } catch (error) {
      if (!(error instanceof UnsupportedEdit)) throw error;
      reason = error.message;
    }
  }
  throw new UnsupportedEdit(reason);
}

function readsBackAs(text: string, expected: unknown, parse: (yaml: string) => unknown): boolean {
  try {
    return deepEqual(parse(text) ?? {}, expected);
  } catch {
    return false;
  }
}

class ThroughAlias extends UnsupportedEdit {}

interface Located {
  node: Node;
  /** The collection holding `node` (undefined for the root). */
  parent?: Node;
  pair?: Pair<Node, Node | null>;
  inFlow: boolean;
}

class YamlEditor {
  /** Indentation of one nesting level, and whether block lists are indented under their key. */
  private readonly step: number;
  private readonly indentSeq: boolean;

  constructor(
    private readonly source: string,
    private readonly doc: Document,
  ) {
    [this.step, this.indentSeq] = this.detectStyle();
  }

  edits(op: EditOp): TextEdit[] {
    try {
      switch (op.type) {
        case 'set':
          return [this.set(op.path, op.value)];
        case 'remove':
          return [this.remove(op.path)];
        case 'add':
          return [this.add(op.path, op.key, op.value)];
        case 'insert':
          return [this.insert(op.path, op.index, op.values)];
      }
    } catch (error) {
      // A change seen through an alias is made at its anchor (by another op); the read-back check
      // tells whether that was the whole story.
      if (error instanceof ThroughAlias) return [];
      throw error;
    }
  }

  private locate(path: DataPath): Located {
    let node: Node | null = this.doc.contents;
    if (!node) throw new UnsupportedEdit('the front matter is empty');
    let located: Located = { node, inFlow: false };
    for (const segment of path) {
      if (isAlias(node)) throw new ThroughAlias('the path goes through an alias');
      const inFlow = located.inFlow || (isCollection(node) && node.flow === true);
      if (isMap(node)) {
        const pair = (node.items as Pair<Node, Node | null>[]).find(
          (p) => isScalar(p.key) && String(p.key.value) === String(segment),
        );
        if (!pair?.value) throw new UnsupportedEdit(`no node for ${path.join('.')}`);
        located = { node: pair.value, parent: node, pair, inFlow };
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (!item || isPair(item)) throw new UnsupportedEdit(`no node for ${path.join('.')}`);
        located = { node: item, parent: node, inFlow };
      } else {
        throw new UnsupportedEdit(`${path.join('.')} goes through an alias or a scalar`);
      }
      node = located.node;
    }
    return located;
  }

  replaceFlowRoot(data: Record<string, unknown>): TextEdit[] {
    const root = this.doc.contents;
    if (!isMap(root) || !root.flow) throw new UnsupportedEdit('the change touches more than single values');
    const [start, end] = this.range(root);
    return [{ start, end, text: this.renderFlow(data) }];
  }

  // --- text geometry ---------------------------------------------------------------------------

  private lineStart(offset: number): number {
    return this.source.lastIndexOf('\n', offset - 1) + 1;
  }

  private lineEnd(offset: number): number {
    if (offset > 0 && this.source[offset - 1] === '\n') return offset;
    const nl = this.source.indexOf('\n', offset);
    return nl === -1 ? this.source.length : nl + 1;
  }

  private column(offset: number): number {
    return offset - this.lineStart(offset);
  }

  private range(node: Node): [number, number, number] {
    if (!node.range) throw new UnsupportedEdit('a node without a source range');
    return node.range;
  }

  /** End of the last line a node occupies, its trailing comment and newline included. */
  private blockEnd(node: Node): number {
    return this.lineEnd(this.range(node)[1]);
  }

  /** Where the line holding a block map's key or a block list's dash begins, when only spaces precede it. */
  private ownLine(offset: number, marker: RegExp): number | null {
    const start = this.lineStart(offset);
    return marker.test(this.source.slice(start, offset)) ? start : null;
  }

  /** Column of the dash that introduces a block list item (also in compact `- - item` form). */
  private dashColumn(item: Node): number {
    const start = this.range(item)[0];
    const before = this.source.slice(this.lineStart(start), start).trimEnd();
    if (!before.endsWith('-') || !/^[ -]*$/.test(before))
      throw new UnsupportedEdit('a list item after other content');
    return before.length - 1;
  }

  private detectStyle(): [number, boolean] {
    let step = 0;
    let indentSeq: boolean | undefined;
    const visit = (node: unknown, column: number): void => {
      if (!isMap(node) || node.flow) return;
      for (const pair of node.items as Pair<Node, Node | null>[]) {
        if (!isScalar(pair.key) || !pair.key.range || !pair.value?.range) continue;
        const keyColumn = this.column(pair.key.range[0]);
        if (keyColumn !== column) continue;
        const value = pair.value;
        if (isMap(value) && !value.flow && value.items[0]) {
          const first = value.items[0] as Pair<Node, Node>;
          if (first.key.range && !step) step = this.column(first.key.range[0]) - keyColumn;
          visit(value, keyColumn + (step || 2));
        } else if (isSeq(value) && !value.flow && value.items[0] && indentSeq === undefined) {
          try {
            indentSeq = this.dashColumn(value.items[0] as Node) > keyColumn;
          } catch {
            // a compact form; keep looking
          }
        }
      }
    };
    const root = this.doc.contents;
    if (isMap(root) && root.items[0]) {
      const first = root.items[0] as Pair<Node, Node>;
      if (first.key.range) visit(root, this.column(first.key.range[0]));
    }
    return [step > 0 && step <= 8 ? step : 2, indentSeq ?? true];
  }

  // --- rendering --------------------------------------------------------------------------------

  private options(extra: Partial<ToStringOptions> = {}): ToStringOptions {
    return { ...STRINGIFY, indent: this.step, indentSeq: this.indentSeq, ...extra };
  }

  /** `key: value` as block YAML at column 0, keeping a scalar's style where it can. */
  private renderPair(
    key: Node | string,
    value: unknown,
    style?: Scalar.Type,
    extra: Partial<ToStringOptions> = {},
  ): string {
    const doc = new Document({}, { aliasDuplicateObjects: false });
    const valueNode = doc.createNode(value, { aliasDuplicateObjects: false });
    if (style && isScalar(valueNode) && typeof value === 'string') valueNode.type = style;
    const keyNode = isScalar(key) ? new Scalar(key.value) : new Scalar(key);
    if (isScalar(key)) keyNode.type = key.type;
    const map = doc.createNode({});
    if (isMap(map)) map.items.push(doc.createPair(keyNode, valueNode));
    doc.contents = map;
    return stringify(doc, this.options(extra));
  }

  /** A value as it is written inside `[...]` or `{...}`. */
  private renderFlow(value: unknown, style?: Scalar.Type): string {
    const doc = new Document([], { aliasDuplicateObjects: false });
    const node = doc.createNode(value, { flow: true, aliasDuplicateObjects: false });
    if (style && isScalar(node) && typeof value === 'string' && !style.startsWith('BLOCK')) node.type = style;
    const seq = doc.contents;
    if (!isSeq(seq)) throw new UnsupportedEdit('cannot render a flow value');
    seq.flow = true;
    seq.items.push(node);
    const text = stringify(doc, this.options()).trim();
    return text.slice(1, -1).trim();
  }

  private static indentLines(text: string, indent: number, first: boolean): string {
    const pad = ' '.repeat(indent);
    return text
      .split('\n')
      .map((line, i) => (line === '' || (i === 0 && !first) ? line : pad + line))
      .join('\n');
  }

  private static styleOf(node: Node | undefined): Scalar.Type | undefined {
    return isScalar(node) && typeof node.value === 'string' ? node.type : undefined;
  }

  // --- ops -------------------------------------------------------------------------------------

  private set(path: DataPath, value: unknown): TextEdit {
    if (path.length === 0) throw new UnsupportedEdit('the whole front matter cannot be replaced in place');
    const merged = this.mergedKey(path);
    if (merged) return this.add(path.slice(0, -1), String(path[path.length - 1]), value);
    const { node, parent, pair, inFlow } = this.locate(path);
    const [start, end] = this.range(node);
    const scalarValue = value === null || typeof value !== 'object';
    const flowNode = isCollection(node) && node.flow === true;
    if (inFlow || flowNode) {
      // Inside `[...]`/`{...}`, or a flow collection that stays one.
      const text = this.renderFlow(value, YamlEditor.styleOf(node));
      return { start, end, text: start === end ? ` ${text}` : text };
    }
    if ((isScalar(node) || isAlias(node)) && scalarValue)
      return this.setScalar(node, pair ? pair.key : null, parent, value);
    // A block collection, or a scalar that becomes one: re-render the whole key or list item.
    if (isMap(parent) && pair && isScalar(pair.key)) {
      const keyStart = this.range(pair.key)[0];
      const column = this.column(keyStart);
      const own = this.ownLine(keyStart, /^ *$/);
      const rendered = this.renderPair(pair.key, value);
      return {
        start: own ?? keyStart,
        end: this.blockEnd(node),
        text: YamlEditor.indentLines(rendered, column, own !== null),
      };
    }
    if (isSeq(parent)) {
      const dash = this.dashColumn(node);
      const rendered = this.renderItem(value);
      return { start, end: this.blockEnd(node), text: YamlEditor.indentLines(rendered, dash, false) };
    }
    throw new UnsupportedEdit(`cannot replace ${path.join('.')}`);
  }

  /** `- value` at column 0, the dash and its space removed. */
  private renderItem(value: unknown, style?: Scalar.Type): string {
    const doc = new Document([], { aliasDuplicateObjects: false });
    const seq = doc.contents;
    const node = doc.createNode(value, { aliasDuplicateObjects: false });
    if (style && isScalar(node) && typeof value === 'string') node.type = style;
    if (!isSeq(seq)) throw new UnsupportedEdit('cannot render a list item');
    seq.items.push(node);
    return stringify(doc, this.options()).replace(/^- ?/, '');
  }

  private setScalar(node: Node, key: unknown, parent: Node | undefined, value: unknown): TextEdit {
    const [start, end] = this.range(node);
    const style = isScalar(node) && typeof value === 'string' ? node.type : undefined;
    const original = this.source.slice(start, end);
    const column = isSeq(parent)
      ? this.dashColumn(node)
      : isScalar(key) && key.range
        ? this.column(key.range[0])
        : 0;
    let extra: Partial<ToStringOptions> = {};
    if (style === Scalar.BLOCK_FOLDED || style === Scalar.BLOCK_LITERAL) {
      const content = original
        .split('\n')
        .slice(1)
        .filter((l) => l.trim() !== '');
      const contentIndent = content.length
        ? Math.min(...content.map((l) => l.length - l.trimStart().length))
        : 0;
      const step = contentIndent > column ? contentIndent - column : this.step;
      extra = { indent: step };
      if (style === Scalar.BLOCK_FOLDED && content.length > 1)
        extra.lineWidth = Math.max(20, Math.max(...content.map((l) => l.length)) - column);
    }
    let text = this.renderPair('k', value, style, extra).replace(/^k:/, '');
    text = YamlEditor.indentLines(text, column, false);
    if (start === end) {
      // `key:` with nothing after it
      return { start, end, text: text.replace(/\n$/, '') };
    }
    text = text.replace(/^ /, '');
    if (original.endsWith('\n') && !text.endsWith('\n')) text += '\n';
    if (!original.endsWith('\n') && text.endsWith('\n')) text = text.slice(0, -1);
    return { start, end, text };
  }

  /** True when the last key of `path` is not written in its mapping but merged in with `<<`. */
  private mergedKey(path: DataPath): boolean {
    if (path.length === 0 || typeof path[path.length - 1] !== 'string') return false;
    let container: Node | null;
    try {
      container = path.length === 1 ? this.doc.contents : this.locate(path.slice(0, -1)).node;
    } catch {
      return false;
    }
    if (!isMap(container)) return false;
    const keys = (container.items as Pair<Node, Node | null>[]).map((p) =>
      isScalar(p.key) ? String(p.key.value) : null,
    );
    return keys.includes('<<') && !keys.includes(String(path[path.length - 1]));
  }

  private remove(path: DataPath): TextEdit {
    const { node, parent, pair, inFlow } = this.locate(path);
    if (!parent || !isCollection(parent)) throw new UnsupportedEdit('nothing to remove');
    const items = parent.items as (Node | Pair<Node, Node | null>)[];
    const index = isMap(parent) ? items.indexOf(pair!) : (path[path.length - 1] as number);
    const first = pair ? this.range(pair.key)[0] : this.range(node)[0];
    if (inFlow || parent.flow) {
      const last = this.range(node)[1];
      const next = items[index + 1];
      if (next) return { start: first, end: this.itemStart(next), text: '' };
      const previous = items[index - 1];
      if (previous) return { start: this.itemEnd(previous), end: last, text: '' };
      return { start: first, end: last, text: '' };
    }
    const own = this.ownLine(first, isMap(parent) ? /^ *$/ : /^ *- *$/);
    if (own === null) throw new UnsupportedEdit('the key shares its line with a list dash');
    return { start: own, end: this.blockEnd(node), text: '' };
  }

  private itemStart(item: Node | Pair<Node, Node | null>): number {
    return isPair(item) ? this.range(item.key)[0] : this.range(item)[0];
  }

  private itemEnd(item: Node | Pair<Node, Node | null>): number {
    return isPair(item) ? this.range(item.value ?? item.key)[1] : this.range(item)[1];
  }

  private add(path: DataPath, key: string, value: unknown): TextEdit {
    const container = path.length === 0 ? this.doc.contents : this.locate(path).node;
    if (container === null) {
      const prefix = this.source === '' || this.source.endsWith('\n') ? '' : '\n';
      return {
        start: this.source.length,
        end: this.source.length,
        text: prefix + this.renderPair(key, value),
      };
    }
    if (isAlias(container)) throw new ThroughAlias('an alias');
    if (!isMap(container)) throw new UnsupportedEdit('a key can only be added to a mapping');
    const items = container.items as Pair<Node, Node | null>[];
    const last = items[items.length - 1];
    if (container.flow || (path.length > 0 && this.locate(path).inFlow)) {
      const text = `${this.renderFlow(key)}: ${this.renderFlow(value)}`;
      if (last) return { start: this.itemEnd(last), end: this.itemEnd(last), text: `, ${text}` };
      const open = this.range(container)[0] + 1;
      return { start: open, end: open, text };
    }
    if (!last || !isScalar(last.key)) throw new UnsupportedEdit('an empty block mapping');
    const column = this.column(this.range(items[0]!.key)[0]);
    const at = this.blockEnd(last.value ?? last.key);
    const prefix = at > 0 && this.source[at - 1] !== '\n' ? '\n' : '';
    return {
      start: at,
      end: at,
      text: prefix + YamlEditor.indentLines(this.renderPair(key, value), column, true),
    };
  }

  private insert(path: DataPath, index: number, values: unknown[]): TextEdit {
    const { node: list, inFlow } = this.locate(path);
    if (isAlias(list)) throw new ThroughAlias('an alias');
    if (!isSeq(list)) throw new UnsupportedEdit('items can only be inserted into a list');
    const items = list.items as Node[];
    const neighbour = items[index] ?? items[index - 1];
    const style = YamlEditor.styleOf(neighbour);
    if (inFlow || list.flow) {
      const text = values.map((v) => this.renderFlow(v, style)).join(', ');
      if (items[index]) {
        const at = this.itemStart(items[index]);
        return { start: at, end: at, text: `${text}, ` };
      }
      const last = items[items.length - 1];
      if (last) return { start: this.itemEnd(last), end: this.itemEnd(last), text: `, ${text}` };
      const open = this.range(list)[0] + 1;
      return { start: open, end: open, text };
    }
    if (!neighbour) throw new UnsupportedEdit('an empty block list');
    const dash = this.dashColumn(neighbour);
    const text = values
      .map((v) => YamlEditor.indentLines(`- ${this.renderItem(v, style)}`, dash, true))
      .join('');
    if (items[index]) {
      const at = this.ownLine(this.range(items[index])[0], /^ *- *$/);
      if (at === null) throw new UnsupportedEdit('a list item that does not start its own line');
      return { start: at, end: at, text };
    }
    const at = this.blockEnd(items[items.length - 1]!);
    const prefix = at > 0 && this.source[at - 1] !== '\n' ? '\n' : '';
    return { start: at, end: at, text: prefix + text };
  }
}
