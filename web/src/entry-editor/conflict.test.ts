import { describe, expect, it } from 'vitest';
import { defaultChoices, differingFields, mergeChoices } from './conflict.js';

describe('conflict resolution', () => {
  const base = { title: 'T', summary: 'S', tags: ['a'] };
  const mine = { title: 'Mine', summary: 'S', tags: ['a'] };
  const theirs = { title: 'T', summary: 'Theirs', tags: ['a', 'b'] };
  it('finds the fields that differ', () => {
    expect(differingFields(mine, theirs).sort()).toEqual(['summary', 'tags', 'title']);
  });
  it('defaults to the side that changed a field, and to mine when both did', () => {
    expect(defaultChoices(base, mine, theirs)).toEqual({ title: 'mine', summary: 'theirs', tags: 'theirs' });
    expect(defaultChoices(base, { ...mine, summary: 'Mine too' }, theirs).summary).toBe('mine');
  });
  it('merges field by field', () => {
    expect(mergeChoices(mine, theirs, defaultChoices(base, mine, theirs))).toEqual({
      title: 'Mine',
      summary: 'Theirs',
      tags: ['a', 'b'],
    });
    expect(mergeChoices({ a: 1 }, { a: 2, b: 3 }, { a: 'mine', b: 'mine' })).toEqual({ a: 1 });
  });
});
