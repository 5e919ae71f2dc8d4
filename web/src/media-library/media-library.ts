import { css, html, LitElement, nothing } from 'lit';
import { ErrorCodes } from '@mimsy/core/errors';
import { ApiError, type ApiClient, type MediaItem, type SessionUser } from '../api/client.js';
import { href } from '../app/router.js';
import { theme } from '../styles/theme.js';
import { isImage } from './kinds.js';

/** Entries that use a file, as the API names them when refusing to delete it. */
interface Use {
  schema: string;
  slug: string;
  field: string;
}

/**
 * `<mimsy-media-library>` — every media file, as thumbnails, filtered by kind; upload several at
 * once by choosing or dropping them, with progress; delete one — refused while entries use it,
 * naming them, unless the editor says delete anyway. Each upload and delete is a commit.
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
    kind: { state: true },
    blocked: { state: true },
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
      .bar {
        display: flex;
        gap: 1rem;
        align-items: end;
        flex-wrap: wrap;
      }
      .file {
        height: 7rem;
        display: grid;
        place-items: center;
        background: var(--m-card);
        border-radius: 4px;
        font-weight: 600;
      }
      .blocked {
        border: 2px solid var(--m-danger);
        border-radius: var(--m-radius);
        padding: 0.8rem;
        margin: 1rem 0;
      }
      ul.uses {
        display: block;
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
  declare files: MediaItem[] | null;
  /** Which files are shown. */
  declare kind: 'all' | 'images' | 'other';
  /** A delete refused because entries use the file: which, and who. */
  declare blocked: { file: MediaItem; uses: Use[] } | null;
  declare progress: number | null;
  declare message: { kind: 'ok' | 'error'; text: string } | null;
  declare over: boolean;

  constructor() {
    super();
    this.files = null;
    this.progress = null;
    this.message = null;
    this.over = false;
    this.kind = 'all';
    this.blocked = null;
  }

  private async deleteFile(file: MediaItem, force = false): Promise<void> {
    if (!force && !confirm(`Delete ${file.url}? This is a commit; the history keeps the file.`)) return;
    this.blocked = null;
    try {
      await this.api.removeMedia(file, force);
      this.message = { kind: 'ok', text: `Deleted ${file.url}.` };
      await this.load();
    } catch (error) {
      if (error instanceof ApiError && error.code === ErrorCodes.REFERENCED)
        this.blocked = { file, uses: (error.details as { referrers?: Use[] }).referrers ?? [] };
      else this.message = { kind: 'error', text: (error as Error).message };
    }
  }

  private renderBlocked(): unknown {
    const b = this.blocked;
    if (!b) return nothing;
    return html`<div class="blocked" role="alert">
      <p>
        ${b.file.url} is used by ${b.uses.length === 1 ? 'an entry' : `${b.uses.length} entries`}; a page
        would show it broken:
      </p>
      <ul class="uses">
        ${b.uses.map(
          (u) =>
            html`<li>
              <a
                href=${u.slug ? href({ name: 'entry', schema: u.schema, slug: u.slug }) : href({ name: 'singleton', schema: u.schema })}
                >${u.schema}/${u.slug || u.schema}</a
              >
              <span class="muted">(${u.field})</span>
            </li>`,
        )}
      </ul>
      <button type="button" class="danger" @click=${() => void this.deleteFile(b.file, true)}>
        Delete anyway
      </button>
      <button type="button" @click=${() => (this.blocked = null)}>Keep it</button>
    </div>`;
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

  private shown(): MediaItem[] {
    const files = this.files ?? [];
    return this.kind === 'all' ? files : files.filter((f) => isImage(f.url) === (this.kind === 'images'));
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
      ${this.renderBlocked()}
      ${
        this.files === null
          ? html`<p class="muted">Loading…</p>`
          : html`<div class="bar">
                <label
                  >Show
                  <select
                    .value=${this.kind}
                    @change=${(e: Event) => (this.kind = (e.target as HTMLSelectElement).value as typeof this.kind)}
                  >
                    <option value="all">All files</option>
                    <option value="images">Images</option>
                    <option value="other">Other files</option>
                  </select></label
                >
                <p class="muted" aria-live="polite">${this.shown().length} of ${this.files.length} file(s)</p>
              </div>
              <ul aria-label="Media files">
                ${this.shown().map(
                  (f) =>
                    html`<li>
                      ${isImage(f.url) ? html`<img src=${f.url} alt="" loading="lazy" />` : html`<div class="file" aria-hidden="true">${f.url.split('.').pop()?.toUpperCase()}</div>`}
                      <div class="name">${f.url}</div>
                      <div class="muted">${(f.size / 1024).toFixed(1)} KB</div>
                      ${canWrite ? html`<button type="button" class="danger" aria-label=${`Delete ${f.url}`} @click=${() => void this.deleteFile(f)}>Delete</button>` : nothing}
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
