import { css, html, LitElement, nothing } from 'lit';
import type { ApiClient, SchemaInfo } from '../api/client.js';
import { href } from '../app/router.js';
import { theme } from '../styles/theme.js';
import { titleField } from '../entry-list/entry-list.js';

export interface Referrer {
  schema: string;
  slug: string;
  field: string;
}

/** What the editor chose to do with the references to the entry being deleted. */
export interface DeleteChoice {
  references: 'repoint' | 'clear' | 'keep';
  to?: string;
}

/**
 * `<mimsy-delete-references>` — asked when an entry to delete is referred to by others: names
 * them (as links) and offers, for the same commit, to point them to another entry of the
 * collection, to remove the reference from them, or to leave it pointing nowhere (a problem on
 * each until fixed). A modal dialog: Escape or Cancel changes nothing.
 * @fires mimsy-delete-choice {detail: DeleteChoice}
 * @fires mimsy-cancel
 */
export class MimsyDeleteReferences extends LitElement {
  static override properties = {
    api: { attribute: false },
    schema: { attribute: false },
    slug: {},
    referrers: { attribute: false },
    error: {},
    choice: { state: true },
    to: { state: true },
    others: { state: true },
  };
  static override styles = [
    theme,
    css`
      dialog {
        max-width: min(36rem, 92vw);
        border: 1px solid var(--m-line);
        border-radius: 0.5rem;
      }
      fieldset {
        border: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      label {
        display: flex;
        gap: 0.5rem;
        align-items: center;
      }
      .actions {
        display: flex;
        gap: 0.6rem;
        margin-top: 1rem;
      }
    `,
  ];

  declare api: ApiClient;
  declare schema: SchemaInfo;
  declare slug: string;
  declare referrers: Referrer[];
  /** A refusal of the last choice (e.g. a required reference cannot be cleared). */
  declare error: string;
  declare choice: DeleteChoice['references'];
  declare to: string;
  declare others: { slug: string; label: string }[];

  constructor() {
    super();
    this.referrers = [];
    this.error = '';
    this.choice = 'repoint';
    this.to = '';
    this.others = [];
  }

  override firstUpdated(): void {
    this.shadowRoot!.querySelector('dialog')!.showModal();
    void this.loadOthers();
  }

  /** The entries the references could point to instead: this collection's, but this one. */
  private async loadOthers(): Promise<void> {
    const title = titleField(this.schema);
    const { items } = await this.api.list(this.schema.name, { limit: 200, sort: 'slug' });
    this.others = items
      .filter((e) => e.slug !== this.slug)
      .map((e) => ({
        slug: e.slug,
        label: (title && typeof e.data[title] === 'string' && e.data[title]) || e.slug,
      }));
    if (!this.others.length && this.choice === 'repoint') this.choice = 'clear';
  }

  private decide(e: Event): void {
    e.preventDefault();
    if (this.choice === 'repoint' && !this.to) {
      this.error = 'Choose the entry they should point to.';
      return;
    }
    const detail: DeleteChoice =
      this.choice === 'repoint' ? { references: 'repoint', to: this.to } : { references: this.choice };
    this.dispatchEvent(new CustomEvent('mimsy-delete-choice', { detail, bubbles: true, composed: true }));
  }

  private cancel(): void {
    this.dispatchEvent(new CustomEvent('mimsy-cancel', { bubbles: true, composed: true }));
  }

  private radio(value: DeleteChoice['references'], label: string, disabled = false): unknown {
    return html`<label
      ><input
        type="radio"
        name="references"
        value=${value}
        .checked=${this.choice === value}
        ?disabled=${disabled}
        @change=${() => (this.choice = value)}
      />${label}</label
    >`;
  }

  override render(): unknown {
    const count = new Set(this.referrers.map((r) => `${r.schema}/${r.slug}`)).size;
    return html`<dialog aria-labelledby="title" @cancel=${() => this.cancel()}>
      <form @submit=${(e: Event) => this.decide(e)}>
        <h2 id="title">${count} ${count === 1 ? 'entry refers' : 'entries refer'} to ${this.slug}</h2>
        <ul>
          ${this.referrers.map(
            (r) =>
              html`<li>
                <a href=${href({ name: 'entry', schema: r.schema, slug: r.slug })} target="_blank"
                  >${r.schema}/${r.slug}</a
                >
                <span class="muted">(${r.field})</span>
              </li>`,
          )}
        </ul>
        <fieldset>
          <legend>When it is deleted, in the same commit:</legend>
          ${this.radio('repoint', 'Point them to', !this.others.length)}
          <select
            aria-label="The entry they point to instead"
            .value=${this.to}
            ?disabled=${this.choice !== 'repoint'}
            @change=${(e: Event) => (this.to = (e.target as HTMLSelectElement).value)}
          >
            <option value="">Choose…</option>
            ${this.others.map((o) => html`<option value=${o.slug}>${o.label}</option>`)}
          </select>
          ${this.radio('clear', 'Remove the reference from them')}
          ${this.radio('keep', 'Leave them pointing nowhere (each shows a problem until fixed)')}
        </fieldset>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class="actions">
          <button class="danger" type="submit">Delete</button>
          <button type="button" @click=${() => this.cancel()}>Cancel</button>
        </div>
      </form>
    </dialog>`;
  }
}
customElements.define('mimsy-delete-references', MimsyDeleteReferences);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-delete-references': MimsyDeleteReferences;
  }
}
