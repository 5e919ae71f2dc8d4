import { css, html, LitElement, nothing } from 'lit';
import type { ApiClient } from '../api/client.js';
import { theme } from '../styles/theme.js';

const IMAGE = /\.(png|jpe?g|gif|webp|avif)$/i;

/**
 * `<mimsy-bundle-files>` — the files of a page bundle (Hugo's `trip/index.md` and the images
 * beside it): thumbnails, upload (each file a commit, beside the page) and delete.
 * @property api, schema, slug
 * @property folder   the bundle's folder (repository path); `files` are repository paths under it
 * @property files    the bundle's files besides its page
 * @property readonly viewers see the files and cannot change them
 */
export class MimsyBundleFiles extends LitElement {
  static override properties = {
    api: { attribute: false },
    schema: { attribute: false },
    slug: { attribute: false },
    folder: { attribute: false },
    files: { attribute: false },
    readonly: { type: Boolean },
    busy: { state: true },
    message: { state: true },
  };
  static override styles = [
    theme,
    css`
      ul {
        list-style: none;
        padding: 0;
        display: grid;
        gap: 0.6rem;
        grid-template-columns: repeat(auto-fill, minmax(8rem, 1fr));
      }
      li {
        border: 1px solid var(--m-line);
        border-radius: var(--m-radius);
        padding: 0.4rem;
        display: grid;
        gap: 0.3rem;
      }
      img {
        width: 100%;
        height: 5rem;
        object-fit: cover;
        border-radius: 4px;
        background: var(--m-card);
      }
      code {
        font-size: 0.8rem;
        word-break: break-all;
      }
    `,
  ];

  declare api: ApiClient;
  declare schema: string;
  declare slug: string;
  declare folder: string;
  declare files: string[];
  declare readonly: boolean;
  declare busy: boolean;
  declare message: { kind: 'ok' | 'error'; text: string } | null;

  constructor() {
    super();
    this.files = [];
    this.readonly = false;
    this.busy = false;
    this.message = null;
  }

  private nameOf(path: string): string {
    return path.slice(this.folder.length + 1);
  }

  private async upload(input: HTMLInputElement): Promise<void> {
    const chosen = [...(input.files ?? [])];
    input.value = '';
    if (!chosen.length) return;
    this.busy = true;
    this.message = null;
    try {
      const items = await this.api.uploadToBundle(this.schema, this.slug, chosen);
      this.files = [...new Set([...this.files, ...items.map((i) => i.path)])].sort();
      this.message = { kind: 'ok', text: `Added ${items.map((i) => i.name).join(', ')}.` };
      this.changed();
    } catch (error) {
      this.message = { kind: 'error', text: (error as Error).message };
    } finally {
      this.busy = false;
    }
  }

  private async deleteFile(path: string): Promise<void> {
    const name = this.nameOf(path);
    if (!confirm(`Delete ${name} from this page bundle? It stays in the repository's history.`)) return;
    this.busy = true;
    this.message = null;
    try {
      await this.api.removeFromBundle(this.schema, this.slug, name);
      this.files = this.files.filter((f) => f !== path);
      this.message = { kind: 'ok', text: `Deleted ${name}.` };
      this.changed();
    } catch (error) {
      this.message = { kind: 'error', text: (error as Error).message };
    } finally {
      this.busy = false;
    }
  }

  private changed(): void {
    this.dispatchEvent(
      new CustomEvent('mimsy-files-changed', {
        detail: { files: this.files },
        bubbles: true,
        composed: true,
      }),
    );
  }

  override render(): unknown {
    return html`<section aria-label="Files in this page bundle">
      <p class="muted">
        This page is a bundle: these files sit beside it (refer to them by name) and go with it when it is
        deleted.
      </p>
      ${
        this.files.length
          ? html`<ul>
              ${this.files.map((path) => {
                const name = this.nameOf(path);
                return html`<li>
                  ${
                    IMAGE.test(name)
                      ? html`<img
                          src=${this.api.bundleFileUrl(this.schema, this.slug, name)}
                          alt=""
                          loading="lazy"
                        />`
                      : nothing
                  }
                  <code>${name}</code>
                  ${
                    this.readonly
                      ? nothing
                      : html`<button
                          type="button"
                          class="danger"
                          ?disabled=${this.busy}
                          aria-label=${`Delete ${name}`}
                          @click=${() => void this.deleteFile(path)}
                        >
                          Delete
                        </button>`
                  }
                </li>`;
              })}
            </ul>`
          : html`<p class="muted">No files yet.</p>`
      }
      ${
        this.readonly
          ? nothing
          : html`<input
                id="add"
                class="visually-hidden"
                type="file"
                multiple
                tabindex="-1"
                @change=${(e: Event) => void this.upload(e.target as HTMLInputElement)}
              /><button
                type="button"
                ?disabled=${this.busy}
                @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#add')!.click()}
              >
                Add files to the bundle…
              </button>`
      }
      ${
        this.message
          ? html`<p
              class=${this.message.kind === 'error' ? 'error' : 'muted'}
              role=${this.message.kind === 'error' ? 'alert' : 'status'}
            >
              ${this.message.text}
            </p>`
          : nothing
      }
    </section>`;
  }
}

customElements.define('mimsy-bundle-files', MimsyBundleFiles);
