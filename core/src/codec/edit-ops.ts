import { deepEqual } from './text.js';

/** A path into front matter data: object keys and list indexes. */
export type DataPath = readonly (string | number)[];

/**
 * One change to structured data, addressed in the *old* value, so that a format can turn it into a
 * splice of the old text. Ops for one list come in ascending index order.
 */
export type EditOp =
  /** Replace the value at `path` (present in the old data). */
  | { type: 'set'; path: DataPath; value: unknown }
  /** Remove the key or list item at `path`. */
  | { type: 'remove'; path: DataPath }
  /** Add `key` at the end of the object at `path`. */
  | { type: 'add'; path: DataPath; key: string; value: unknown }
  /** Insert `values` into the list at `path`, before the old item `index` (or at the end). */
  | { type: 'insert'; path: DataPath; index: number; values: unknown[] };

/** Thrown by a format's editor for a change it cannot make by splicing; the caller escalates. */
export class UnsupportedEdit extends Error {}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The smallest set of ops that turns `before` into `after`: objects are compared key by key and
 * lists item by item (equal heads and tails kept, the middle edited in place, then trimmed or
 * extended), so that only the leaves that changed are rewritten.
 */
/**
 * A key's own value (undefined when the object does not have it itself): data may hold keys such
 * as "valueOf" or "constructor", which plain property access would find on Object.prototype.
 */
function own(o: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

export function diffOps(before: unknown, after: unknown, path: DataPath = []): EditOp[] {
  if (deepEqual(before, after)) return [];
  if (
    isPlainObject(before) &&
    isPlainObject(after) &&
    Object.keys(after).some((k) => own(after, k) !== undefined)
  ) {
    const ops: EditOp[] = [];
    for (const key of Object.keys(before)) {
      if (own(before, key) === undefined) continue;
      if (own(after, key) === undefined) ops.push({ type: 'remove', path: [...path, key] });
      else ops.push(...diffOps(own(before, key), own(after, key), [...path, key]));
    }
    for (const key of Object.keys(after)) {
      if (own(after, key) !== undefined && own(before, key) === undefined)
        ops.push({ type: 'add', path, key, value: own(after, key) });
    }
    return ops;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length > 0 && after.length > 0) {
    let head = 0;
    while (head < before.length && head < after.length && deepEqual(before[head], after[head])) head++;
    let tail = 0;
    while (
      tail < before.length - head &&
      tail < after.length - head &&
      deepEqual(before[before.length - 1 - tail], after[after.length - 1 - tail])
    )
      tail++;
    const oldMiddle = before.length - head - tail;
    const newMiddle = after.length - head - tail;
    const common = Math.min(oldMiddle, newMiddle);
    const ops: EditOp[] = [];
    for (let i = head; i < head + common; i++) ops.push(...diffOps(before[i], after[i], [...path, i]));
    for (let i = head + common; i < head + oldMiddle; i++) ops.push({ type: 'remove', path: [...path, i] });
    if (newMiddle > common)
      ops.push({
        type: 'insert',
        path,
        index: head + common,
        values: after.slice(head + common, head + newMiddle),
      });
    return ops;
  }
  return [{ type: 'set', path, value: after }];
}

/** The ops that replace each changed top-level key whole: the coarse fallback. */
export function topLevelOps(before: Record<string, unknown>, after: Record<string, unknown>): EditOp[] {
  const ops: EditOp[] = [];
  for (const key of Object.keys(before)) {
    if (own(before, key) === undefined || deepEqual(own(before, key), own(after, key))) continue;
    ops.push(
      own(after, key) === undefined
        ? { type: 'remove', path: [key] }
        : { type: 'set', path: [key], value: own(after, key) },
    );
  }
  for (const key of Object.keys(after))
    if (own(after, key) !== undefined && own(before, key) === undefined)
      ops.push({ type: 'add', path: [], key, value: own(after, key) });
  return ops;
}

/** A replacement of `[start, end)` in the old text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** Applies non-overlapping edits (in any order; inserts at one point keep their order). */
export function applyTextEdits(source: string, edits: TextEdit[]): string {
  const sorted = edits
    .map((e, i) => ({ ...e, i }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) throw new UnsupportedEdit('two changes overlap in the text');
    out += source.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + source.slice(cursor);
}
