import type { FormattingOptions } from 'jsonc-parser';
import { applyEdits, modify } from 'jsonc-parser';
import { jsonErrorPosition } from '../project.js';
import { ParseError } from './markdown.js';
import type { TextLayout } from './text.js';
import { decodeText, deepEqual, encodeText } from './text.js';

export interface JsonDocument {
  data: Record<string, unknown>;
  original: { text: string; layout: TextLayout; formatting: FormattingOptions };
}

function detectFormatting(text: string): FormattingOptions {
  const indented = /\n([ \t]+)\S/.exec(text);
  const indent = indented?.[1] ?? '  ';
  return indent.startsWith('\t')
    ? { insertSpaces: false, tabSize: 1, eol: '\n' }
    : { insertSpaces: true, tabSize: indent.length, eol: '\n' };
}

export function parseJson(bytes: Uint8Array): JsonDocument {
  let decoded;
  try {
    decoded = decodeText(bytes);
  } catch (error) {
    throw new ParseError((error as Error).message);
  }
  const { text, layout } = decoded;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ParseError(`not valid JSON: ${(error as Error).message}`, jsonErrorPosition(text, error)?.line);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ParseError('the file must hold a JSON object', 1);
  return {
    data: value as Record<string, unknown>,
    original: { text, layout, formatting: detectFormatting(text) },
  };
}

/** Serializes JSON; with `previous`, only the changed top-level keys' text is touched. */
export function serializeJson(data: Record<string, unknown>, previous?: JsonDocument): Uint8Array {
  if (!previous) return encodeText(JSON.stringify(data, null, 2) + '\n', { bom: false, eol: '\n' });
  const { text, layout, formatting } = previous.original;
  let out = text;
  for (const key of Object.keys(previous.data)) {
    if (!(key in data) || data[key] === undefined)
      out = applyEdits(out, modify(out, [key], undefined, { formattingOptions: formatting }));
  }
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined || deepEqual(previous.data[key], value)) continue;
    out = applyEdits(out, modify(out, [key], value, { formattingOptions: formatting }));
  }
  return encodeText(out, layout);
}
