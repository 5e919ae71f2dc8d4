import { describe, expect, it } from 'vitest';
import { identity, quotePath, rawDate } from './fast-import.js';

describe('fast-import stream pieces', () => {
  it('writes an identity fast-import reads, with stand-ins for what cleaning leaves empty', () => {
    expect(identity('Ada Lovelace', 'ada@example.com')).toBe('Ada Lovelace <ada@example.com>');
    expect(identity('Eve <evil>\n', 'x>@y\r')).toBe('Eve evil <x@y>');
    expect(identity('<>', '')).toBe('Unknown <unknown@localhost>');
  });

  it('quotes every path, so spaces, quotes, backslashes and newlines stay part of it', () => {
    expect(quotePath('content/a b.md')).toBe('"content/a b.md"');
    expect(quotePath('c/"q"\\n\nx')).toBe('"c/\\"q\\"\\\\n\\nx"');
  });

  it('gives times as seconds since the epoch in UTC', () => {
    expect(rawDate(new Date('2026-11-30T12:00:00.900Z'))).toBe('1796040000 +0000');
  });
});
