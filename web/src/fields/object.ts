import { css, html, nothing } from 'lit';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue } from './values.js';

/**
 * `<mimsy-object>` — nested fields; keys the schema does not declare are kept. An optional group
 * can be removed whole ("Remove …"), and one whose fields are all emptied is removed too.
 * @fires mimsy-value
 */
export class MimsyObject extends FieldWidget {
  static override styles = [
    theme,
    css`
      fieldset {
        border: 1px solid var(--m-line);
        border-radius: var(--m-radius);
        display: grid;
        gap: 0.8rem;
        padding: 0.8rem;
        margin: 0;
      }
    `,
  ];

  override render(): unknown {
    const value =
      typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value)
        ? (this.value as Record<string, unknown>)
        : {};
    return html`<fieldset aria-label=${labelOf(this.field)}>
      ${(this.field.fields ?? []).map(
        (f) =>
          html`<mimsy-field
            .field=${f}
            .value=${value[f.name]}
            .errors=${this.errors}
            .at=${`${this.at}/${f.name}`}
            .api=${this.api}
            ?readonly=${this.readonly}
            @mimsy-value=${(e: CustomEvent<{ value: unknown }>) => {
              e.stopPropagation();
              const next = { ...value, [f.name]: e.detail.value };
              if (e.detail.value === undefined) delete next[f.name];
              // An optional group with nothing left in it is no group at all (not {}).
              emitValue(this, Object.keys(next).length || this.field.required ? next : undefined);
            }}
          ></mimsy-field>`,
      )}
      ${
        !this.field.required && !this.readonly && Object.keys(value).length
          ? html`<div>
              <button type="button" @click=${() => emitValue(this, undefined)}>
                Remove ${labelOf(this.field)}
              </button>
            </div>`
          : nothing
      }
    </fieldset>`;
  }
}
customElements.define('mimsy-object', MimsyObject);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-object': MimsyObject;
  }
}
