import { css, html, LitElement, nothing } from 'lit';
import type { ApiClient, SessionUser } from '../api/client.js';
import { theme } from '../styles/theme.js';

const IMAGE = /\.(png|jpe?g|gif|webp|avif)$/i;

/**
 * `<mimsy-media-library>` — every media file; upload several at once by choosing or dropping
 * them, with progress. Each upload is a commit.
 * @property api, user
 */
export class MimsyMediaLibrary extends LitElement {
  static override properties = {
    api: { attribute: false },
    user: { attribute: false },
    files: { state: true },
    progress: { state: true },
    message: { state: true },
    over: { state: true },
  };
  static override styles = [
    theme,
    css`
      .drop {
        border: 2px dashed var(--m-line);
        border-radius: var(--m-radius);
        padding: 1.5rem;
        text-align: center;
      }
      .drop.over {
        border-color: var(--m-accent);
      }
      ul {
        list-style: none;
        padding: 0;
        display: grid;
        gap: 0.8rem;
        grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr));
      }
      li {
        border: 1px solid var(--m-line);
        border-radius: var(--m-radius);
        padding: 0.5rem;
        overflow: hidden;
      }
      img {
        width: 100%;
        height: 7rem;
        object-fit: cover;
        border-radius: 4px;
        background: var(--m-card);
      }
      .name {
        font-size: 0.85rem;
        word-break: break-all;
      }
      progress {
        width: 100%;
      }
    `,
  ];
  declare api: ApiClient;
  declare user: SessionUser;
  declare files: { path: string; url: string; size: number }[] | null;
  declare progress: number | null;
  declare message: { kind: 'ok' | 'error'; text: string } | null;
  declare over: boolean;

  constructor() {
    super();
    this.files = null;
    this.progress = null;
    this.message = null;
    this.over = false;
  }

  override firstUpdated(): void {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.files = await this.api.media();
    } catch (error) {
      this.message = { kind: 'error', text: (error as Error).message };
    }
  }

  private async upload(list: FileList | File[] | null): Promise<void> {
    const files = [...(list ?? [])];
    if (!files.length) return;
    this.progress = 0;
    this.message = null;
    try {
      const { items } = await this.api.uploadWithProgress(files, (f) => (this.progress = f));
      this.message = { kind: 'ok', text: `Uploaded ${items.map((i) => i.url).join(', ')}` };
      await this.load();
    } catch (error) {
      this.message = { kind: 'error', text: (error as Error).message };
    } finally {
      this.progress = null;
    }
  }

  override render(): unknown {
    const canWrite = this.user.role !== 'viewer';
    return html`<h1>Media</h1>
      ${
        canWrite
          ? html`<div
              class="drop ${this.over ? 'over' : ''}"
              @dragover=${(e: DragEvent) => (e.preventDefault(), (this.over = true))}
              @dragleave=${() => (this.over = false)}
              @drop=${(e: DragEvent) => {
                e.preventDefault();
                this.over = false;
                void this.upload(e.dataTransfer?.files ?? null);
              }}
            >
              <p>Drop images or PDFs here, or</p>
              <input
                class="visually-hidden"
                type="file"
                multiple
                tabindex="-1"
                aria-hidden="true"
                @change=${(e: Event) => void this.upload((e.target as HTMLInputElement).files)}
              /><button
                type="button"
                @click=${(e: Event) => ((e.currentTarget as HTMLElement).previousElementSibling as HTMLInputElement).click()}
              >
                Choose files…
              </button>
              ${this.progress !== null ? html`<progress aria-label="Upload progress" max="1" .value=${this.progress}></progress>` : nothing}
            </div>`
          : nothing
      }
      ${this.message ? html`<p class=${this.message.kind === 'error' ? 'error' : 'muted'} role=${this.message.kind === 'error' ? 'alert' : 'status'}>${this.message.text}</p>` : nothing}
      ${
        this.files === null
          ? html`<p class="muted">Loading…</p>`
          : html`<p class="muted">${this.files.length} file(s)</p>
              <ul aria-label="Media files">
                ${this.files.map(
                  (f) =>
                    html`<li>
                      ${IMAGE.test(f.path) ? html`<img src=${f.url} alt="" loading="lazy" />` : nothing}
                      <div class="name">${f.url}</div>
                      <div class="muted">${(f.size / 1024).toFixed(1)} KB</div>
                    </li>`,
                )}
              </ul>`
      }`;
  }
}
customElements.define('mimsy-media-library', MimsyMediaLibrary);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-media-library': MimsyMediaLibrary;
  }
}
