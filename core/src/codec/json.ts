import type { FormattingOptions } from 'jsonc-parser';
import type { Node as JsonNode } from 'jsonc-parser';
import { applyEdits, findNodeAtLocation, modify, parseTree } from 'jsonc-parser';
import { jsonErrorPosition } from '../project.js';
import type { EditOp } from './edit-ops.js';
import { diffOps, topLevelOps, UnsupportedEdit } from './edit-ops.js';
import { decodeOrParseError, ParseError } from './parse-error.js';
import type { TextLayout } from './text.js';
import { deepEqual, encodeText } from './text.js';

export interface JsonDocument {
  data: Record<string, unknown>;
  original: { text: string; layout: TextLayout };
}

export function detectJsonFormatting(text: string): FormattingOptions {
  const indented = /\n([ \t]+)\S/.exec(text);
  const indent = indented?.[1] ?? '  ';
  return indent.startsWith('\t')
    ? { insertSpaces: false, tabSize: 1, eol: '\n' }
    : { insertSpaces: true, tabSize: indent.length, eol: '\n' };
}

/** Parses a JSON object (strict JSON, as site generators read it). */
export function parseJsonObject(text: string, lineOffset = 0): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const line = jsonErrorPosition(text, error)?.line;
    throw new ParseError(
      `not valid JSON: ${(error as Error).message}`,
      line === undefined ? undefined : line + lineOffset,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ParseError('the JSON must be an object', 1 + lineOffset);
  return value as Record<string, unknown>;
}

export function parseJson(bytes: Uint8Array): JsonDocument {
  const { text, layout } = decodeOrParseError(bytes);
  return { data: parseJsonObject(text), original: { text, layout } };
}

/** Serializes JSON; with `previous`, only the changed values' text is touched. */
export function serializeJson(data: Record<string, unknown>, previous?: JsonDocument): Uint8Array {
  if (!previous) return encodeText(JSON.stringify(data, null, 2) + '\n', { bom: false, eol: '\n' });
  const { text, layout } = previous.original;
  return encodeText(editJson(text, previous.data, data), layout);
}

/**
 * Applies the changes between `oldData` and `newData` to the JSON `text`, value by value, with
 * jsonc-parser's edits (which keep everything else byte-identical). The result must parse back as
 * `newData`; if the leaf-level edit cannot, the changed top-level keys are replaced whole.
 */
export function editJson(
  text: string,
  oldData: Record<string, unknown>,
  newData: Record<string, unknown>,
): string {
  if (deepEqual(oldData, newData)) return text;
  const formattingOptions = detectJsonFormatting(text);
  for (const ops of [diffOps(oldData, newData), topLevelOps(oldData, newData)]) {
    let out = text;
    for (const op of applyOrder(ops)) out = applyJsonOp(out, op, formattingOptions);
    try {
      if (deepEqual(JSON.parse(out), newData)) return out;
    } catch {
      // try the coarser edit
    }
  }
  throw new UnsupportedEdit('the JSON could not be edited in place');
}

/**
 * Ops come in document order with list indexes ascending: applied last to first, each op's path
 * still points at the item it was computed for. New keys of one object are appended at its end,
 * so they go in their own order (first first), and the file lists them as the data does.
 */
function applyOrder(ops: readonly EditOp[]): EditOp[] {
  const out: EditOp[] = [];
  for (const op of [...ops].reverse()) {
    const run = out.at(-1);
    if (op.type === 'add' && run?.type === 'add' && run.path.join('\0') === op.path.join('\0')) {
      let i = out.length - 1;
      while (i > 0 && out[i - 1]!.type === 'add' && out[i - 1]!.path.join('\0') === op.path.join('\0')) i--;
      out.splice(i, 0, op);
    } else out.push(op);
  }
  return out;
}

function applyJsonOp(text: string, op: EditOp, formattingOptions: FormattingOptions): string {
  const inline = inlineEdit(text, op) ?? appendProperty(text, op, formattingOptions);
  if (inline !== null) return inline;
  const edit = (path: (string | number)[], value: unknown, isArrayInsertion = false): string =>
    applyEdits(text, modify(text, path, value, { formattingOptions, isArrayInsertion }));
  switch (op.type) {
    case 'set':
      return edit([...op.path], op.value);
    case 'remove':
      return edit([...op.path], undefined);
    case 'add':
      return edit([...op.path, op.key], op.value);
    case 'insert': {
      let out = text;
      for (const value of [...op.values].reverse())
        out = applyEdits(
          out,
          modify(out, [...op.path, op.index], value, { formattingOptions, isArrayInsertion: true }),
        );
      return out;
    }
  }
}

/**
 * jsonc-parser formats what it inserts over several lines; a list or object written on one line
 * (`"tags": ["a", "b"]`) stays on one line, spliced by hand in the file's own separator style.
 */
function inlineEdit(text: string, op: EditOp): string | null {
  const root = parseTree(text);
  if (!root) return null;
  if (op.type === 'remove') return removeMember(text, root, op.path);
  const node = findNodeAtLocation(root, [...op.path]);
  if (!node || (node.type !== 'array' && node.type !== 'object')) return null;
  const own = text.slice(node.offset, node.offset + node.length);
  if (own.includes('\n')) return null;
  const children = node.children ?? [];
  const between = children.length > 1 ? text.slice(end(children[0]!), children[1]!.offset) : ', ';
  const comma = /^,\s*$/.test(between) ? between : ', ';
  const colon =
    node.type === 'object' && children[0]?.children?.[1]
      ? (/:\s*/.exec(text.slice(end(children[0].children[0]!), children[0].children[1].offset))?.[0] ?? ': ')
      : ': ';
  const render = (value: unknown): string => compactJson(value, comma, colon);
  const splice = (at: number, insert: string): string => text.slice(0, at) + insert + text.slice(at);
  if (op.type === 'set') {
    if (!Array.isArray(op.value) && !isRecord(op.value)) return null;
    return text.slice(0, node.offset) + render(op.value) + text.slice(node.offset + node.length);
  }
  let insert: string;
  let index = children.length;
  if (op.type === 'add') insert = `${JSON.stringify(op.key)}${colon}${render(op.value)}`;
  else {
    insert = op.values.map(render).join(comma);
    index = op.index;
  }
  const before = children[index];
  if (before) return splice(before.offset, insert + comma);
  const last = children[children.length - 1];
  if (last) return splice(end(last), comma + insert);
  return splice(node.offset + 1, insert);
}

/**
 * A new key of an object written over several lines, spliced after its last member on a line of
 * its own, at that member's indentation. (jsonc-parser's `modify` would format the region around
 * the insertion, reflowing the member before it: `"tags": ["a"]` became three lines.)
 */
function appendProperty(text: string, op: EditOp, formattingOptions: FormattingOptions): string | null {
  if (op.type !== 'add') return null;
  const root = parseTree(text);
  const node = root && findNodeAtLocation(root, [...op.path]);
  const last = node?.type === 'object' ? node.children?.at(-1) : undefined;
  if (!node || !last || !text.slice(node.offset, node.offset + node.length).includes('\n')) return null;
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', last.offset) + 1))![0];
  const unit = formattingOptions.insertSpaces ? ' '.repeat(formattingOptions.tabSize ?? 2) : '\t';
  const key = last.children?.[0];
  const value = last.children?.[1];
  const colon = key && value ? (/:\s*/.exec(text.slice(end(key), value.offset))?.[0] ?? ': ') : ': ';
  const rendered = JSON.stringify(op.value, null, unit).replace(/\n/g, `\n${indent}`);
  const at = end(last);
  return `${text.slice(0, at)},\n${indent}${JSON.stringify(op.key)}${colon}${rendered}${text.slice(at)}`;
}

/** Removes a property or item with the separator that follows it (or, for the last, precedes it). */
function removeMember(text: string, root: JsonNode, path: readonly (string | number)[]): string | null {
  const value = findNodeAtLocation(root, [...path]);
  const member = value?.parent?.type === 'property' ? value.parent : value;
  const siblings = member?.parent?.children;
  if (!member || !siblings) return null;
  const index = siblings.indexOf(member);
  const next = siblings[index + 1];
  const previous = siblings[index - 1];
  if (next) return text.slice(0, member.offset) + text.slice(next.offset);
  if (previous) return text.slice(0, end(previous)) + text.slice(end(member));
  return null;
}

function end(node: JsonNode): number {
  return node.offset + node.length;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compactJson(value: unknown, comma: string, colon: string): string {
  if (Array.isArray(value)) return `[${value.map((v) => compactJson(v, comma, colon)).join(comma)}]`;
  if (isRecord(value))
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}${colon}${compactJson(v, comma, colon)}`)
      .join(comma)}}`;
  return JSON.stringify(value);
}
