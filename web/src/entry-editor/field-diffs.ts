import { css, html } from 'lit';
import type { SchemaInfo } from '../api/client.js';
import { labelOf } from '../fields/label.js';
import { asDiffText, diffLines } from './diff.js';

/** An entry's content as a diff compares it. */
export interface Content {
  data: Record<string, unknown>;
  body?: string | undefined;
}

/** The fields whose text differs between `before` and `after`, in the schema's order. */
export function changedFields(schema: SchemaInfo, before: Content, after: Content): string[] {
  const fields = schema.fields.map((f) => f.name);
  const keys = [...new Set([...fields, ...Object.keys(before.data), ...Object.keys(after.data)])];
  const value = (c: Content, k: string): unknown => (k === schema.bodyField ? (c.body ?? '') : c.data[k]);
  return keys.filter((k) => asDiffText(value(before, k)) !== asDiffText(value(after, k)));
}

/** A line diff per changed field, headed by its label (history, local drafts). */
export function fieldDiffs(schema: SchemaInfo, before: Content, after: Content): unknown {
  const value = (c: Content, k: string): unknown => (k === schema.bodyField ? (c.body ?? '') : c.data[k]);
  return changedFields(schema, before, after).map((k) => {
    const field = schema.fields.find((f) => f.name === k) ?? { name: k };
    return html`<h3>${labelOf(field)}</h3>
      <pre>
${diffLines(asDiffText(value(before, k)), asDiffText(value(after, k))).map((l) => html`<div class=${l.kind}>${l.kind === 'removed' ? '− ' : l.kind === 'added' ? '+ ' : '  '}${l.text}</div>`)}</pre>`;
  });
}

/** Styles for fieldDiffs. */
export const fieldDiffStyles = css`
  pre {
    margin: 0;
    white-space: pre-wrap;
    font-size: 0.88rem;
  }
  .removed {
    background: color-mix(in srgb, var(--m-danger) 18%, transparent);
  }
  .added {
    background: color-mix(in srgb, var(--m-ok) 18%, transparent);
  }
  h3 {
    font-size: 1rem;
    margin: 0.8rem 0 0.3rem;
  }
`;
