import { css, html, LitElement, nothing } from 'lit';
import type { Entry } from '@mimsy/core/types';
import type { SchemaInfo } from '../api/client.js';
import { labelOf } from '../fields/label.js';
import { theme } from '../styles/theme.js';
import { BODY, defaultChoices, differingFields, fieldsOf, mergeChoices } from './conflict.js';

/** What the editor does once the conflict is decided. */
export interface Resolution {
  how: 'merge' | 'mine' | 'theirs';
  /** The values to save on top of `theirs` (for 'merge' and 'mine'), fieldsOf-shaped. */
  fields: Record<string, unknown>;
}

/**
 * `<mimsy-conflict-resolver>` — someone saved the entry while it was being edited: every field
 * that differs, side by side, with a choice per field (the side that changed it by default; the
 * editor's own text when both did), and three ways out.
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
    `,
  ];

  declare schema: SchemaInfo;
  declare base: Entry | null;
  declare mine: Record<string, unknown>;
  declare theirs: Entry;
  declare choices: Record<string, 'mine' | 'theirs'>;
  private choicesFor: Entry | null = null;

  constructor() {
    super();
    this.choices = {};
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
      this.choices = defaultChoices(this.started, this.mine, this.other);
    }
  }

  private resolve(how: Resolution['how']): void {
    const fields =
      how === 'theirs'
        ? this.other
        : how === 'mine'
          ? this.mine
          : mergeChoices(this.mine, this.other, this.choices);
    this.dispatchEvent(
      new CustomEvent<Resolution>('mimsy-resolve', {
        detail: { how, fields },
        bubbles: true,
        composed: true,
      }),
    );
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
        <pre>${show(value)}</pre>
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
              </tr>`,
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
