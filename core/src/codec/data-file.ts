import { parseMatter, parseYaml } from './markdown.js';
import { decodeOrParseError, ParseError } from './parse-error.js';
import type { TextLayout } from './text.js';
import { encodeText } from './text.js';
import { editToml, renderToml } from './toml.js';
import { editYaml, renderYaml } from './yaml-edit.js';

/** A YAML or TOML data file (Hugo `data/`, Jekyll `_data/`, Astro data collections). */
export interface DataDocument {
  data: Record<string, unknown>;
  original: { text: string; layout: TextLayout };
}

export function parseDataFile(format: 'yaml' | 'toml', bytes: Uint8Array): DataDocument {
  const { text, layout } = decodeOrParseError(bytes);
  const data: unknown = parseMatter(format, text, 1, 'the file') ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ParseError('the file must hold a mapping of keys to values', 1);
  return { data: data as Record<string, unknown>, original: { text, layout } };
}

/** A new data file, or the previous one with only the changed values rewritten. */
export function serializeDataFile(
  format: 'yaml' | 'toml',
  data: Record<string, unknown>,
  previous?: DataDocument,
): Uint8Array {
  if (!previous) {
    const text = format === 'yaml' ? renderYaml(data) : renderToml(data);
    return encodeText(text, { bom: false, eol: '\n' });
  }
  const { text, layout } = previous.original;
  const edited =
    format === 'yaml' ? editYaml(text, previous.data, data, parseYaml) : editToml(text, previous.data, data);
  return encodeText(edited, layout);
}
