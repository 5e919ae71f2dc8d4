import { css, html } from 'lit';
import type { Entry } from '@mimsy/core/types';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue } from './values.js';

let lists = 0;

/**
 * `<mimsy-relation>` — the slug of an entry of `field.schema`, with search-as-you-type over the
 * target collection (server-side `q`); `multiple` keeps a list of them.
 * @fires mimsy-value
 */
export class MimsyRelation extends FieldWidget {
  static override properties = { suggestions: { state: true }, draft: { state: true } };
  static override styles = [
    theme,
    css`
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        margin-bottom: 0.3rem;
      }
      .chip {
        border: 1px solid var(--m-line);
        border-radius: 1rem;
        padding: 0.1rem 0.5rem;
      }
      input {
        width: 100%;
      }
    `,
  ];
  declare suggestions: Entry[];
  declare draft: string;
  private readonly listId = `mimsy-relation-${++lists}`;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.suggestions = [];
    this.draft = '';
  }

  private search(q: string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.api
        .list(this.field.schema!, { q, limit: 20 })
        .then((page) => (this.suggestions = page.items))
        .catch(() => (this.suggestions = []));
    }, 150);
  }

  private label(e: Entry): string {
    const t = e.data.title ?? e.data.name;
    return typeof t === 'string' ? `${t} (${e.slug})` : e.slug;
  }

  override render(): unknown {
    const name = labelOf(this.field);
    const datalist = html`<datalist id=${this.listId}>
      ${this.suggestions.map((e) => html`<option value=${e.slug}>${this.label(e)}</option>`)}
    </datalist>`;
    if (!this.field.multiple) {
      return html`<input
          id=${this.inputId}
          list=${this.listId}
          aria-label=${`${name} (search ${this.field.schema})`}
          .value=${typeof this.value === 'string' ? this.value : ''}
          ?readonly=${this.readonly}
          autocomplete="off"
          @focus=${(e: Event) => this.search((e.target as HTMLInputElement).value)}
          @input=${(e: Event) => {
            const v = (e.target as HTMLInputElement).value;
            this.search(v);
            emitValue(this, v || undefined);
          }}
        />${datalist}`;
    }
    const chosen = Array.isArray(this.value) ? (this.value as string[]) : [];
    return html`<div class="chips">
        ${chosen.map((slug) => html`<span class="chip">${slug} ${this.readonly ? '' : html`<button aria-label=${`Remove ${slug}`} @click=${() => emitValue(this, chosen.filter((s) => s !== slug).length ? chosen.filter((s) => s !== slug) : undefined)}>✕</button>`}</span>`)}
      </div>
      ${
        this.readonly
          ? ''
          : html`<input
                id=${this.inputId}
                list=${this.listId}
                aria-label=${`Add ${name} (search ${this.field.schema}, Enter to add)`}
                .value=${this.draft}
                autocomplete="off"
                @focus=${(e: Event) => this.search((e.target as HTMLInputElement).value)}
                @input=${(e: Event) => {
                  this.draft = (e.target as HTMLInputElement).value;
                  this.search(this.draft);
                }}
                @keydown=${(e: KeyboardEvent) => {
                  if (e.key !== 'Enter' || !this.draft) return;
                  e.preventDefault();
                  if (!chosen.includes(this.draft)) emitValue(this, [...chosen, this.draft]);
                  this.draft = '';
                }}
              />${datalist}`
      }`;
  }
}
customElements.define('mimsy-relation', MimsyRelation);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-relation': MimsyRelation;
  }
}
