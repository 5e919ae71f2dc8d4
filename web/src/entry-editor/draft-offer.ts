import { css, html, LitElement } from 'lit';
import type { SchemaInfo } from '../api/client.js';
import { theme } from '../styles/theme.js';
import type { LocalDraft } from './drafts.js';
import { fieldDiffs, fieldDiffStyles, type Content } from './field-diffs.js';

/**
 * `<mimsy-draft-offer>` — offers changes typed earlier in this browser and never saved, with
 * what they change against the entry as it is now.
 * @property schema, draft, current
 * @fires mimsy-restore-draft, mimsy-discard-draft
 */
export class MimsyDraftOffer extends LitElement {
  static override properties = {
    schema: { attribute: false },
    draft: { attribute: false },
    current: { attribute: false },
  };
  static override styles = [
    theme,
    fieldDiffStyles,
    css`
      :host {
        display: block;
        padding: 0.8rem 1rem;
        border: 1px solid var(--m-accent);
        border-radius: var(--m-radius);
      }
      .buttons {
        display: flex;
        gap: 0.6rem;
        flex-wrap: wrap;
        margin-top: 0.8rem;
      }
      details {
        margin-top: 0.4rem;
      }
    `,
  ];
  declare schema: SchemaInfo;
  declare draft: LocalDraft;
  declare current: Content & { version: string | null };

  private send(name: string): void {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }

  override render(): unknown {
    const when = new Date(this.draft.at).toLocaleString();
    const newer = this.current.version !== null && this.draft.version !== this.current.version;
    return html`<div role="region" aria-label="Unsaved changes">
      <strong>Unsaved changes from ${when} were kept in this browser.</strong>
      ${
        newer
          ? html`<p>
              The entry was saved by someone since; saving the restored changes lets you compare both.
            </p>`
          : ''
      }
      <details open>
        <summary>What they change</summary>
        ${fieldDiffs(this.schema, this.current, this.draft)}
      </details>
      <div class="buttons">
        <button class="primary" @click=${() => this.send('mimsy-restore-draft')}>
          Restore unsaved changes
        </button>
        <button @click=${() => this.send('mimsy-discard-draft')}>Discard them</button>
      </div>
    </div>`;
  }
}
customElements.define('mimsy-draft-offer', MimsyDraftOffer);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-draft-offer': MimsyDraftOffer;
  }
}
