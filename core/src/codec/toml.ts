// Size: one job, kept whole — TOML front matter read and edited in place (tables, inline
// tables, arrays of tables), the counterpart of yaml-edit.ts.
import type { AST } from 'toml-eslint-parser';
import { parseTOML } from 'toml-eslint-parser';
import type { DataPath, EditOp, TextEdit } from './edit-ops.js';
import { applyTextEdits, diffOps, isPlainObject, topLevelOps, UnsupportedEdit } from './edit-ops.js';
import { deepEqual } from './text.js';

/*
 * TOML front matter (Hugo's `+++`). toml-eslint-parser is used because it is the maintained TOML
 * 1.0 parser that gives every node its source range, which is what a byte-minimal edit splices;
 * parsers that return only values (smol-toml, @ltd/j-toml) would force a full re-render. The same
 * tree gives the values, so reading and editing can never disagree.
 */

type Slot = ValueSlot | ListSlot | MapSlot | TablesSlot;
interface ValueSlot {
  kind: 'value';
  node: AST.TOMLValue;
}
interface ListSlot {
  kind: 'list';
  node: AST.TOMLArray;
  items: Slot[];
}
interface MapSlot {
  kind: 'map';
  entries: Map<string, Slot>;
  /** Where the map's own `key = value` lines are written, when it has such a place. */
  table?: AST.TOMLTable | AST.TOMLTopLevelTable;
  inline?: AST.TOMLInlineTable;
  /** The `key = value` node of each entry written as one. */
  keyValues: Map<string, AST.TOMLKeyValue>;
}
/** An array of tables: `[[name]]` sections. */
interface TablesSlot {
  kind: 'tables';
  maps: MapSlot[];
}

export interface TomlDocument {
  data: Record<string, unknown>;
  root: MapSlot;
  /** Every `[table]` and `[[table]]` section, in file order. */
  tables: AST.TOMLTable[];
}

export class TomlError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

const DATE_KINDS = new Set(['offset-date-time', 'local-date-time', 'local-date', 'local-time']);

/** Parses TOML into plain data; dates and times come back as the text they were written as. */
export function parseToml(source: string): TomlDocument {
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(source);
  } catch (error) {
    const e = error as { message?: string; lineNumber?: number };
    throw new TomlError(e.message ?? String(error), e.lineNumber);
  }
  const root = newMap();
  const top = ast.body[0];
  root.table = top;
  for (const item of top.body) {
    if (item.type === 'TOMLKeyValue') putKeyValue(root, item, source);
    else putTable(root, item, source);
  }
  const tables = top.body.filter((b): b is AST.TOMLTable => b.type === 'TOMLTable');
  return { data: toData(root, source) as Record<string, unknown>, root, tables };
}

function newMap(): MapSlot {
  return { kind: 'map', entries: new Map(), keyValues: new Map() };
}

function keyNames(key: AST.TOMLKey): string[] {
  return key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
}

function childMap(map: MapSlot, name: string): MapSlot {
  const existing = map.entries.get(name);
  if (existing?.kind === 'map') return existing;
  if (existing?.kind === 'tables') return existing.maps[existing.maps.length - 1]!;
  if (existing) throw new TomlError(`"${name}" is defined twice`);
  const created = newMap();
  map.entries.set(name, created);
  return created;
}

function putKeyValue(map: MapSlot, kv: AST.TOMLKeyValue, source: string): void {
  const names = keyNames(kv.key);
  let target = map;
  for (const name of names.slice(0, -1)) target = childMap(target, name);
  const last = names[names.length - 1]!;
  if (target.entries.has(last))
    throw new TomlError(`"${names.join('.')}" is defined twice`, kv.loc.start.line);
  target.entries.set(last, slotOf(kv.value, source));
  if (names.length === 1) target.keyValues.set(last, kv);
}

function slotOf(node: AST.TOMLContentNode, source: string): Slot {
  if (node.type === 'TOMLValue') return { kind: 'value', node };
  if (node.type === 'TOMLArray')
    return { kind: 'list', node, items: node.elements.map((e) => slotOf(e, source)) };
  const map = newMap();
  map.inline = node;
  for (const kv of node.body) putKeyValue(map, kv, source);
  return map;
}

function putTable(root: MapSlot, table: AST.TOMLTable, source: string): void {
  const names = keyNames(table.key);
  let target = root;
  for (const name of names.slice(0, -1)) target = childMap(target, name);
  const last = names[names.length - 1]!;
  let map: MapSlot;
  if (table.kind === 'array') {
    let tables = target.entries.get(last);
    if (!tables) target.entries.set(last, (tables = { kind: 'tables', maps: [] }));
    if (tables.kind !== 'tables')
      throw new TomlError(`"${names.join('.')}" is defined twice`, table.loc.start.line);
    map = newMap();
    tables.maps.push(map);
  } else {
    map = childMap(target, last);
    if (map.table)
      throw new TomlError(`the table [${names.join('.')}] is defined twice`, table.loc.start.line);
  }
  map.table = table;
  for (const kv of table.body) putKeyValue(map, kv, source);
}

function toData(slot: Slot, source: string): unknown {
  switch (slot.kind) {
    case 'value':
      return DATE_KINDS.has(slot.node.kind)
        ? source.slice(slot.node.range[0], slot.node.range[1])
        : slot.node.value;
    case 'list':
      return slot.items.map((s) => toData(s, source));
    case 'tables':
      return slot.maps.map((m) => toData(m, source));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of slot.entries) out[k] = toData(v, source);
      return out;
    }
  }
}

// --- rendering -----------------------------------------------------------------------------------

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const DATE_TEXT =
  /^(\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?|\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/;

export function renderTomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : basicString(key);
}

// Control characters are what TOML strings must escape, so the patterns name them.
/* eslint-disable no-control-regex */
function basicString(value: string): string {
  return `"${value.replace(/[\u0000-\u001f"\\\u007f]/g, (c) => {
    const named: Record<string, string> = {
      '"': '\\"',
      '\\': '\\\\',
      '\b': '\\b',
      '\t': '\\t',
      '\n': '\\n',
      '\f': '\\f',
      '\r': '\\r',
    };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  })}"`;
}

/** A value written inline (`key = <this>`), in the style of the node it replaces where it can. */
export function renderTomlValue(value: unknown, like?: AST.TOMLContentNode): string {
  if (typeof value === 'string') {
    if (like?.type === 'TOMLValue') {
      if (DATE_KINDS.has(like.kind) && DATE_TEXT.test(value)) return value;
      if (
        like.kind === 'string' &&
        like.style === 'literal' &&
        !like.multiline &&
        !/['\u0000-\u001f\u007f]/.test(value)
      )
        return `'${value}'`;
      if (like.kind === 'string' && like.multiline && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) {
        if (like.style === 'literal' && !value.includes("'''") && !value.includes('\r'))
          return `'''\n${value}'''`;
        return `"""\n${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t')}"""`;
      }
    }
    return basicString(value);
  }
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    if (Number.isInteger(value) && like?.type === 'TOMLValue' && like.kind === 'float') return `${value}.0`;
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map((v, i) =>
      renderTomlValue(v, like?.type === 'TOMLArray' ? like.elements[i] : undefined),
    );
    return `[${items.join(', ')}]`;
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${renderTomlKey(k)} = ${renderTomlValue(v)}`).join(', ')} }`;
  }
  throw new UnsupportedEdit(`TOML has no way to write ${value === null ? 'null' : typeof value}`);
}
/* eslint-enable no-control-regex */

/** A new TOML file: one `key = value` line per key (nested values inline). */
export function renderToml(data: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (value === null) throw new UnsupportedEdit(`TOML has no null (the value of "${key}")`);
    lines.push(`${renderTomlKey(key)} = ${renderTomlValue(value)}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

// --- editing -------------------------------------------------------------------------------------

/**
 * Applies the changes between `oldData` and `newData` to TOML `source` by splicing the values that
 * changed; the result is parsed back and must give `newData`, or UnsupportedEdit is thrown.
 */
export function editToml(
  source: string,
  oldData: Record<string, unknown>,
  newData: Record<string, unknown>,
): string {
  if (deepEqual(oldData, newData)) return source;
  const document = parseToml(source);
  let reason = '';
  for (const ops of [diffOps(oldData, newData), topLevelOps(oldData, newData)]) {
    try {
      const out = applyTextEdits(
        source,
        ops.flatMap((op) => tomlEdit(source, document, op)),
      );
      if (deepEqual(parseToml(out).data, newData)) return out;
      reason = 'the edited TOML does not read back as the new values';
    } catch (error) {
      if (!(error instanceof UnsupportedEdit) && !(error instanceof TomlError)) throw error;
      reason = error.message;
    }
  }
  throw new UnsupportedEdit(reason);
}

function lookup(root: MapSlot, path: DataPath): { slot: Slot; parent: Slot | null } {
  let slot: Slot = root;
  let parent: Slot | null = null;
  for (const segment of path) {
    parent = slot;
    let next: Slot | undefined;
    if (slot.kind === 'map') next = slot.entries.get(String(segment));
    else if (slot.kind === 'list' && typeof segment === 'number') next = slot.items[segment];
    else if (slot.kind === 'tables' && typeof segment === 'number') next = slot.maps[segment];
    if (!next) throw new UnsupportedEdit(`no TOML node for ${path.join('.')}`);
    slot = next;
  }
  return { slot, parent };
}

function nodeOf(slot: Slot): AST.TOMLContentNode | undefined {
  if (slot.kind === 'value' || slot.kind === 'list') return slot.node;
  if (slot.kind === 'map') return slot.inline;
  return undefined;
}

function tomlEdit(source: string, { root, tables }: TomlDocument, op: EditOp): TextEdit[] {
  const lineStart = (offset: number): number => source.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = (offset: number): number => {
    const nl = source.indexOf('\n', offset);
    return nl === -1 ? source.length : nl + 1;
  };
  const ownLine = (offset: number): number => {
    const start = lineStart(offset);
    if (source.slice(start, offset).trim() !== '') throw new UnsupportedEdit('a key that shares its line');
    return start;
  };
  /** Removes one element of `[...]` or `{...}` with the comma that separates it. */
  const removeElement = (ranges: [number, number][], index: number): TextEdit => {
    const [start, end] = ranges[index]!;
    if (ranges[index + 1]) return { start, end: ranges[index + 1]![0], text: '' };
    if (ranges[index - 1]) return { start: ranges[index - 1]![1], end, text: '' };
    return { start, end, text: '' };
  };

  switch (op.type) {
    case 'set': {
      const { slot } = lookup(root, op.path);
      const node = nodeOf(slot);
      if (!node) throw new UnsupportedEdit(`${op.path.join('.')} is a table; it cannot be replaced in place`);
      return [{ start: node.range[0], end: node.range[1], text: renderTomlValue(op.value, node) }];
    }
    case 'remove': {
      const { parent } = lookup(root, op.path);
      const last = op.path[op.path.length - 1]!;
      if (parent?.kind === 'list' && typeof last === 'number')
        return [
          removeElement(
            parent.node.elements.map((e) => e.range),
            last,
          ),
        ];
      if (parent?.kind === 'map') {
        const kv = parent.keyValues.get(String(last));
        if (kv && parent.inline)
          return [
            removeElement(
              parent.inline.body.map((b) => b.range),
              parent.inline.body.indexOf(kv),
            ),
          ];
        if (kv) return [{ start: ownLine(kv.range[0]), end: lineEnd(kv.range[1]), text: '' }];
      }
      if (parent?.kind === 'map' || parent?.kind === 'tables') {
        // A table (or array of tables) goes with every section under it: `[a]`, `[a.b]`, `[[a]]`…
        const under = tables.filter((t) => op.path.every((segment, i) => t.resolvedKey[i] === segment));
        if (under.length > 0)
          return under.map((t) => ({ start: ownLine(t.range[0]), end: lineEnd(t.range[1]), text: '' }));
      }
      throw new UnsupportedEdit(`${op.path.join('.')} cannot be removed in place`);
    }
    case 'add': {
      const { slot } = lookup(root, op.path);
      if (slot.kind !== 'map') throw new UnsupportedEdit('a key can only be added to a table');
      const line = `${renderTomlKey(op.key)} = ${renderTomlValue(op.value)}`;
      if (slot.inline) {
        const body = slot.inline.body;
        const lastKv = body[body.length - 1];
        if (lastKv) return [{ start: lastKv.range[1], end: lastKv.range[1], text: `, ${line}` }];
        return [{ start: slot.inline.range[0] + 1, end: slot.inline.range[1] - 1, text: ` ${line} ` }];
      }
      const table = slot.table;
      if (!table)
        throw new UnsupportedEdit(`${op.path.join('.')} is written with dotted keys; add to it by hand`);
      const keyValues = table.body.filter((b): b is AST.TOMLKeyValue => b.type === 'TOMLKeyValue');
      const lastKv = keyValues[keyValues.length - 1];
      const indent = lastKv ? source.slice(lineStart(lastKv.range[0]), lastKv.range[0]) : '';
      let at: number;
      if (lastKv) at = lineEnd(lastKv.range[1]);
      else if (table.type === 'TOMLTable') at = lineEnd(table.key.range[1]);
      else at = 0;
      const prefix = at > 0 && source[at - 1] !== '\n' ? '\n' : '';
      return [{ start: at, end: at, text: `${prefix}${/^\s*$/.test(indent) ? indent : ''}${line}\n` }];
    }
    case 'insert': {
      const { slot } = lookup(root, op.path);
      if (slot.kind !== 'list') throw new UnsupportedEdit('items can only be inserted into an inline array');
      const elements = slot.node.elements;
      const like = elements[op.index] ?? elements[op.index - 1];
      const text = op.values.map((v) => renderTomlValue(v, like)).join(', ');
      const before = elements[op.index];
      if (before) return [{ start: before.range[0], end: before.range[0], text: `${text}, ` }];
      const lastElement = elements[elements.length - 1];
      if (lastElement) return [{ start: lastElement.range[1], end: lastElement.range[1], text: `, ${text}` }];
      return [{ start: slot.node.range[0] + 1, end: slot.node.range[1] - 1, text }];
    }
  }
}

/**
 * The offset in `source` of the value at `path` — or of its deepest ancestor that exists (a
 * missing key is reported where its table is) — for `file:line:column` in reports. Null when
 * the TOML cannot be parsed.
 */
export function tomlOffsetOf(source: string, path: readonly string[]): number | null {
  let doc: TomlDocument;
  try {
    doc = parseToml(source);
  } catch {
    return null;
  }
  let slot: Slot = doc.root;
  let best: number | null = null;
  for (const segment of path) {
    let next: Slot | undefined;
    let keyValue: AST.TOMLKeyValue | undefined;
    if (slot.kind === 'map') {
      next = slot.entries.get(segment);
      keyValue = slot.keyValues.get(segment);
    } else if (slot.kind === 'list') next = slot.items[Number(segment)];
    else if (slot.kind === 'tables') next = slot.maps[Number(segment)];
    if (!next) break;
    slot = next;
    const table = slot.kind === 'map' && slot.table?.type === 'TOMLTable' ? slot.table : undefined;
    best = (keyValue ?? nodeOf(slot) ?? table)?.range[0] ?? best;
  }
  return best;
}
