import { describe, expect, it } from 'vitest';
import { defaultChoices, differingFields, joinMerged, mergeChoices, mergeText } from './conflict.js';

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

describe('three-way merge of a Markdown body, by lines', () => {
  const base = ['# Title', '', 'Intro.', '', 'Middle.', '', 'End.', ''].join('\n');
  it('keeps both sides’ changes when they touch different lines: nothing to choose', () => {
    const mine = base.replace('Intro.', 'Intro, rewritten by me.');
    const theirs = base.replace('End.', 'End, rewritten by them.');
    const merged = mergeText(base, mine, theirs);
    expect(merged.hunks.filter((h) => 'conflict' in h)).toEqual([]);
    expect(joinMerged(merged, [])).toBe(
      base.replace('Intro.', 'Intro, rewritten by me.').replace('End.', 'End, rewritten by them.'),
    );
  });
  it('offers only the overlapping hunk as a choice, keeping the rest merged', () => {
    const mine = base.replace('Intro.', 'Intro (mine).').replace('Middle.', 'Middle (mine).');
    const theirs = base.replace('Middle.', 'Middle (theirs).').replace('End.', 'End (theirs).');
    const merged = mergeText(base, mine, theirs);
    const conflicts = merged.hunks.filter((h) => 'conflict' in h);
    expect(conflicts).toEqual([
      { conflict: { mine: 'Middle (mine).', theirs: 'Middle (theirs).', base: 'Middle.' } },
    ]);
    expect(joinMerged(merged, ['mine'])).toBe(
      ['# Title', '', 'Intro (mine).', '', 'Middle (mine).', '', 'End (theirs).', ''].join('\n'),
    );
    expect(joinMerged(merged, ['theirs'])).toBe(
      ['# Title', '', 'Intro (mine).', '', 'Middle (theirs).', '', 'End (theirs).', ''].join('\n'),
    );
  });
  it('treats the same change made on both sides as no conflict, and keeps a missing final newline', () => {
    const both = base.replace('Middle.', 'Same edit.');
    expect(joinMerged(mergeText(base, both, both), [])).toBe(both);
    expect(joinMerged(mergeText('a\nb\nc', 'A\nb\nc', 'a\nb\nC'), [])).toBe('A\nb\nC');
    // Changes to neighbouring lines overlap (as in Git): a choice, never a silent loss.
    expect(mergeText('a\nb', 'a\nB', 'A\nb').hunks).toEqual([
      { conflict: { mine: 'a\nB', theirs: 'A\nb', base: 'a\nb' } },
    ]);
  });
});
