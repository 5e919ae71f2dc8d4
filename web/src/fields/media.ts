import { css, html, nothing } from 'lit';
import { theme } from '../styles/theme.js';
import { FieldWidget } from './widget.js';
import { labelOf } from './label.js';
import { emitValue } from './values.js';
import { isImage, isPageResource, suits } from '../media-library/kinds.js';
import { ContextConsumer } from '@lit/context';
import { bundleContext } from '../app/context.js';

/**
 * `<mimsy-media>` — an image or file path: type it, upload a file (committed at once), or pick
 * one from the media library — thumbnails, and for an image field only images (of its `accept`
 * extensions). Images show a preview.
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
      .picker ul {
        list-style: none;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(7rem, 1fr));
        gap: 0.5rem;
      }
      .picker button {
        width: 100%;
        display: grid;
        gap: 0.25rem;
        font-size: 0.8rem;
        word-break: break-all;
      }
      .picker img {
        width: 100%;
        height: 5rem;
        max-width: none;
        object-fit: cover;
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

  /** The page bundle being edited, if the entry is one: uploads go beside its page. */
  private readonly bundle = new ContextConsumer(this, { context: bundleContext, subscribe: true });

  private async upload(files: FileList | null): Promise<void> {
    if (!files?.length) return;
    this.status = 'Uploading…';
    try {
      const bundle = this.bundle.value;
      if (bundle) {
        // Into the page's own folder, named as the page refers to it (a page resource).
        const [added] = await this.api.uploadToBundle(bundle.schema, bundle.slug, [...files]);
        emitValue(this, added!.name);
        this.status = `Added ${added!.name} beside the page`;
        this.dispatchEvent(new CustomEvent('mimsy-bundle-changed', { bubbles: true, composed: true }));
      } else {
        const { items } = await this.api.uploadMedia([...files]);
        emitValue(this, items[0]!.url);
        this.status = `Uploaded ${items[0]!.url}`;
      }
    } catch (error) {
      this.status = (error as Error).message;
    }
  }

  /** Where the browser can load a value: a page resource's name through the bundle's file URL. */
  private src(value: string): string | null {
    if (!isPageResource(value)) return value;
    const bundle = this.bundle.value;
    return bundle && bundle.files.includes(value)
      ? this.api.bundleFileUrl(bundle.schema, bundle.slug, value)
      : null;
  }

  /** What the picker offers: the page bundle's own files first (by name), then the library's. */
  private choices(): { value: string; src: string }[] {
    const bundle = this.bundle.value;
    const own = (bundle?.files ?? [])
      .filter((f) => suits(this.field, f))
      .map((f) => ({ value: f, src: this.api.bundleFileUrl(bundle!.schema, bundle!.slug, f) }));
    const library = (this.library ?? [])
      .filter((m) => suits(this.field, m.url))
      .map((m) => ({ value: m.url, src: m.url }));
    return [...own, ...library];
  }

  /** The files this field can take, as thumbnails (images) or names, each a button. */
  private renderPicker(files: { value: string; src: string }[]): unknown {
    const what = this.field.type === 'image' ? 'images' : 'files';
    return html`<div class="picker">
      ${
        files.length
          ? html`<ul aria-label=${`Media library: ${what} for ${labelOf(this.field)}`}>
              ${files.map(
                (m) =>
                  html`<li>
                    <button
                      type="button"
                      aria-label=${`Choose ${m.value}`}
                      @click=${() => ((this.library = null), emitValue(this, m.value))}
                    >
                      ${isImage(m.value) ? html`<img src=${m.src} alt="" loading="lazy" />` : nothing}
                      <span>${m.value.split('/').pop()}</span>
                    </button>
                  </li>`,
              )}
            </ul>`
          : html`<p class="muted">No ${what} in the media library yet: upload one.</p>`
      }
    </div>`;
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
      ${this.field.type === 'image' && value && this.src(value) ? html`<img src=${this.src(value)!} alt=${`${name} preview`} />` : nothing}
      ${this.library ? this.renderPicker(this.choices()) : nothing}
    `;
  }
}
customElements.define('mimsy-media', MimsyMedia);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-media': MimsyMedia;
  }
}
