import { randomUUID } from 'node:crypto';
import { MAX_SLUG_LENGTH } from './paths.js';

/** Turns any text into one slug segment: "Héllo, World!" → "hello-world". */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // strip accents after decomposition
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[æ]/g, 'ae')
    .replace(/[ø]/g, 'o')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
}

function lookup(data: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = data;
  for (const key of dotted.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Renders a slug template such as "{{title}}" or "{{year}}/{{title}}". Each variable becomes
 * one slugified segment; "/" in the template keeps nested folders. Returns '' when nothing usable
 * came out (the caller then asks for a slug).
 */
export function renderSlug(template: string, data: Record<string, unknown>, now = new Date()): string {
  const builtins: Record<string, string> = {
    year: String(now.getUTCFullYear()),
    month: String(now.getUTCMonth() + 1).padStart(2, '0'),
    day: String(now.getUTCDate()).padStart(2, '0'),
    now: now.toISOString().slice(0, 10),
    uuid: randomUUID(),
  };
  const segments = template.split('/').map((segment) =>
    slugify(
      segment.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g, (_, name: string) => {
        const value = lookup(data, name);
        if (typeof value === 'string' || typeof value === 'number') return String(value);
        return builtins[name] ?? '';
      }),
    ),
  );
  if (segments.some((s) => s === '')) return '';
  return segments
    .join('/')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/[-/.]+$/, '');
}
