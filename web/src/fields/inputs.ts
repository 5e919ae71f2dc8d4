import { css, html } from 'lit';
import type { Field } from '@mimsy/core/types';
import { dateTimeMs } from '@mimsy/core/validate';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';

/** Sends a widget's new value to its field (bubbles to <mimsy-field> only). */
export function emitValue(from: HTMLElement, value: unknown): void {
  from.dispatchEvent(new CustomEvent('mimsy-value', { detail: { value }, bubbles: true, composed: true }));
}

/** ISO datetime (UTC) ↔ the local "YYYY-MM-DDTHH:mm" a datetime-local input shows. */
export function isoToLocalInput(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  const d = new Date(dateTimeMs(iso));
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export function localInputToIso(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

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
 * @property field, value, inputId, describedBy, readonly
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
      aria-describedby=${this.describedBy}
      aria-label=${labelOf(f)}
      @change=${(e: Event) => this.change((e.target as HTMLInputElement).value)}
      @input=${(e: Event) => f.type !== 'number' && f.type !== 'datetime' && f.type !== 'date' && this.change((e.target as HTMLInputElement).value)}
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
      aria-describedby=${this.describedBy}
      ?readonly=${this.readonly}
      .value=${typeof this.value === 'string' ? this.value : ''}
      @input=${(e: Event) => emitValue(this, (e.target as HTMLTextAreaElement).value || undefined)}
    ></textarea>`;
  }
}
customElements.define('mimsy-textarea', MimsyTextarea);

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
      aria-describedby=${this.describedBy}
      .checked=${this.value === true}
      ?disabled=${this.readonly}
      @change=${(e: Event) => emitValue(this, (e.target as HTMLInputElement).checked)}
    />`;
  }
}
customElements.define('mimsy-checkbox', MimsyCheckbox);

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
      return html`<fieldset
        id=${this.inputId}
        aria-describedby=${this.describedBy}
        aria-label=${labelOf(this.field)}
      >
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
      aria-describedby=${this.describedBy}
      ?disabled=${this.readonly}
      @change=${(e: Event) => emitValue(this, (e.target as HTMLSelectElement).value || undefined)}
    >
      <option value="" ?selected=${this.value === undefined || this.value === ''}>—</option>
      ${options.map((o) => html`<option value=${o.value} ?selected=${this.value === o.value}>${o.label}</option>`)}
    </select>`;
  }
}
customElements.define('mimsy-select', MimsySelect);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-text-input': MimsyTextInput;
    'mimsy-textarea': MimsyTextarea;
    'mimsy-checkbox': MimsyCheckbox;
    'mimsy-select': MimsySelect;
  }
}
