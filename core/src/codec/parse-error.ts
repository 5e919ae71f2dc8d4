import type { TextLayout } from './text.js';
import { decodeText } from './text.js';

/** A file that cannot be read as its format says, with the 1-based line of the problem when known. */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

/** Decodes a file's bytes as text; binary content or invalid UTF-8 is a ParseError. */
export function decodeOrParseError(bytes: Uint8Array): { text: string; layout: TextLayout } {
  try {
    return decodeText(bytes);
  } catch (error) {
    throw new ParseError((error as Error).message);
  }
}
