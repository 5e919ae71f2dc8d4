import { css, html, LitElement, nothing } from 'lit';
import type { Field } from '@mimsy/core/types';
import type { ApiClient } from '../api/client.js';
import { theme } from '../styles/theme.js';
import { labelOf } from './label.js';
import './inputs.js';
import './list.js';
import './object.js';
import './relation.js';
import './media.js';
import './markdown.js';

let counter = 0;

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
export class MimsyField extends LitElement {
  static override properties = {
    field: { attribute: false },
    value: { attribute: false },
    errors: { attribute: false },
    at: { attribute: false },
    api: { attribute: false },
    readonly: { type: Boolean },
  };
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
  declare field: Field;
  declare value: unknown;
  declare errors: Record<string, string>;
  declare at: string;
  declare api: ApiClient;
  declare readonly: boolean;
  private readonly uid = `mimsy-field-${++counter}`;

  constructor() {
    super();
    this.errors = {};
    this.at = '';
    this.readonly = false;
  }

  private widget(): unknown {
    const f = this.field;
    const common = {
      field: f,
      value: this.value,
      inputId: `${this.uid}-input`,
      describedBy: `${this.uid}-hint ${this.uid}-error`,
      readonly: this.readonly,
    };
    switch (f.type) {
      case 'text':
        return html`<mimsy-textarea
          .field=${common.field}
          .value=${common.value}
          .inputId=${common.inputId}
          .describedBy=${common.describedBy}
          ?readonly=${common.readonly}
        ></mimsy-textarea>`;
      case 'markdown':
        return html`<mimsy-markdown
          .field=${common.field}
          .value=${common.value}
          .inputId=${common.inputId}
          .describedBy=${common.describedBy}
          ?readonly=${common.readonly}
        ></mimsy-markdown>`;
      case 'boolean':
        return html`<mimsy-checkbox
          .field=${common.field}
          .value=${common.value}
          .inputId=${common.inputId}
          .describedBy=${common.describedBy}
          ?readonly=${common.readonly}
        ></mimsy-checkbox>`;
      case 'select':
        return html`<mimsy-select
          .field=${common.field}
          .value=${common.value}
          .inputId=${common.inputId}
          .describedBy=${common.describedBy}
          ?readonly=${common.readonly}
        ></mimsy-select>`;
      case 'list':
        return html`<mimsy-list
          .field=${f}
          .value=${this.value}
          .errors=${this.errors}
          .at=${this.at}
          .api=${this.api}
          ?readonly=${this.readonly}
        ></mimsy-list>`;
      case 'object':
        return html`<mimsy-object
          .field=${f}
          .value=${this.value}
          .errors=${this.errors}
          .at=${this.at}
          .api=${this.api}
          ?readonly=${this.readonly}
        ></mimsy-object>`;
      case 'relation':
        return html`<mimsy-relation
          .field=${f}
          .value=${this.value}
          .api=${this.api}
          .inputId=${common.inputId}
          ?readonly=${this.readonly}
        ></mimsy-relation>`;
      case 'image':
      case 'file':
        return html`<mimsy-media
          .field=${f}
          .value=${this.value}
          .api=${this.api}
          .inputId=${common.inputId}
          ?readonly=${this.readonly}
        ></mimsy-media>`;
      default:
        return html`<mimsy-text-input
          .field=${common.field}
          .value=${common.value}
          .inputId=${common.inputId}
          .describedBy=${common.describedBy}
          ?readonly=${common.readonly}
        ></mimsy-text-input>`;
    }
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
      ${error ? html`<span class="error" id=${`${this.uid}-error`} role="alert">${labelOf(f)} ${error}</span>` : nothing}
    `;
  }
}
customElements.define('mimsy-field', MimsyField);
declare global {
  interface HTMLElementTagNameMap {
    'mimsy-field': MimsyField;
  }
}
