import { css, html } from 'lit';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue } from './values.js';

/**
 * `<mimsy-textarea>` — multi-line text.
 * @fires mimsy-value
 */
export class MimsyTextarea extends FieldWidget {
  static override styles = [
    theme,
    css`
      textarea {
        width: 100%;
        min-height: 5rem;
        resize: vertical;
      }
    `,
  ];
  override render(): unknown {
    return html`<textarea
      id=${this.inputId}
      aria-label=${labelOf(this.field)}
      data-control
      ?readonly=${this.readonly}
      .value=${typeof this.value === 'string' ? this.value : ''}
      @input=${(e: Event) => emitValue(this, (e.target as HTMLTextAreaElement).value || undefined)}
    ></textarea>`;
  }
}
customElements.define('mimsy-textarea', MimsyTextarea);
