import matter from 'gray-matter';
import yaml from 'js-yaml';
import { editYaml, renderYaml } from './yaml-edit.js';
import type { TextLayout } from './text.js';
import { decodeText, deepEqual, encodeText, lineOf } from './text.js';

/** YAML 1.2 core schema: dates stay strings, `yes` stays a string — the same rules `yaml` writes by. */
const MATTER_OPTIONS = {
  engines: { yaml: (source: string): object => yaml.load(source, { schema: yaml.CORE_SCHEMA }) as object },
  language: 'yaml',
};

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
  let file: matter.GrayMatterFile<string>;
  try {
    file = matter(text, MATTER_OPTIONS);
  } catch (error) {
    const mark = (error as { mark?: { line?: number } }).mark;
    const reason = (error as { reason?: string }).reason ?? (error as Error).message.split('\n')[0];
    // +2: js-yaml counts from 0 inside the front matter, which starts on the file's line 2.
    const line = mark?.line !== undefined ? mark.line + 2 : undefined;
    throw new ParseError(`the front matter is not valid YAML: ${reason}`, line);
  }
  const data: unknown = file.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ParseError('the front matter must be a mapping of keys to values', 2);
  }
  const headLength = text.length - file.content.length;
  let yamlSource: string | null = null;
  let yamlStart = 0;
  let yamlEnd = 0;
  if (headLength > 0) {
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
