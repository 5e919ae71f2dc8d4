import { diffArrays } from 'diff';

/** Byte-level facts of a text file that a rewrite must keep: BOM and line endings. */
export interface TextLayout {
  bom: boolean;
  /** The file's dominant line ending: what new lines get. */
  eol: '\n' | '\r\n';
  /** For a file that mixes line endings: which lines (by index) end in CRLF. */
  crlf?: boolean[];
  /** For a file that mixes line endings: its text with "\n" endings, to match new text against. */
  lines?: string[];
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

export class BinaryContentError extends Error {}

/** Decodes UTF-8 strictly; NUL bytes or invalid UTF-8 mean the file is not text. */
export function decodeText(bytes: Uint8Array): { text: string; layout: TextLayout } {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new BinaryContentError('the file is not valid UTF-8 text (binary content?)');
  }
  if (text.includes('\0')) throw new BinaryContentError('the file contains NUL bytes (binary content?)');
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  if (!text.includes('\r\n')) return { text, layout: { bom, eol: '\n' } };
  const normalized = text.replace(/\r\n/g, '\n');
  const crlf = text.split('\n').map((line) => line.endsWith('\r'));
  crlf.pop(); // the piece after the last newline has no line ending
  const withCrlf = crlf.filter(Boolean).length;
  if (withCrlf === crlf.length) return { text: normalized, layout: { bom, eol: '\r\n' } };
  const eol = withCrlf * 2 > crlf.length ? '\r\n' : '\n';
  return { text: normalized, layout: { bom, eol, crlf, lines: normalized.split('\n') } };
}

/**
 * Encodes text written with "\n" line endings back into the file's layout. In a file that mixes
 * line endings, each line that is still there keeps its own; new lines take the dominant one.
 */
export function encodeText(text: string, layout: TextLayout): Uint8Array {
  let withEol: string;
  if (layout.crlf && layout.lines) withEol = restoreLineEndings(text, layout.lines, layout.crlf, layout.eol);
  else withEol = layout.eol === '\r\n' ? text.replace(/\r?\n/g, '\r\n') : text;
  return encoder.encode((layout.bom ? '\uFEFF' : '') + withEol);
}

function restoreLineEndings(text: string, oldLines: string[], crlf: boolean[], eol: string): string {
  const newLines = text.split('\n');
  const ending: string[] = new Array<string>(newLines.length - 1).fill(eol);
  // Equal heads and tails are matched directly; only the middle needs a diff.
  let head = 0;
  while (head < newLines.length - 1 && head < crlf.length && newLines[head] === oldLines[head]) {
    ending[head] = crlf[head] ? '\r\n' : '\n';
    head++;
  }
  let tail = 0;
  while (
    tail < newLines.length - head &&
    tail < oldLines.length - head &&
    newLines[newLines.length - 1 - tail] === oldLines[oldLines.length - 1 - tail]
  )
    tail++;
  // Line i's ending is the newline after it; the last piece has none.
  for (let t = 0; t < tail; t++) {
    const n = newLines.length - 1 - t;
    const o = oldLines.length - 1 - t;
    if (n >= head && o >= 0 && o < crlf.length) ending[n] = crlf[o] ? '\r\n' : '\n';
  }
  const middleNew = newLines.slice(head, newLines.length - tail);
  const middleOld = oldLines.slice(head, oldLines.length - tail);
  if (middleNew.length > 0 && middleOld.length > 0) {
    let n = head;
    let o = head;
    for (const part of diffArrays(middleOld, middleNew)) {
      if (part.added) n += part.count;
      else if (part.removed) o += part.count;
      else
        for (let i = 0; i < part.count; i++, n++, o++)
          if (n < ending.length && o < crlf.length) ending[n] = crlf[o] ? '\r\n' : '\n';
    }
  }
  let out = '';
  for (let i = 0; i < newLines.length; i++) out += newLines[i]! + (ending[i] ?? '');
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return (
    ak.length === bk.length &&
    ak.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && deepEqual(ao[k], bo[k]))
  );
}

/** 1-based line of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
