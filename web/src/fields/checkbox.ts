import { html } from 'lit';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue } from './values.js';

/**
 * `<mimsy-checkbox>` — boolean.
 * @fires mimsy-value
 */
export class MimsyCheckbox extends FieldWidget {
  static override styles = [theme];
  override render(): unknown {
    return html`<input
      type="checkbox"
      id=${this.inputId}
      aria-label=${labelOf(this.field)}
      data-control
      .checked=${this.value === true}
      ?disabled=${this.readonly}
      @change=${(e: Event) => emitValue(this, (e.target as HTMLInputElement).checked)}
    />`;
  }
}
customElements.define('mimsy-checkbox', MimsyCheckbox);
