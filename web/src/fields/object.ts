import { css, html } from 'lit';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue } from './values.js';

/**
 * `<mimsy-object>` — nested fields; keys the schema does not declare are kept.
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
              emitValue(this, next);
            }}
          ></mimsy-field>`,
      )}
    </fieldset>`;
  }
}
customElements.define('mimsy-object', MimsyObject);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-object': MimsyObject;
  }
}
