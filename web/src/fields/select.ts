import { css, html } from 'lit';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue } from './values.js';

/**
 * `<mimsy-select>` — one option (a select) or several (checkboxes).
 * @fires mimsy-value
 */
export class MimsySelect extends FieldWidget {
  static override styles = [
    theme,
    css`
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.8rem;
      }
    `,
  ];
  override render(): unknown {
    const options = (this.field.options ?? []).map((o) =>
      typeof o === 'string' ? { value: o, label: o } : { value: o.value, label: o.label ?? o.value },
    );
    if (this.field.multiple) {
      const chosen = Array.isArray(this.value) ? (this.value as string[]) : [];
      return html`<fieldset id=${this.inputId} data-control aria-label=${labelOf(this.field)}>
        ${options.map(
          (o) =>
            html`<label
              ><input
                type="checkbox"
                .checked=${chosen.includes(o.value)}
                ?disabled=${this.readonly}
                @change=${(e: Event) => {
                  const on = (e.target as HTMLInputElement).checked;
                  const next = options
                    .map((x) => x.value)
                    .filter((v) => (v === o.value ? on : chosen.includes(v)));
                  emitValue(this, next.length ? next : undefined);
                }}
              />
              ${o.label}</label
            >`,
        )}
      </fieldset>`;
    }
    return html`<select
      id=${this.inputId}
      aria-label=${labelOf(this.field)}
      data-control
      ?disabled=${this.readonly}
      @change=${(e: Event) => emitValue(this, (e.target as HTMLSelectElement).value || undefined)}
    >
      <option value="" ?selected=${this.value === undefined || this.value === ''}>—</option>
      ${options.map((o) => html`<option value=${o.value} ?selected=${this.value === o.value}>${o.label}</option>`)}
    </select>`;
  }
}
customElements.define('mimsy-select', MimsySelect);
