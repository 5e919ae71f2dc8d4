import { css, html, LitElement, nothing } from 'lit';
import type { Entry, Field } from '@mimsy/core/types';
import type { ApiClient, SchemaInfo, SessionUser } from '../api/client.js';
import { SessionController } from '../app/session.js';
import { href } from '../app/router.js';
import { theme } from '../styles/theme.js';
import { labelOf } from '../fields/label.js';

/** The field that names an entry in lists: "title", "name", else the first string field. */
export function titleField(schema: Pick<SchemaInfo, 'fields'>): string | null {
  const fields = schema.fields;
  return (
    (fields.find((f) => f.name === 'title' || f.name === 'name') ?? fields.find((f) => f.type === 'string'))
      ?.name ?? null
  );
}

/**
 * `<mimsy-entry-list>` — one collection: server-side search, sort, filters for select and
 * boolean fields, cursor paging; refreshes when entries change elsewhere.
 * @property schema (the API client, the user and live events come from <mimsy-app>'s context)
 */
export class MimsyEntryList extends LitElement {
  static override properties = {
    schema: { attribute: false },
    items: { state: true },
    total: { state: true },
    q: { state: true },
    sort: { state: true },
    filter: { state: true },
    cursors: { state: true },
    next: { state: true },
    error: { state: true },
    loading: { state: true },
  };
  static override styles = [
    theme,
    css`
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem;
        align-items: end;
        margin-bottom: 1rem;
      }
      label {
        display: grid;
        gap: 0.2rem;
        font-size: 0.9rem;
      }
      table {
        width: 100%;
        border-collapse: collapse;
      }
      th,
      td {
        text-align: left;
        padding: 0.45rem 0.4rem;
        border-bottom: 1px solid var(--m-line);
        vertical-align: top;
      }
      td a {
        color: var(--m-accent);
      }
      .badge {
        font-size: 0.8rem;
        padding: 0.05rem 0.4rem;
        border-radius: 1rem;
        border: 1px solid currentColor;
      }
      .pager {
        display: flex;
        gap: 0.6rem;
        align-items: center;
        margin-top: 0.8rem;
      }
      @media (max-width: 600px) {
        .hide-narrow {
          display: none;
        }
      }
    `,
  ];

  declare schema: SchemaInfo;
  declare items: Entry[];
  declare total: number;
  declare q: string;
  declare sort: string;
  declare filter: Record<string, string>;
  declare cursors: (string | null)[];
  declare next: string | null;
  declare error: string;
  declare loading: boolean;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly session = new SessionController(this, (event) => {
    if (event.schema === this.schema.name) void this.load();
  });
  private get api(): ApiClient {
    return this.session.api;
  }
  private get user(): SessionUser {
    return this.session.user;
  }

  constructor() {
    super();
    this.items = [];
    this.total = 0;
    this.q = '';
    this.sort = '';
    this.filter = {};
    this.cursors = [null];
    this.next = null;
    this.error = '';
    this.loading = true; // until the first page arrives (no flash of "0 entries")
  }

  // Properties set before this lazily loaded element was defined arrive with the first update,
  // so the first load happens there rather than in connectedCallback.
  override firstUpdated(): void {
    // Search, sort, filters and page come from the address, so a link or a reload shows the same list.
    const params = new URLSearchParams(location.search);
    this.q = params.get('q') ?? '';
    this.sort = params.get('sort') ?? this.schema.sort ?? 'slug';
    const filter: Record<string, string> = {};
    for (const f of this.filterable()) {
      const value = params.get(`f.${f.name}`);
      if (value) filter[f.name] = value;
    }
    this.filter = filter;
    const cursor = params.get('cursor');
    this.cursors = cursor ? [null, cursor] : [null];
    void this.load();
  }

  /** Puts search, sort, filters and page in the address (replacing it: typing is not history). */
  private remember(): void {
    const params = new URLSearchParams();
    if (this.q) params.set('q', this.q);
    if (this.sort !== (this.schema.sort ?? 'slug')) params.set('sort', this.sort);
    for (const [name, value] of Object.entries(this.filter)) if (value) params.set(`f.${name}`, value);
    const cursor = this.cursors[this.cursors.length - 1];
    if (cursor) params.set('cursor', cursor);
    const search = params.size ? `?${params}` : '';
    if (search !== location.search) history.replaceState(history.state, '', location.pathname + search);
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.remember();
    try {
      const page = await this.api.list(this.schema.name, {
        limit: 50,
        cursor: this.cursors[this.cursors.length - 1] ?? null,
        sort: this.sort,
        q: this.q,
        filter: this.filter,
      });
      this.items = page.items;
      this.total = page.total;
      this.next = page.nextCursor;
      this.error = '';
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private restart(): void {
    this.cursors = [null];
    void this.load();
  }

  private onSearch(value: string): void {
    this.q = value;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.restart(), 200);
  }

  private filterable(): Field[] {
    return this.schema.fields.filter(
      (f) => (f.type === 'select' || f.type === 'boolean') && f.name !== this.schema.bodyField,
    );
  }

  /** Fields an order by makes sense for (not pictures, files, links, long text or groups). */
  private sortable(): Field[] {
    const orderable: Field['type'][] = ['string', 'slug', 'number', 'date', 'datetime', 'select', 'boolean'];
    return this.schema.fields.filter((f) => orderable.includes(f.type) && f.name !== this.schema.bodyField);
  }

  /** An entry its schema marks as not published: a yes/no field `draft` that is yes. */
  private isDraft(e: Entry): boolean {
    return (
      this.schema.fields.some((f) => f.type === 'boolean' && f.name === 'draft') && e.data.draft === true
    );
  }

  override render(): unknown {
    const title = titleField(this.schema);
    const canWrite = this.user.role !== 'viewer';
    return html`
      <h1>${this.schema.label}</h1>
      <div class="bar" role="search">
        <label
          >Search
          <input
            type="search"
            .value=${this.q}
            @input=${(e: InputEvent) => this.onSearch((e.target as HTMLInputElement).value)}
        /></label>
        <label
          >Sort
          <select
            .value=${this.sort}
            @change=${(e: Event) => {
              this.sort = (e.target as HTMLSelectElement).value;
              this.restart();
            }}
          >
            <option value="slug">Slug</option>
            <option value="-updatedAt">Recently updated</option>
            ${this.sortable().flatMap((f) => [html`<option value=${f.name}>${labelOf(f)} ↑</option>`, html`<option value=${'-' + f.name}>${labelOf(f)} ↓</option>`])}
          </select>
        </label>
        ${this.filterable().map(
          (f) =>
            html`<label
              >${labelOf(f)}
              <select
                .value=${this.filter[f.name] ?? ''}
                @change=${(e: Event) => {
                  this.filter = { ...this.filter, [f.name]: (e.target as HTMLSelectElement).value };
                  this.restart();
                }}
              >
                <option value="">Any</option>
                ${
                  f.type === 'boolean'
                    ? html`<option value="true">Yes</option>
                        <option value="false">No</option>`
                    : (f.options ?? []).map((o) =>
                        typeof o === 'string'
                          ? html`<option value=${o}>${o}</option>`
                          : html`<option value=${o.value}>${o.label ?? o.value}</option>`,
                      )
                }
              </select></label
            >`,
        )}
        ${canWrite ? html`<a class="button primary" href=${href({ name: 'new', schema: this.schema.name })}>New entry</a>` : nothing}
        <a class="button" href=${href({ name: 'deleted', schema: this.schema.name })}>Recently deleted</a>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <p class="muted" aria-live="polite">
        ${this.loading ? 'Loading…' : `${this.total} ${this.total === 1 ? 'entry' : 'entries'}`}
      </p>
      <table>
        <thead>
          <tr>
            <th>
              ${title ? labelOf(this.schema.fields.find((f) => f.name === title) ?? { name: title }) : 'Entry'}
            </th>
            <th class="hide-narrow">Slug</th>
            <th class="hide-narrow">Updated</th>
          </tr>
        </thead>
        <tbody>
          ${this.items.map(
            (e) =>
              html`<tr>
                <td>
                  <a href=${href({ name: 'entry', schema: this.schema.name, slug: e.slug })}
                    >${(title && typeof e.data[title] === 'string' && e.data[title]) || e.slug}</a
                  >
                  ${this.isDraft(e) ? html` <span class="badge">Draft</span>` : nothing}
                  ${e.parseError ? html` <span class="badge error" title=${e.parseError.message}>cannot be read</span>` : nothing}
                  ${e.problems?.length ? html` <span class="badge error" title=${e.problems.map((p) => `${p.path} ${p.message}`).join('\n')}>${e.problems.length} problem(s)</span>` : nothing}
                </td>
                <td class="hide-narrow muted">${e.slug}</td>
                <td class="hide-narrow muted">
                  ${e.updatedAt ? new Date(e.updatedAt).toLocaleString() : ''}${e.updatedBy ? ` · ${e.updatedBy.name}` : ''}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages">
        <button
          ?disabled=${this.cursors.length < 2}
          @click=${() => {
            this.cursors = this.cursors.slice(0, -1);
            void this.load();
          }}
        >
          Previous
        </button>
        <button
          ?disabled=${!this.next}
          @click=${() => {
            this.cursors = [...this.cursors, this.next];
            void this.load();
          }}
        >
          Next
        </button>
      </nav>
    `;
  }
}
customElements.define('mimsy-entry-list', MimsyEntryList);
declare global {
  interface HTMLElementTagNameMap {
    'mimsy-entry-list': MimsyEntryList;
  }
}
