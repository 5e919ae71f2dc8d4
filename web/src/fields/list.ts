import { css, html } from 'lit';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue } from './values.js';

/**
 * `<mimsy-list>` — a list of values of `field.of`: add, remove and reorder items.
 * @fires mimsy-value
 */
export class MimsyList extends FieldWidget {
  static override styles = [
    theme,
    css`
      ol {
        padding-left: 1.2rem;
        display: grid;
        gap: 0.5rem;
        margin: 0;
      }
      li {
        display: flex;
        gap: 0.4rem;
        align-items: start;
      }
      li > mimsy-field {
        flex: 1;
      }
      .tools {
        display: flex;
        gap: 0.2rem;
      }
      button.small {
        padding: 0.15rem 0.45rem;
      }
    `,
  ];

  private get items(): unknown[] {
    return Array.isArray(this.value) ? (this.value as unknown[]) : [];
  }

  private set(items: unknown[]): void {
    emitValue(this, items.length ? items : undefined);
  }

  private move(i: number, by: number): void {
    const items = [...this.items];
    const [item] = items.splice(i, 1);
    items.splice(i + by, 0, item);
    this.set(items);
  }

  override render(): unknown {
    const of = { name: this.field.name, ...(this.field.of ?? { type: 'string' }) };
    const name = labelOf(this.field);
    return html`<ol aria-label=${name}>
        ${this.items.map(
          (item, i) =>
            html`<li>
              <mimsy-field
                .field=${{ ...of, label: `${name} ${i + 1}` }}
                .value=${item}
                .errors=${this.errors}
                .at=${`${this.at}/${i}`}
                .api=${this.api}
                ?readonly=${this.readonly}
                @mimsy-value=${(e: CustomEvent<{ value: unknown }>) => {
                  e.stopPropagation();
                  const items = [...this.items];
                  items[i] = e.detail.value;
                  this.set(items);
                }}
              ></mimsy-field>
              ${
                this.readonly
                  ? ''
                  : html`<span class="tools">
                      <button
                        class="small"
                        aria-label=${`Move ${name} ${i + 1} up`}
                        ?disabled=${i === 0}
                        @click=${() => this.move(i, -1)}
                      >
                        ↑
                      </button>
                      <button
                        class="small"
                        aria-label=${`Move ${name} ${i + 1} down`}
                        ?disabled=${i === this.items.length - 1}
                        @click=${() => this.move(i, 1)}
                      >
                        ↓
                      </button>
                      <button
                        class="small danger"
                        aria-label=${`Remove ${name} ${i + 1}`}
                        @click=${() => this.set(this.items.filter((_, j) => j !== i))}
                      >
                        ✕
                      </button>
                    </span>`
              }
            </li>`,
        )}
      </ol>
      ${this.readonly ? '' : html`<button @click=${() => this.set([...this.items, of.type === 'object' ? {} : of.type === 'boolean' ? false : undefined])}>Add ${name}</button>`}`;
  }
}
customElements.define('mimsy-list', MimsyList);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-list': MimsyList;
  }
}
