import { diff3Merge } from 'node-diff3';
/** Fields whose values differ between the editor's version and the one saved meanwhile. */
export function differingFields(mine: Record<string, unknown>, theirs: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])];
  return keys.filter((k) => JSON.stringify(mine[k]) !== JSON.stringify(theirs[k]));
}

/** Merges per field: `choice[key]` says whose value to keep ('mine' by default — nothing typed is lost). */
export function mergeChoices(
  mine: Record<string, unknown>,
  theirs: Record<string, unknown>,
  choice: Record<string, 'mine' | 'theirs'>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...theirs };
  for (const key of new Set([...Object.keys(mine), ...Object.keys(theirs)])) {
    const pick = choice[key] ?? 'mine';
    const value = pick === 'mine' ? mine[key] : theirs[key];
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/**
 * The sensible default per differing field, given the version both sides started from: the side
 * that changed it wins; when both changed it, the editor's own text ("mine") — never lost.
 */
export function defaultChoices(
  base: Record<string, unknown>,
  mine: Record<string, unknown>,
  theirs: Record<string, unknown>,
): Record<string, 'mine' | 'theirs'> {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const out: Record<string, 'mine' | 'theirs'> = {};
  for (const key of differingFields(mine, theirs)) out[key] = same(mine[key], base[key]) ? 'theirs' : 'mine';
  return out;
}

/** The key the Markdown body takes among an entry's fields in a conflict. */
export const BODY = '\u0000body';

/** An entry's values as one record for comparing and merging: its data, and its body under BODY. */
export function fieldsOf(
  schema: { bodyField?: string | undefined },
  data: Record<string, unknown>,
  body: string | undefined,
): Record<string, unknown> {
  return schema.bodyField ? { ...data, [BODY]: body ?? '' } : { ...data };
}

/** The inverse of fieldsOf: data and body again. */
export function splitFields(fields: Record<string, unknown>): {
  data: Record<string, unknown>;
  body: string;
} {
  const { [BODY]: body, ...data } = fields;
  return { data, body: typeof body === 'string' ? body : '' };
}

/** A line-wise three-way merge: stretches both sides agree on, and hunks where they overlap. */
export interface MergedText {
  hunks: ({ ok: string } | { conflict: { mine: string; theirs: string; base: string } })[];
}

/**
 * Merges two edits of `base` by lines (diff3, node-diff3): changes to different lines are all
 * kept; changes that overlap become a conflict hunk, to be decided by the editor. The same change
 * made on both sides is no conflict.
 */
export function mergeText(base: string, mine: string, theirs: string): MergedText {
  const lines = (s: string): string[] => s.split('\n');
  const regions = diff3Merge(lines(mine), lines(base), lines(theirs), { excludeFalseConflicts: true });
  const hunks: MergedText['hunks'] = [];
  for (const r of regions) {
    if (r.ok) {
      const last = hunks.at(-1);
      if (last && 'ok' in last) last.ok = [last.ok, ...r.ok].join('\n');
      else hunks.push({ ok: r.ok.join('\n') });
    } else if (r.conflict)
      hunks.push({
        conflict: {
          mine: r.conflict.a.join('\n'),
          theirs: r.conflict.b.join('\n'),
          base: r.conflict.o.join('\n'),
        },
      });
  }
  return { hunks };
}

/** The merged text with each conflict hunk decided by `picks` (in order; 'mine' where missing). */
export function joinMerged(merged: MergedText, picks: ('mine' | 'theirs')[]): string {
  let n = 0;
  const parts: string[] = [];
  for (const h of merged.hunks) {
    if ('ok' in h) parts.push(h.ok);
    else parts.push(picks[n++] === 'theirs' ? h.conflict.theirs : h.conflict.mine);
  }
  return parts.join('\n');
}
