/** Byte-level facts of a text file that a rewrite must keep: BOM and line endings. */
export interface TextLayout {
  bom: boolean;
  eol: '\n' | '\r\n';
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
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { text: eol === '\r\n' ? text.replace(/\r\n/g, '\n') : text, layout: { bom, eol } };
}

/** Encodes text written with "\n" line endings back into the file's layout. */
export function encodeText(text: string, layout: TextLayout): Uint8Array {
  const withEol = layout.eol === '\r\n' ? text.replace(/\r?\n/g, '\r\n') : text;
  return encoder.encode((layout.bom ? '\uFEFF' : '') + withEol);
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
