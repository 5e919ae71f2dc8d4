import { describe, expect, it } from 'vitest';
import { savedText } from './entry-editor.js';

describe('the save message', () => {
  it('is short when the Git remote has the commit (or there is none)', () => {
    expect(savedText('Saved.', { sync: 'pushed' })).toBe('Saved.');
    expect(savedText('Created.', undefined)).toBe('Created.');
  });
  it('says the change waits on the server when the remote cannot be reached', () => {
    expect(savedText('Saved.', { sync: 'pending' })).toMatch(
      /^Saved\. The Git remote cannot be reached right now: your change is kept on the server/,
    );
  });
});
