import { ErrorCodes, MimsyError } from '../errors.js';
import type { Schema } from '../types.js';
import { UnsupportedEdit } from './edit-ops.js';
import type { JsonDocument } from './json.js';
import { parseJson, serializeJson } from './json.js';
import type { FrontMatterFormat, MarkdownDocument } from './markdown.js';
import { parseMarkdown, serializeMarkdown } from './markdown.js';
import { deepEqual } from './text.js';
import type { DataDocument } from './data-file.js';
import { parseDataFile, serializeDataFile } from './data-file.js';

export { ParseError } from './parse-error.js';
export { locate } from './locate.js';
export type { Location } from './locate.js';
export { parseMarkdown, serializeMarkdown } from './markdown.js';
export { parseJson, serializeJson } from './json.js';
export type { FrontMatterFormat, MarkdownDocument } from './markdown.js';
export type { JsonDocument } from './json.js';

export interface DecodedEntry {
  data: Record<string, unknown>;
  body?: string;
  /** Markdown: the front matter's language (null when the file has none). */
  frontMatter?: FrontMatterFormat | null;
  document: MarkdownDocument | JsonDocument | DataDocument;
}

/** Decodes a file of `schema`'s format. Throws ParseError for files that cannot be read. */
export function decodeEntry(schema: Pick<Schema, 'format'>, bytes: Uint8Array): DecodedEntry {
  if (schema.format === 'markdown') {
    const document = parseMarkdown(bytes);
    return { data: document.data, body: document.body, frontMatter: document.frontMatter, document };
  }
  if (schema.format === 'yaml' || schema.format === 'toml') {
    const document = parseDataFile(schema.format, bytes);
    return { data: document.data, document };
  }
  const document = parseJson(bytes);
  return { data: document.data, document };
}

/**
 * Encodes an entry. Without `previous`, a new file. With the file's current bytes, the rewrite is
 * minimal: unchanged entries come back byte-identical and a changed value touches only its own
 * text. Mimsy never writes over a file it could not read, nor re-renders one it cannot edit in
 * place: both throw MIMSY_ERR_UNWRITABLE and nothing is written.
 */
export function encodeEntry(
  schema: Pick<Schema, 'format' | 'frontMatter'>,
  value: { data: Record<string, unknown>; body?: string },
  previous?: Uint8Array | null,
  file = 'the file',
): Uint8Array {
  if (!previous) {
    try {
      if (schema.format === 'markdown')
        return serializeMarkdown(value.data, value.body ?? '', undefined, schema.frontMatter);
      if (schema.format === 'yaml' || schema.format === 'toml')
        return serializeDataFile(schema.format, value.data);
      return serializeJson(value.data);
    } catch (error) {
      if (!(error instanceof UnsupportedEdit)) throw error;
      throw new MimsyError(ErrorCodes.UNWRITABLE, `${file} cannot be written: ${error.message}.`, { file });
    }
  }
  let prior: DecodedEntry;
  try {
    prior = decodeEntry(schema, previous);
  } catch (error) {
    const line = (error as { line?: number }).line;
    throw new MimsyError(
      ErrorCodes.UNWRITABLE,
      `${file} cannot be read (${line ? `line ${line}: ` : ''}${(error as Error).message}), so Mimsy will not write over it. Fix it in the repository (or delete the entry), then edit it here.`,
      { file, line },
      { cause: error },
    );
  }
  if (
    deepEqual(prior.data, value.data) &&
    (schema.format !== 'markdown' || prior.body === (value.body ?? ''))
  )
    return previous;
  try {
    if (schema.format === 'markdown')
      return serializeMarkdown(value.data, value.body ?? '', prior.document as MarkdownDocument);
    if (schema.format === 'yaml' || schema.format === 'toml')
      return serializeDataFile(schema.format, value.data, prior.document);
    return serializeJson(value.data, prior.document);
  } catch (error) {
    if (!(error instanceof UnsupportedEdit)) throw error;
    throw new MimsyError(
      ErrorCodes.UNWRITABLE,
      `${file} cannot take this change without rewriting more than the changed values (${error.message}), so nothing was written. Make this change in the file itself.`,
      { file },
      { cause: error },
    );
  }
}
