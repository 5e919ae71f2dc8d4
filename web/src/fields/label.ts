import type { Field } from '@mimsy/core/types';

/** What editors see for a field: its label, or its name in words ("readingTime" → "Reading time"). */
export function labelOf(field: Pick<Field, 'label' | 'name'>): string {
  if (field.label) return field.label;
  const words = field.name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
