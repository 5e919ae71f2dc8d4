import { css, html, nothing } from 'lit';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue } from './values.js';

/**
 * `<mimsy-media>` — an image or file path: type it, upload a file (committed at once), or pick
 * one from the media library. Images show a preview.
 * @fires mimsy-value
 */
export class MimsyMedia extends FieldWidget {
  static override properties = { library: { state: true }, status: { state: true } };
  static override styles = [
    theme,
    css`
      .row {
        display: flex;
        gap: 0.4rem;
        flex-wrap: wrap;
        align-items: center;
      }
      input[type='text'] {
        flex: 1;
        min-width: 12rem;
      }
      img {
        max-width: 12rem;
        max-height: 8rem;
        border-radius: var(--m-radius);
        border: 1px solid var(--m-line);
      }
      ul {
        list-style: none;
        padding: 0;
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        max-height: 14rem;
        overflow: auto;
      }
      li button {
        font-size: 0.85rem;
      }
    `,
  ];
  declare library: { path: string; url: string }[] | null;
  declare status: string;

  constructor() {
    super();
    this.library = null;
    this.status = '';
  }

  private async upload(files: FileList | null): Promise<void> {
    if (!files?.length) return;
    this.status = 'Uploading…';
    try {
      const { items } = await this.api.uploadMedia([...files]);
      emitValue(this, items[0]!.url);
      this.status = `Uploaded ${items[0]!.url}`;
    } catch (error) {
      this.status = (error as Error).message;
    }
  }

  override render(): unknown {
    const value = typeof this.value === 'string' ? this.value : '';
    const name = labelOf(this.field);
    return html`
      <div class="row">
        <input
          type="text"
          id=${this.inputId}
          aria-label=${`${name} path`}
          .value=${value}
          ?readonly=${this.readonly}
          @input=${(e: Event) => emitValue(this, (e.target as HTMLInputElement).value || undefined)}
        />
        ${
          this.readonly
            ? nothing
            : html`<input
                  class="visually-hidden"
                  type="file"
                  tabindex="-1"
                  aria-hidden="true"
                  accept=${this.field.type === 'image' ? 'image/*' : '*/*'}
                  @change=${(e: Event) => void this.upload((e.target as HTMLInputElement).files)}
                /><button
                  type="button"
                  @click=${(e: Event) => ((e.currentTarget as HTMLElement).previousElementSibling as HTMLInputElement).click()}
                >
                  Upload…
                </button>
                <button @click=${async () => (this.library = this.library ? null : await this.api.media())}>
                  ${this.library ? 'Close library' : 'Choose…'}
                </button>`
        }
      </div>
      ${this.status ? html`<span class="muted" role="status">${this.status}</span>` : nothing}
      ${this.field.type === 'image' && value && value.startsWith('/') ? html`<img src=${value} alt=${`${name} preview`} />` : nothing}
      ${
        this.library
          ? html`<ul aria-label="Media library">
              ${this.library.map((m) => html`<li><button @click=${() => ((this.library = null), emitValue(this, m.url))}>${m.url}</button></li>`)}
            </ul>`
          : nothing
      }
    `;
  }
}
customElements.define('mimsy-media', MimsyMedia);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-media': MimsyMedia;
  }
}
