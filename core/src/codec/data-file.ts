import { parseYaml } from './markdown.js';
import { ParseError } from './parse-error.js';
import type { TextLayout } from './text.js';
import { decodeText, encodeText } from './text.js';
import { editToml, parseToml, renderToml, TomlError } from './toml.js';
import { editYaml, renderYaml } from './yaml-edit.js';

/** A YAML or TOML data file (Hugo `data/`, Jekyll `_data/`, Astro data collections). */
export interface DataDocument {
  data: Record<string, unknown>;
  original: { text: string; layout: TextLayout };
}

export function parseDataFile(format: 'yaml' | 'toml', bytes: Uint8Array): DataDocument {
  let decoded;
  try {
    decoded = decodeText(bytes);
  } catch (error) {
    throw new ParseError((error as Error).message);
  }
  const { text, layout } = decoded;
  let data: unknown;
  if (format === 'yaml') {
    try {
      data = parseYaml(text) ?? {};
    } catch (error) {
      const mark = (error as { mark?: { line?: number } }).mark;
      const reason = (error as { reason?: string }).reason ?? (error as Error).message.split('\n')[0];
      throw new ParseError(`not valid YAML: ${reason}`, mark?.line === undefined ? undefined : mark.line + 1);
    }
  } else {
    try {
      data = parseToml(text).data;
    } catch (error) {
      if (!(error instanceof TomlError)) throw error;
      throw new ParseError(`not valid TOML: ${error.message}`, error.line);
    }
  }
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
