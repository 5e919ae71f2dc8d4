import { css, html, LitElement, nothing } from 'lit';
import type { Entry } from '@mimsy/core/types';
import type { SchemaInfo } from '../api/client.js';
import { labelOf } from '../fields/label.js';
import { theme } from '../styles/theme.js';
import {
  BODY,
  defaultChoices,
  differingFields,
  fieldsOf,
  joinMerged,
  mergeChoices,
  mergeText,
  type MergedText,
} from './conflict.js';

/** Whose value a field keeps; 'merged': a text both changed, merged by lines. */
type Choice = 'mine' | 'theirs' | 'merged';

/** What the editor does once the conflict is decided. */
export interface Resolution {
  how: 'merge' | 'mine' | 'theirs';
  /** The values to save on top of `theirs` (for 'merge' and 'mine'), fieldsOf-shaped. */
  fields: Record<string, unknown>;
}

/**
 * `<mimsy-conflict-resolver>` — someone saved the entry while it was being edited: every field
 * that differs, side by side, with a choice per field (the side that changed it by default; the
 * editor's own text when both did), and three ways out. A text both sides changed (the Markdown
 * body, a multi-line field) is merged line by line: changes to different lines are all kept, and
 * only the parts both changed are offered as choices.
 * @property schema, base (the version the editor started from), mine (fieldsOf the form), theirs
 * @fires mimsy-resolve - {detail: Resolution}
 */
export class MimsyConflictResolver extends LitElement {
  static override properties = {
    schema: { attribute: false },
    base: { attribute: false },
    mine: { attribute: false },
    theirs: { attribute: false },
    choices: { state: true },
    hunkPicks: { state: true },
  };
  static override styles = [
    theme,
    css`
      section {
        border: 2px solid var(--m-danger);
        border-radius: var(--m-radius);
        padding: 0.8rem;
        display: grid;
        gap: 0.8rem;
      }
      table {
        width: 100%;
        border-collapse: collapse;
      }
      td,
      th {
        border-bottom: 1px solid var(--m-line);
        padding: 0.4rem;
        vertical-align: top;
        text-align: left;
      }
      /* Long values scroll inside their cell; focusable, so a keyboard can scroll them too. */
      pre {
        white-space: pre-wrap;
        margin: 0;
        max-height: 12rem;
        overflow: auto;
      }
      .actions {
        display: flex;
        gap: 0.6rem;
        flex-wrap: wrap;
      }
      fieldset.hunk {
        border: 1px solid var(--m-line);
        border-radius: var(--m-radius);
        margin: 0.4rem 0;
      }
    `,
  ];

  declare schema: SchemaInfo;
  declare base: Entry | null;
  declare mine: Record<string, unknown>;
  declare theirs: Entry;
  declare choices: Record<string, Choice>;
  /** Per merged text field: the side taken in each overlapping part, in order. */
  declare hunkPicks: Record<string, ('mine' | 'theirs')[]>;
  /** Text fields both sides changed, merged by lines (set with the defaults, per version of theirs). */
  private merges: Record<string, MergedText> = {};
  private choicesFor: Entry | null = null;

  constructor() {
    super();
    this.choices = {};
    this.hunkPicks = {};
  }

  private get other(): Record<string, unknown> {
    return fieldsOf(this.schema, this.theirs.data, this.theirs.body);
  }

  private get started(): Record<string, unknown> {
    return this.base ? fieldsOf(this.schema, this.base.data, this.base.body) : {};
  }

  override willUpdate(): void {
    // Fresh defaults for each new version of theirs; the editor's picks survive re-renders.
    if (this.choicesFor !== this.theirs) {
      this.choicesFor = this.theirs;
      const started = this.started;
      const choices: Record<string, Choice> = defaultChoices(started, this.mine, this.other);
      this.merges = {};
      this.hunkPicks = {};
      for (const k of differingFields(this.mine, this.other)) {
        const [b, m, t] = [started[k], this.mine[k], this.other[k]];
        // A text both changed: merge it by lines (the default), rather than one whole side.
        if (this.base && typeof b === 'string' && typeof m === 'string' && typeof t === 'string')
          if (m !== b && t !== b && (k === BODY || [b, m, t].some((v) => v.includes('\n')))) {
            this.merges[k] = mergeText(b, m, t);
            choices[k] = 'merged';
          }
      }
      this.choices = choices;
    }
  }

  private resolve(how: Resolution['how']): void {
    let fields = how === 'theirs' ? this.other : how === 'mine' ? this.mine : null;
    if (!fields) {
      const sides = Object.fromEntries(
        Object.entries(this.choices).map(([k, c]) => [k, c === 'merged' ? 'mine' : c] as const),
      );
      fields = mergeChoices(this.mine, this.other, sides);
      for (const [k, c] of Object.entries(this.choices))
        if (c === 'merged' && this.merges[k]) fields[k] = joinMerged(this.merges[k], this.hunkPicks[k] ?? []);
    }
    this.dispatchEvent(
      new CustomEvent<Resolution>('mimsy-resolve', {
        detail: { how, fields },
        bubbles: true,
        composed: true,
      }),
    );
  }

  /** The line-by-line merge of a text both changed: kept as is, or each overlapping part chosen. */
  private renderMerged(k: string, merged: MergedText): unknown {
    const conflicts = merged.hunks.flatMap((h) => ('conflict' in h ? [h.conflict] : []));
    const picks = this.hunkPicks[k] ?? [];
    const setPick = (i: number, side: 'mine' | 'theirs'): void => {
      const next = [...picks];
      next[i] = side;
      this.hunkPicks = { ...this.hunkPicks, [k]: next };
    };
    return html`<tr>
      <td colspan="3">
        <label
          ><input
            type="radio"
            name=${`pick-${k}`}
            .checked=${this.choices[k] === 'merged'}
            @change=${() => (this.choices = { ...this.choices, [k]: 'merged' })}
          />
          ${
            conflicts.length
              ? `Both: merged line by line, with ${conflicts.length} part${conflicts.length === 1 ? '' : 's'} you both changed to choose`
              : 'Both: your changes and theirs touch different lines, and are all kept'
          }</label
        >
        ${conflicts.map(
          (c, i) =>
            html`<fieldset class="hunk" ?disabled=${this.choices[k] !== 'merged'}>
              <legend>Part ${i + 1} of ${conflicts.length}, changed by both</legend>
              <label
                ><input
                  type="radio"
                  name=${`hunk-${k}-${i}`}
                  .checked=${(picks[i] ?? 'mine') === 'mine'}
                  @change=${() => setPick(i, 'mine')}
                />Yours
                <pre tabindex="0">${c.mine || '(removed)'}</pre>
              </label>
              <label
                ><input
                  type="radio"
                  name=${`hunk-${k}-${i}`}
                  .checked=${picks[i] === 'theirs'}
                  @change=${() => setPick(i, 'theirs')}
                />Theirs
                <pre tabindex="0">${c.theirs || '(removed)'}</pre>
              </label>
            </fieldset>`,
        )}
      </td>
    </tr>`;
  }

  override render(): unknown {
    const mine = this.mine;
    const other = this.other;
    const started = this.started;
    const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
    const show = (v: unknown): string =>
      v === undefined ? '(empty)' : typeof v === 'string' ? v : JSON.stringify(v, null, 2);
    const label = (k: string): string =>
      labelOf(
        this.schema.fields.find((f) => f.name === (k === BODY ? this.schema.bodyField : k)) ?? { name: k },
      );
    const pick = (k: string, side: 'mine' | 'theirs', value: unknown): unknown =>
      html`<label
        ><input
          type="radio"
          name=${`pick-${k}`}
          .checked=${(this.choices[k] ?? 'mine') === side}
          @change=${() => (this.choices = { ...this.choices, [k]: side })}
        />
        <pre tabindex="0">${show(value)}</pre>
      </label>`;
    return html`<section aria-label="Conflict">
      <strong
        >${
          this.theirs.updatedBy
            ? `${this.theirs.updatedBy.name} saved this entry meanwhile.`
            : 'This entry was changed meanwhile.'
        }</strong
      >
      <table>
        <thead>
          <tr>
            <th>Field</th>
            <th>Yours</th>
            <th>Theirs</th>
          </tr>
        </thead>
        <tbody>
          ${differingFields(mine, other).map(
            (k) =>
              html`<tr>
                  <th scope="row">
                    ${label(k)}${
                      this.base && !same(mine[k], started[k]) && !same(other[k], started[k])
                        ? html` <span class="error">(both changed)</span>`
                        : nothing
                    }
                  </th>
                  <td>${pick(k, 'mine', mine[k])}</td>
                  <td>${pick(k, 'theirs', other[k])}</td>
                </tr>
                ${this.merges[k] ? this.renderMerged(k, this.merges[k]) : nothing}`,
          )}
        </tbody>
      </table>
      <div class="actions">
        <button class="primary" @click=${() => this.resolve('merge')}>Save with the chosen values</button>
        <button @click=${() => this.resolve('mine')}>Keep all of mine</button>
        <button @click=${() => this.resolve('theirs')}>Take theirs (drop my changes)</button>
      </div>
    </section>`;
  }
}
customElements.define('mimsy-conflict-resolver', MimsyConflictResolver);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-conflict-resolver': MimsyConflictResolver;
  }
}
