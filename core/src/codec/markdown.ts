import yaml from 'js-yaml';
import { editYaml, renderYaml } from './yaml-edit.js';
import type { TextLayout } from './text.js';
import { decodeText, deepEqual, encodeText, lineOf } from './text.js';

/**
 * Splits front matter from the body with exactly gray-matter's rules (a test holds the two side by
 * side), but only ever for YAML: gray-matter also honours `---js` and evaluates it, which would let
 * a content file run code on the server. Doing the split here is also 3× faster on 10,000 files.
 */
export function splitFrontMatter(text: string): { matter: string | null; content: string; language: string } {
  if (!text.startsWith('---') || text.charAt(3) === '-') return { matter: null, content: text, language: '' };
  let rest = text.slice(3);
  const length = rest.length;
  const newline = rest.search(/\r?\n/);
  const raw = rest.slice(0, newline); // gray-matter's quirk: with no newline this drops the last character
  const language = raw.trim();
  if (language) rest = rest.slice(raw.length);
  let close = rest.indexOf('\n---');
  if (close === -1) close = length;
  const matter = rest.slice(0, close);
  let content = '';
  if (close !== length) {
    content = rest.slice(close + 4);
    if (content[0] === '\r') content = content.slice(1);
    if (content[0] === '\n') content = content.slice(1);
  }
  return { matter: (language ? raw : '') + matter, content, language };
}

/** YAML 1.2 core schema: dates stay strings, `yes` stays a string — the same rules `yaml` writes by. */
function parseYaml(source: string): unknown {
  // gray-matter treats a block holding only comments as empty.
  if (source.replace(/^\s*#[^\n]+/gm, '').trim() === '') return {};
  return yaml.load(source, { schema: yaml.CORE_SCHEMA });
}

export class ParseError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

export interface MarkdownDocument {
  data: Record<string, unknown>;
  body: string;
  /** What a rewrite needs to change only what changed. */
  original: { text: string; layout: TextLayout; yaml: string | null; yamlStart: number; yamlEnd: number };
}

/** Parses Markdown with YAML front matter. Throws ParseError (with a line) for broken files. */
export function parseMarkdown(bytes: Uint8Array): MarkdownDocument {
  let decoded;
  try {
    decoded = decodeText(bytes);
  } catch (error) {
    throw new ParseError((error as Error).message);
  }
  const { text, layout } = decoded;
  const file = splitFrontMatter(text);
  if (file.language && file.language !== 'yaml' && file.language !== 'yml') {
    throw new ParseError(
      `the front matter is marked as "${file.language.slice(0, 20)}"; only YAML front matter is supported`,
      1,
    );
  }
  let data: unknown = {};
  try {
    if (file.matter !== null)
      data = parseYaml(file.language ? file.matter.slice(file.matter.indexOf('\n')) : file.matter);
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? (error as Error).message.split('\n')[0];
    // js-yaml counts lines from 0, starting with the rest of the opening "---" line (file line 1).
    const line = mark?.line !== undefined ? mark.line + 1 : undefined;
    throw new ParseError(`the front matter is not valid YAML: ${reason}`, line);
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ParseError('the front matter must be a mapping of keys to values', 2);
  }
  const headLength = text.length - file.content.length;
  let yamlSource: string | null = null;
  let yamlStart = 0;
  let yamlEnd = 0;
  if (headLength > 0 && file.matter !== null) {
    const newline = file.matter.indexOf('\n');
    yamlStart = 3 + (newline === -1 ? file.matter.length : newline + 1);
    yamlEnd = 3 + file.matter.length;
    yamlSource = newline === -1 ? '' : file.matter.slice(newline + 1);
  }
  return {
    data: { ...(data as Record<string, unknown>) },
    body: file.content,
    original: { text, layout, yaml: yamlSource, yamlStart, yamlEnd },
  };
}

/**
 * Serializes front matter and body. With `previous` (the file as it is now), unchanged values
 * keep their exact bytes and changed keys rewrite only their own lines.
 */
export function serializeMarkdown(
  data: Record<string, unknown>,
  body: string,
  previous?: MarkdownDocument,
): Uint8Array {
  if (!previous) return encodeText(freshMarkdown(data, body), { bom: false, eol: '\n' });
  const { text, layout, yaml: yamlSource, yamlStart, yamlEnd } = previous.original;
  const dataChanged = !deepEqual(previous.data, data);
  let head = text.slice(0, text.length - previous.body.length);
  if (dataChanged) {
    if (yamlSource === null) {
      const rendered = renderYaml(data);
      head = rendered ? `---\n${rendered}---\n` : '';
    } else {
      const edited = editYaml(yamlSource === '' ? '' : yamlSource + '\n', previous.data, data);
      const yamlText = edited ?? renderYaml(data);
      const prefix = text.slice(0, yamlStart);
      const suffix = text.slice(yamlEnd, text.length - previous.body.length);
      if (yamlSource === '') {
        // `---\n---`: the opening line is all there is before the closing delimiter.
        const openEnd = text.indexOf('\n') + 1;
        head = text.slice(0, openEnd) + yamlText + text.slice(openEnd, text.length - previous.body.length);
      } else {
        head = prefix + yamlText.replace(/\n$/, '') + suffix;
      }
    }
  }
  const newBody = body === previous.body ? previous.body : body;
  if (!dataChanged && newBody === previous.body) return encodeText(text, layout);
  if (head !== '' && !head.endsWith('\n') && newBody !== '') head += '\n';
  return encodeText(guardBody(head, newBody), layout);
}

function freshMarkdown(data: Record<string, unknown>, body: string): string {
  const rendered = renderYaml(data);
  const head = rendered ? `---\n${rendered}---\n` : '';
  return guardBody(head, body);
}

/** A body that itself starts with "---" would be read back as front matter: fence it with an empty block. */
function guardBody(head: string, body: string): string {
  return head === '' && body.startsWith('---') ? `---\n---\n${body}` : head + body;
}

export { lineOf };
