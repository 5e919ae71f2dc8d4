import { css, html, LitElement, nothing } from 'lit';
import type { CommitInfo, Entry } from '@mimsy/core/types';
import type { ApiClient, SchemaInfo } from '../api/client.js';
import { theme } from '../styles/theme.js';
import { changedFields, fieldDiffs, fieldDiffStyles } from './field-diffs.js';

/**
 * `<mimsy-history>` — the commits that touched an entry, a diff of any revision against the
 * current entry, and restoring a revision (a new commit).
 * @property api, schema, slug (null for a singleton), current (the entry as saved now), readonly
 * @fires mimsy-restored - {entry} after a revision was restored
 */
export class MimsyHistory extends LitElement {
  static override properties = {
    api: { attribute: false },
    schema: { attribute: false },
    slug: { attribute: false },
    current: { attribute: false },
    readonly: { type: Boolean },
    commits: { state: true },
    selected: { state: true },
    revision: { state: true },
    error: { state: true },
  };
  static override styles = [
    theme,
    fieldDiffStyles,
    css`
      :host {
        display: block;
        border: 1px solid var(--m-line);
        border-radius: var(--m-radius);
        padding: 0.8rem;
      }
      ol {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.3rem;
        max-height: 16rem;
        overflow: auto;
      }
      li button {
        width: 100%;
        text-align: left;
      }
      li button[aria-pressed='true'] {
        border-color: var(--m-accent);
      }
    `,
  ];
  declare api: ApiClient;
  declare schema: SchemaInfo;
  declare slug: string | null;
  declare current: Entry;
  declare readonly: boolean;
  declare commits: CommitInfo[] | null;
  declare selected: string | null;
  declare revision: Entry | null;
  declare error: string;

  constructor() {
    super();
    this.commits = null;
    this.selected = null;
    this.revision = null;
    this.error = '';
  }

  override firstUpdated(): void {
    void this.api
      .history(this.schema.name, this.slug)
      .then((c) => (this.commits = c))
      .catch((e: Error) => (this.error = e.message));
  }

  private async pick(sha: string): Promise<void> {
    this.selected = sha;
    this.revision = null;
    try {
      this.revision = await this.api.revision(this.schema.name, this.slug, sha);
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private async restore(): Promise<void> {
    if (!this.selected || !confirm('Restore this version? The current one stays in the history.')) return;
    try {
      const { entry } = await this.api.revert(
        this.schema.name,
        this.slug,
        this.selected,
        this.current.version,
      );
      this.dispatchEvent(
        new CustomEvent('mimsy-restored', { detail: { entry }, bubbles: true, composed: true }),
      );
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  private renderDiff(): unknown {
    const rev = this.revision!;
    if (!changedFields(this.schema, rev, this.current).length)
      return html`<p class="muted">This revision is the same as the current entry.</p>`;
    return html`<p class="muted">What changed from this revision to the current entry:</p>
      ${fieldDiffs(this.schema, rev, this.current)}`;
  }

  override render(): unknown {
    return html`<h2>History</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${
        this.commits === null
          ? html`<p class="muted">Loading…</p>`
          : html`<ol aria-label="Revisions">
              ${this.commits.map(
                (c, i) =>
                  html`<li>
                    <button
                      aria-pressed=${this.selected === c.sha ? 'true' : 'false'}
                      @click=${() => void this.pick(c.sha)}
                    >
                      ${new Date(c.date).toLocaleString()} · ${c.author.name} ·
                      <span class="muted">${c.message}</span>${i === 0 ? ' (current)' : ''}
                    </button>
                  </li>`,
              )}
            </ol>`
      }
      ${this.revision ? this.renderDiff() : nothing}
      ${this.revision && !this.readonly && this.selected !== this.commits?.[0]?.sha ? html`<button class="primary" @click=${() => void this.restore()}>Restore this version</button>` : nothing}`;
  }
}
customElements.define('mimsy-history', MimsyHistory);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-history': MimsyHistory;
  }
}
