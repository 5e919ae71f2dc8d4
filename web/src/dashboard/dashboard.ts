import { css, html, LitElement } from 'lit';
import type { SchemaInfo } from '../api/client.js';
import { href } from '../app/router.js';
import { theme } from '../styles/theme.js';

/**
 * `<mimsy-dashboard>` — every content type: collections with their entry counts, singletons.
 * @property schemas - the content model from /api/schemas
 */
export class MimsyDashboard extends LitElement {
  static override properties = { schemas: { attribute: false } };
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
    `,
  ];
  declare schemas: SchemaInfo[];

  constructor() {
    super();
    this.schemas = [];
  }

  override render(): unknown {
    const collections = this.schemas.filter((s) => s.kind === 'collection');
    const singletons = this.schemas.filter((s) => s.kind === 'singleton');
    return html`
      <h1>Content</h1>
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
    `;
  }
}
customElements.define('mimsy-dashboard', MimsyDashboard);
declare global {
  interface HTMLElementTagNameMap {
    'mimsy-dashboard': MimsyDashboard;
  }
}
