import { html, LitElement, css, nothing } from 'lit';
import {
  ApiClient,
  type FileProblem,
  type GitStatusInfo,
  type SchemaInfo,
  type SessionUser,
} from '../api/client.js';
import { theme } from '../styles/theme.js';
import { ContextProvider } from '@lit/context';
import { API_PREFIXES, href, parseRoute, type Route, returnTo } from './router.js';
import { apiContext, entryEventsContext, userContext } from './context.js';
import '../login/login.js';
import '../dashboard/dashboard.js';

/** A view that may hold unsaved work. */
export interface GuardedView extends HTMLElement {
  dirty?: boolean;
}

/**
 * `<mimsy-app>` — the admin shell: session, schemas, routing (History API), header with the
 * signed-in user, and the current view. Views other than sign-in and dashboard load on demand.
 *
 * Events handled from children: `mimsy-navigate` ({detail: {path}}), `mimsy-signed-in`,
 * `mimsy-changed` (a write happened: refresh counts).
 */
export class MimsyApp extends LitElement {
  static override properties = {
    user: { state: true },
    schemas: { state: true },
    git: { state: true },
    fileProblems: { state: true },
    route: { state: true },
    loaded: { state: true },
    error: { state: true },
  };

  static override styles = [
    theme,
    css`
      :host {
        display: block;
        min-height: 100vh;
        background: var(--m-bg);
      }
      header {
        display: flex;
        gap: 1rem;
        align-items: center;
        justify-content: space-between;
        padding: 0.6rem 1rem;
        border-bottom: 1px solid var(--m-line);
        flex-wrap: wrap;
      }
      header nav a {
        color: var(--m-accent);
      }
      header a.home {
        font-weight: 700;
        color: var(--m-fg);
        text-decoration: none;
        font-size: 1.1rem;
      }
      .shell {
        display: grid;
        grid-template-columns: 15rem minmax(0, 1fr);
        align-items: start;
      }
      nav.side {
        position: sticky;
        top: 0;
        max-height: 100vh;
        overflow: auto;
        padding: 1rem 0.6rem;
        border-right: 1px solid var(--m-line);
        min-height: calc(100vh - 3.5rem);
        box-sizing: border-box;
      }
      nav.side h2 {
        font-size: 0.75rem;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--m-muted);
        margin: 1rem 0.5rem 0.3rem;
      }
      nav.side ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav.side a {
        display: flex;
        justify-content: space-between;
        gap: 0.5rem;
        padding: 0.4rem 0.5rem;
        border-radius: var(--m-radius);
        color: var(--m-fg);
        text-decoration: none;
      }
      nav.side a:hover {
        background: var(--m-card);
      }
      nav.side a[aria-current='page'] {
        background: var(--m-card);
        font-weight: 600;
        box-shadow: inset 3px 0 0 var(--m-accent);
      }
      nav.side .count {
        color: var(--m-muted);
        font-variant-numeric: tabular-nums;
      }
      main {
        padding: 1rem 1.5rem;
        max-width: 72rem;
        min-width: 0;
      }
      /* Phones and narrow windows: no sidebar; the header's links and the dashboard lead there. */
      @media (max-width: 60rem) {
        .shell {
          display: block;
        }
        nav.side {
          display: none;
        }
        main {
          padding: 1rem;
        }
      }
      .who {
        display: flex;
        gap: 0.6rem;
        align-items: center;
      }
    `,
  ];

  readonly api = new ApiClient();
  /** Live entry events, for the views (entryEventsContext). */
  readonly entryEvents = new EventTarget();
  private readonly userProvider = new ContextProvider(this, { context: userContext, initialValue: null });
  declare user: SessionUser | null;
  declare schemas: SchemaInfo[];
  declare git: GitStatusInfo | null;
  declare fileProblems: FileProblem[];
  declare route: Route;
  declare loaded: boolean;
  declare error: string;
  private stopEvents: (() => void) | null = null;

  constructor() {
    super();
    new ContextProvider(this, { context: apiContext, initialValue: this.api });
    new ContextProvider(this, { context: entryEventsContext, initialValue: this.entryEvents });
    this.user = null;
    this.schemas = [];
    this.git = null;
    this.fileProblems = [];
    this.route = parseRoute(location.pathname);
    this.loaded = false;
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener('beforeunload', this.onBeforeUnload);
    this.addEventListener('mimsy-navigate', this.onNavigate as EventListener);
    this.addEventListener('mimsy-signed-in', () => void this.start());
    this.addEventListener('mimsy-changed', () => void this.loadSchemas());
    void this.start();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('user')) this.userProvider.setValue(this.user);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    this.stopEvents?.();
  }

  private async start(): Promise<void> {
    try {
      this.user = await this.api.me();
      if (this.user) {
        await this.loadSchemas();
        this.stopEvents?.();
        this.stopEvents = this.api.events((event) =>
          this.entryEvents.dispatchEvent(new CustomEvent('mimsy-entry-event', { detail: event })),
        );
        if (this.route.name === 'login') this.go(returnTo(location.search), true);
      } else if (this.route.name !== 'login')
        this.go(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, true);
    } catch (error) {
      this.error = (error as Error).message;
    }
    this.loaded = true;
  }

  private async loadSchemas(): Promise<void> {
    ({ items: this.schemas, files: this.fileProblems } = await this.api.schemas());
    // Best effort: the dashboard warns about changes waiting for the Git remote.
    this.git = await this.api.gitStatus().catch(() => null);
  }

  private currentView(): GuardedView | null {
    return this.renderRoot.querySelector<GuardedView>('main > *');
  }

  /** The address shown, to go back to when the editor stays after Back or Forward. */
  private shown = location.pathname + location.search;

  /** Whether the current view may be left: no unsaved changes, or the editor says to drop them. */
  private mayLeave(question = 'You have unsaved changes. Leave without saving?'): boolean {
    return !this.currentView()?.dirty || confirm(question);
  }

  /** Navigates unless the current view has unsaved changes the editor does not want to lose. */
  go(path: string, replace = false, asked = false): void {
    if (!asked && !this.mayLeave()) return;
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    this.shown = location.pathname + location.search;
    this.route = parseRoute(location.pathname);
  }

  private onNavigate = (event: CustomEvent<{ path: string }>): void => {
    event.stopPropagation();
    this.go(event.detail.path);
  };

  /** Back and Forward: the browser has moved already, so staying means putting the address back. */
  private onPopState = (): void => {
    if (!this.mayLeave()) {
      history.pushState(null, '', this.shown);
      return;
    }
    this.shown = location.pathname + location.search;
    this.route = parseRoute(location.pathname);
  };

  private onBeforeUnload = (event: BeforeUnloadEvent): void => {
    if (this.currentView()?.dirty) event.preventDefault();
  };

  private onLinkClick(event: MouseEvent): void {
    const anchor =
      event.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement) ?? null;
    if (
      !anchor ||
      anchor.target ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      anchor.origin !== location.origin
    )
      return;
    // A link to a file the API serves (a media file, an export) is a real navigation.
    if ((API_PREFIXES as readonly string[]).includes(anchor.pathname.split('/')[1] ?? '')) return;
    event.preventDefault();
    this.go(anchor.pathname + anchor.search);
  }

  private async logout(): Promise<void> {
    if (
      !this.mayLeave(
        'You have unsaved changes. Sign out without saving? They stay in this browser, and opening the entry again offers them back.',
      )
    )
      return;
    await this.api.logout();
    this.user = null;
    this.stopEvents?.();
    this.go('/login', false, true);
  }

  private view(): unknown {
    const route = this.route;
    if (!this.user) return html`<mimsy-login .api=${this.api}></mimsy-login>`;
    switch (route.name) {
      case 'dashboard':
      case 'login':
        return html`<mimsy-dashboard
          .schemas=${this.schemas}
          .git=${this.git}
          .files=${this.fileProblems}
        ></mimsy-dashboard>`;
      case 'list': {
        void import('../entry-list/entry-list.js');
        const schema = this.schemas.find((s) => s.name === route.schema);
        return schema
          ? html`<mimsy-entry-list .schema=${schema} .schemas=${this.schemas}></mimsy-entry-list>`
          : this.notFound();
      }
      case 'deleted': {
        void import('../entry-list/deleted-entries.js');
        const schema = this.schemas.find((s) => s.name === route.schema && s.kind === 'collection');
        return schema
          ? html`<mimsy-deleted-entries .schema=${schema}></mimsy-deleted-entries>`
          : this.notFound();
      }
      case 'new':
      case 'entry':
      case 'singleton': {
        void import('../entry-editor/entry-editor.js');
        const schema = this.schemas.find((s) => s.name === route.schema);
        if (!schema) return this.notFound();
        const slug = route.name === 'entry' ? route.slug : null;
        return html`<mimsy-entry-editor
          .schema=${schema}
          .schemas=${this.schemas}
          .slug=${slug}
        ></mimsy-entry-editor>`;
      }
      case 'media':
        void import('../media-library/media-library.js');
        return html`<mimsy-media-library .api=${this.api} .user=${this.user}></mimsy-media-library>`;
      default:
        return this.notFound();
    }
  }

  /** Every collection with its number of entries, the settings, and the media library. */
  private sidebar(): unknown {
    const current = (route: Route): string | typeof nothing => {
      const here = this.route;
      const same =
        here.name === route.name ||
        (route.name === 'list' && ['list', 'new', 'entry', 'deleted'].includes(here.name));
      return same && (!('schema' in route) || ('schema' in here && here.schema === route.schema))
        ? 'page'
        : nothing;
    };
    const link = (route: Route, label: string, count?: number): unknown =>
      html`<li>
        <a href=${href(route)} aria-current=${current(route)}
          ><span>${label}</span
          >${count === undefined ? nothing : html`<span class="count">${count}</span>`}</a
        >
      </li>`;
    const collections = this.schemas.filter((s) => s.kind === 'collection');
    const singletons = this.schemas.filter((s) => s.kind === 'singleton');
    return html`<nav class="side" aria-label="Content types">
      <h2>Collections</h2>
      <ul>
        ${collections.map((s) => link({ name: 'list', schema: s.name }, s.label, s.count))}
      </ul>
      ${
        singletons.length
          ? html`<h2>Settings</h2>
              <ul>
                ${singletons.map((s) => link({ name: 'singleton', schema: s.name }, s.label))}
              </ul>`
          : nothing
      }
      <h2>Files</h2>
      <ul>
        ${link({ name: 'media' }, 'Media')}
      </ul>
    </nav>`;
  }

  private notFound(): unknown {
    return html`<p>There is nothing here. <a href="/">Back to the content types</a>.</p>`;
  }

  override render(): unknown {
    if (!this.loaded) return html`<main><p class="muted">Loading…</p></main>`;
    return html`
      <div @click=${(e: MouseEvent) => this.onLinkClick(e)}>
        <header>
          <a class="home" href=${href({ name: 'dashboard' })}>Mimsy</a>
          ${
            this.user
              ? html`<nav aria-label="Main">
                    <a href=${href({ name: 'dashboard' })}>Content</a> ·
                    <a href=${href({ name: 'media' })}>Media</a>
                  </nav>
                  <div class="who">
                    <span>${this.user.name} <span class="muted">(${this.user.role})</span></span>
                    <button @click=${() => void this.logout()}>Sign out</button>
                  </div>`
              : nothing
          }
        </header>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class=${this.user ? 'shell' : ''}>
          ${this.user ? this.sidebar() : nothing}
          <main>${this.view()}</main>
        </div>
      </div>
    `;
  }
}

customElements.define('mimsy-app', MimsyApp);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-app': MimsyApp;
  }
}
