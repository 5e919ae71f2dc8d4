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
