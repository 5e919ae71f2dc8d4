import { css, html } from 'lit';
import type { Field } from '@mimsy/core/types';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue, isoToLocalInput, localInputToIso } from './values.js';

const INPUT_TYPE: Partial<Record<Field['type'], string>> = {
  string: 'text',
  slug: 'text',
  url: 'url',
  email: 'email',
  number: 'number',
  date: 'date',
  datetime: 'datetime-local',
  color: 'text',
};

/**
 * `<mimsy-text-input>` — one-line values: string, slug, url, email, number, date, datetime, color.
 * @property field, value, inputId, describers, invalid, readonly
 * @fires mimsy-value
 */
export class MimsyTextInput extends FieldWidget {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      input:not([type='color']) {
        width: 100%;
      }
      .color {
        display: flex;
        gap: 0.4rem;
        align-items: center;
      }
      input[type='color'] {
        width: 3rem;
        height: 2.2rem;
        padding: 0.1rem;
      }
    `,
  ];

  // Labels live in the field's shadow root; this control is reachable through the host's aria-labelledby.
  private change(raw: string): void {
    const f = this.field;
    if (f.type === 'number') emitValue(this, raw === '' ? undefined : Number(raw));
    else if (f.type === 'datetime') emitValue(this, localInputToIso(raw));
    else emitValue(this, raw === '' ? undefined : raw);
  }

  /**
   * While typing: text as it comes; a number or date once the browser reads it as one (half-typed
   * ones, such as "-", read as empty and wait for `change`), so a value is never only in the box.
   */
  private input(el: HTMLInputElement): void {
    const t = this.field.type;
    if ((t === 'number' || t === 'date' || t === 'datetime') && (el.value === '' || !el.validity.valid))
      return;
    this.change(el.value);
  }

  override render(): unknown {
    const f = this.field;
    const shown =
      f.type === 'datetime'
        ? isoToLocalInput(this.value)
        : typeof this.value === 'string' || typeof this.value === 'number'
          ? String(this.value)
          : '';
    const input = html`<input
      id=${this.inputId}
      type=${INPUT_TYPE[f.type] ?? 'text'}
      .value=${shown}
      ?readonly=${this.readonly}
      ?required=${f.required === true}
      step=${f.type === 'number' && !f.integer ? 'any' : '1'}
      data-control
      aria-label=${labelOf(f)}
      @change=${(e: Event) => this.change((e.target as HTMLInputElement).value)}
      @input=${(e: Event) => this.input(e.target as HTMLInputElement)}
    />`;
    if (f.type !== 'color') return input;
    return html`<div class="color">
      <input
        type="color"
        aria-label=${`${labelOf(f)} picker`}
        .value=${/^#[0-9a-f]{6}$/i.test(shown) ? shown : '#000000'}
        ?disabled=${this.readonly}
        @input=${(e: Event) => this.change((e.target as HTMLInputElement).value)}
      />
      ${input}
    </div>`;
  }
}
customElements.define('mimsy-text-input', MimsyTextInput);
