import { css, html, LitElement } from 'lit';
import type { FileProblem, GitStatusInfo, SchemaInfo } from '../api/client.js';
import { href } from '../app/router.js';
import { theme } from '../styles/theme.js';

/**
 * `<mimsy-dashboard>` — every content type: collections with their entry counts, singletons.
 * @property schemas - the content model from /api/schemas
 * @property git - the server's Git status (null when unknown): changes waiting for the remote and
 *   branches of set-aside changes are shown above the content
 * @property files - files Mimsy will not serve (symbolic links, names it cannot address), listed
 *   with why below the content so that someone can fix the repository
 */
export class MimsyDashboard extends LitElement {
  static override properties = {
    schemas: { attribute: false },
    git: { attribute: false },
    files: { attribute: false },
  };
  static override styles = [
    theme,
    css`
      ul {
        list-style: none;
        padding: 0;
        display: grid;
        gap: 0.75rem;
        grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr));
      }
      a {
        display: block;
        padding: 1rem;
        border: 1px solid var(--m-line);
        border-radius: var(--m-radius);
        background: var(--m-card);
        color: var(--m-fg);
        text-decoration: none;
      }
      a:hover {
        border-color: var(--m-accent);
      }
      strong {
        display: block;
        font-size: 1.05rem;
      }
      .notice {
        padding: 0.75rem 1rem;
        border: 1px solid var(--m-line);
        border-left: 4px solid var(--m-accent);
        border-radius: var(--m-radius);
        background: var(--m-card);
      }
    `,
  ];
  declare schemas: SchemaInfo[];
  declare git: GitStatusInfo | null;
  declare files: FileProblem[];

  constructor() {
    super();
    this.schemas = [];
    this.git = null;
    this.files = [];
  }

  private notices(): unknown {
    const git = this.git;
    if (!git?.remote) return '';
    return html`${
      git.pendingPush
        ? html`<p class="notice" role="status">
            ${git.ahead === 1 ? 'One saved change is' : `${git.ahead} saved changes are`} kept on this server
            and not yet in the Git remote${git.lastSync?.error ? html`: ${git.lastSync.error}` : '.'} They are
            sent as soon as the remote can be reached; nothing needs to be saved again.
          </p>`
        : ''
    }
    ${git.parked.map(
      (p) =>
        html`<p class="notice" role="status">
          Changes to ${p.files.join(', ')} were set aside on the branch <code>${p.branch}</code>
          because the same content changed elsewhere while the Git remote was away. Ask a developer to merge
          or delete that branch.
        </p>`,
    )}`;
  }

  private problems(): unknown {
    if (!this.files.length) return '';
    return html`<section aria-labelledby="problems">
      <h2 id="problems">Files Mimsy does not serve</h2>
      <p class="muted">
        Ask a developer to fix these in the repository (<code>mimsy validate</code> lists them).
      </p>
      <ul class="problems" aria-labelledby="problems">
        ${this.files.map((f) => html`<li><code>${f.path}</code>: ${f.message.replace(`${f.path} `, '')}</li>`)}
      </ul>
    </section>`;
  }

  override render(): unknown {
    const collections = this.schemas.filter((s) => s.kind === 'collection');
    const singletons = this.schemas.filter((s) => s.kind === 'singleton');
    return html`
      <h1>Content</h1>
      ${this.notices()}
      <ul aria-label="Collections">
        ${collections.map(
          (s) =>
            html`<li>
              <a href=${href({ name: 'list', schema: s.name })}
                ><strong>${s.label}</strong
                ><span class="muted">${s.count} ${s.count === 1 ? 'entry' : 'entries'}</span></a
              >
            </li>`,
        )}
      </ul>
      ${
        singletons.length
          ? html`<h2>Settings</h2>
              <ul aria-label="Singletons">
                ${singletons.map(
                  (s) =>
                    html`<li>
                      <a href=${href({ name: 'singleton', schema: s.name })}
                        ><strong>${s.label}</strong><span class="muted">one file</span></a
                      >
                    </li>`,
                )}
              </ul>`
          : ''
      }
      ${this.problems()}
    `;
  }
}
customElements.define('mimsy-dashboard', MimsyDashboard);
declare global {
  interface HTMLElementTagNameMap {
    'mimsy-dashboard': MimsyDashboard;
  }
}
