import { css, html, nothing } from 'lit';
import { html as staticHtml, unsafeStatic, type StaticValue } from 'lit/static-html.js';
import { FIELD_SPECS } from '@mimsy/core/validate';
import type { Field } from '@mimsy/core/types';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import './text-input.js';
import './textarea.js';
import './checkbox.js';
import './select.js';
import './list.js';
import './object.js';
import './relation.js';
import './media.js';
import './markdown.js';

let counter = 0;

/** The widget element of each field type, from core's field registry (registered above). */
const widgetOf = (type: Field['type']): StaticValue => unsafeStatic(FIELD_SPECS[type].widget);

/**
 * `<mimsy-field>` — one field of an entry: label, required mark, hint, the widget for its type,
 * and its error (from client-side checks or the server), all labelled for assistive technology.
 * @property field - the schema field
 * @property value - the current value
 * @property errors - JSON pointer → message for the whole entry
 * @property at - this field's JSON pointer (e.g. "/tags/2")
 * @property api - for relation search and media
 * @property readonly - viewers see values only
 * @fires mimsy-value - {value} when the editor changes it
 */
export class MimsyField extends FieldWidget {
  /** The label, hint and error around a widget: the widget inside is the form control. */
  static override formAssociated = false;
  static override styles = [
    theme,
    css`
      :host {
        display: grid;
        gap: 0.3rem;
      }
      .label {
        font-weight: 600;
      }
      .req {
        color: var(--m-danger);
      }
      .hint {
        font-size: 0.88rem;
      }
      .error {
        font-size: 0.9rem;
      }
    `,
  ];
  private readonly uid = `mimsy-field-${++counter}`;

  /** The hint and error elements shown, which the widget's controls point to. */
  private shown: Element[] = [];

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    super.updated(changed);
    const now = [...this.renderRoot.querySelectorAll('.hint, .error')];
    if (now.length === this.shown.length && now.every((el, i) => el === this.shown[i])) return;
    this.shown = now;
    this.requestUpdate(); // hands them to the widget (one more render, then stable)
  }

  private widget(): unknown {
    const tag = widgetOf(this.field.type);
    return staticHtml`<${tag}
      .field=${this.field}
      .value=${this.value}
      .inputId=${`${this.uid}-input`}
      .describers=${this.shown}
      ?invalid=${Boolean(this.errors[this.at])}
      .errors=${this.errors}
      .at=${this.at}
      .api=${this.api}
      ?readonly=${this.readonly}
    ></${tag}>`;
  }

  override render(): unknown {
    const f = this.field;
    const error = this.errors[this.at];
    return html`
      <span class="label" id=${`${this.uid}-label`}
        >${labelOf(f)}${f.required ? html` <span class="req" aria-label="required">*</span>` : nothing}</span
      >
      ${f.hint ? html`<span class="hint muted" id=${`${this.uid}-hint`}>${f.hint}</span>` : nothing}
      ${this.widget()}
      ${error ? html`<span class="error" id=${`${this.uid}-error`} role="alert">${`${labelOf(f)} ${error}`}</span>` : nothing}
    `;
  }
}
customElements.define('mimsy-field', MimsyField);
declare global {
  interface HTMLElementTagNameMap {
    'mimsy-field': MimsyField;
  }
}
