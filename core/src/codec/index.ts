import type { Schema } from '../types.js';
import type { JsonDocument } from './json.js';
import { parseJson, serializeJson } from './json.js';
import type { MarkdownDocument } from './markdown.js';
import { parseMarkdown, serializeMarkdown } from './markdown.js';

export { ParseError } from './markdown.js';
export { parseMarkdown, serializeMarkdown } from './markdown.js';
export { parseJson, serializeJson } from './json.js';
export type { MarkdownDocument } from './markdown.js';
export type { JsonDocument } from './json.js';

export interface DecodedEntry {
  data: Record<string, unknown>;
  body?: string;
  document: MarkdownDocument | JsonDocument;
}

/** Decodes a file of `schema`'s format. Throws ParseError for files that cannot be read. */
export function decodeEntry(schema: Pick<Schema, 'format'>, bytes: Uint8Array): DecodedEntry {
  if (schema.format === 'markdown') {
    const document = parseMarkdown(bytes);
    return { data: document.data, body: document.body, document };
  }
  const document = parseJson(bytes);
  return { data: document.data, document };
}

/**
 * Encodes an entry. With the previous bytes of the file, the rewrite is minimal: unchanged
 * entries come back byte-identical and a changed field touches only its own lines.
 */
export function encodeEntry(
  schema: Pick<Schema, 'format'>,
  value: { data: Record<string, unknown>; body?: string },
  previous?: Uint8Array | null,
): Uint8Array {
  let prior: DecodedEntry | undefined;
  if (previous) {
    try {
      prior = decodeEntry(schema, previous);
    } catch {
      prior = undefined; // a broken file is replaced whole
    }
  }
  if (schema.format === 'markdown') {
    return serializeMarkdown(value.data, value.body ?? '', prior?.document as MarkdownDocument | undefined);
  }
  return serializeJson(value.data, prior?.document as JsonDocument | undefined);
}
