import { css, html, LitElement, nothing } from 'lit';
import type { DeletedEntry, SchemaInfo } from '../api/client.js';
import { SessionController } from '../app/session.js';
import { href } from '../app/router.js';
import { theme } from '../styles/theme.js';
import { titleField } from './entry-list.js';

/**
 * `<mimsy-deleted-entries>` — "Recently deleted" of one collection, from the Git history: each
 * entry as it was, who deleted it and when, and Restore (one new commit; a page bundle comes back
 * with its files).
 * @property schema (the API client and the user come from <mimsy-app>'s context)
 */
export class MimsyDeletedEntries extends LitElement {
  static override properties = {
    schema: { attribute: false },
    items: { state: true },
    loading: { state: true },
    error: { state: true },
    busy: { state: true },
  };
  static override styles = [
    theme,
    css`
      table.rows td {
        vertical-align: middle;
      }
    `,
  ];

  declare schema: SchemaInfo;
  declare items: DeletedEntry[];
  declare loading: boolean;
  declare error: string;
  /** The slug being restored. */
  declare busy: string | null;
  private readonly session = new SessionController(this, (event) => {
    if (event.schema === this.schema.name) void this.load();
  });

  constructor() {
    super();
    this.items = [];
    this.loading = true;
    this.error = '';
    this.busy = null;
  }

  override firstUpdated(): void {
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.items = await this.session.api.deleted(this.schema.name);
      this.error = '';
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private async restore(item: DeletedEntry): Promise<void> {
    this.busy = item.slug;
    try {
      const { entry } = await this.session.api.restoreDeleted(this.schema.name, item.slug);
      this.dispatchEvent(new CustomEvent('mimsy-changed', { bubbles: true, composed: true }));
      this.dispatchEvent(
        new CustomEvent('mimsy-navigate', {
          detail: { path: href({ name: 'entry', schema: this.schema.name, slug: entry.slug }) },
          bubbles: true,
          composed: true,
        }),
      );
    } catch (error) {
      this.error = (error as Error).message;
      void this.load();
    } finally {
      this.busy = null;
    }
  }

  override render(): unknown {
    const title = titleField(this.schema);
    const canWrite = this.session.user.role !== 'viewer';
    const name = (d: DeletedEntry): string =>
      (title && typeof d.data[title] === 'string' && d.data[title]) || d.slug;
    return html`
      <p><a href=${href({ name: 'list', schema: this.schema.name })}>← ${this.schema.label}</a></p>
      <h1>Recently deleted</h1>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${
        this.loading
          ? html`<p class="muted">Loading…</p>`
          : this.items.length === 0
            ? html`<p class="muted">Nothing deleted from ${this.schema.label} that is not back already.</p>`
            : html`<table class="rows">
                <thead>
                  <tr>
                    <th>Entry</th>
                    <th class="hide-narrow">Deleted</th>
                    ${canWrite ? html`<th><span class="visually-hidden">Actions</span></th>` : nothing}
                  </tr>
                </thead>
                <tbody>
                  ${this.items.map(
                    (d) =>
                      html`<tr>
                        <td>${name(d)} <span class="muted">${d.slug}</span></td>
                        <td class="hide-narrow muted">
                          ${new Date(d.deleted.date).toLocaleString()} · ${d.deleted.author.name}
                        </td>
                        ${
                          canWrite
                            ? html`<td>
                                <button
                                  type="button"
                                  aria-label=${`Restore ${name(d)}`}
                                  ?disabled=${this.busy !== null}
                                  @click=${() => void this.restore(d)}
                                >
                                  ${this.busy === d.slug ? 'Restoring…' : 'Restore'}
                                </button>
                              </td>`
                            : nothing
                        }
                      </tr>`,
                  )}
                </tbody>
              </table>`
      }
    `;
  }
}
customElements.define('mimsy-deleted-entries', MimsyDeletedEntries);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-deleted-entries': MimsyDeletedEntries;
  }
}
