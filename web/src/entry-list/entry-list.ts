import { css, html, LitElement, nothing } from 'lit';
import { ORDERABLE, type Entry, type Field } from '@mimsy/core/types';
import type { ApiClient, SchemaInfo, SessionUser } from '../api/client.js';
import { SessionController } from '../app/session.js';
import { href } from '../app/router.js';
import { theme } from '../styles/theme.js';
import { labelOf } from '../fields/label.js';
import { isPageResource } from '../media-library/kinds.js';

/**
 * The field that names an entry in lists: the schema's `list.title`, else "title", "name", else
 * the first string field.
 */
export function titleField(schema: Pick<SchemaInfo, 'fields' | 'list'>): string | null {
  const fields = schema.fields;
  return (
    schema.list?.title ??
    (fields.find((f) => f.name === 'title' || f.name === 'name') ?? fields.find((f) => f.type === 'string'))
      ?.name ??
    null
  );
}

/** An entry's name in lists: its title field's text, else its slug. */
export function entryName(
  schema: Pick<SchemaInfo, 'fields' | 'list'>,
  e: Pick<Entry, 'slug' | 'data'>,
): string {
  const title = titleField(schema);
  const value = title ? e.data[title] : undefined;
  return typeof value === 'string' && value ? value : e.slug;
}

/**
 * `<mimsy-entry-list>` — one collection: server-side search, sort, filters for select and
 * boolean fields, cursor paging; refreshes when entries change elsewhere.
 * @property schema (the API client, the user and live events come from <mimsy-app>'s context)
 */
export class MimsyEntryList extends LitElement {
  static override properties = {
    schema: { attribute: false },
    schemas: { attribute: false },
    items: { state: true },
    total: { state: true },
    q: { state: true },
    sort: { state: true },
    filter: { state: true },
    cursors: { state: true },
    next: { state: true },
    names: { state: true },
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
      td a {
        color: var(--m-accent);
      }
      tr.skeleton span {
        display: block;
        height: 1rem;
        border-radius: var(--m-radius);
        background: linear-gradient(90deg, var(--m-card), var(--m-line), var(--m-card));
        background-size: 200% 100%;
        animation: shimmer 1.2s linear infinite;
      }
      @keyframes shimmer {
        to {
          background-position: -200% 0;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        tr.skeleton span {
          animation: none;
        }
      }
      .empty {
        padding: 2rem 1rem;
        text-align: center;
        border: 1px dashed var(--m-line);
        border-radius: var(--m-radius);
        margin-top: 1rem;
      }
      .thumb {
        width: 48px;
        height: 48px;
        object-fit: cover;
        border-radius: var(--m-radius);
        display: block;
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
  /** Every schema (for the names of related entries). */
  declare schemas: SchemaInfo[];
  /** Names of related entries shown in relation columns: schema → slug → name. */
  declare names: Record<string, Record<string, string>>;
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
    this.schemas = [];
    this.names = {};
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
    void this.loadNames().catch(() => {}); // without them, relation columns show slugs
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

  /** The schema's `list.sortable`, else every field an order makes sense for. */
  private sortable(): Field[] {
    const named = this.schema.list?.sortable;
    if (named) return named.map((n) => this.schema.fields.find((f) => f.name === n)!).filter(Boolean);
    return this.schema.fields.filter((f) => ORDERABLE.includes(f.type) && f.name !== this.schema.bodyField);
  }

  /** The schema's `list.columns`, as fields. */
  private columns(): Field[] {
    return (this.schema.list?.columns ?? [])
      .map((n) => this.schema.fields.find((f) => f.name === n)!)
      .filter(Boolean);
  }

  /**
   * The names of the entries that relation columns point to, by schema and slug (one list request
   * per related collection, up to 500 entries; beyond that a slug stands for its entry).
   */
  private async loadNames(): Promise<void> {
    const related = new Set(
      this.columns().flatMap((f) => (f.type === 'relation' && f.schema ? [f.schema] : [])),
    );
    const names: Record<string, Record<string, string>> = {};
    for (const name of related) {
      const schema = this.schemas.find((s) => s.name === name);
      if (!schema) continue;
      const { items } = await this.api.list(name, { limit: 500 });
      names[name] = Object.fromEntries(items.map((e) => [e.slug, entryName(schema, e)]));
    }
    this.names = names;
  }

  /** A column's cell: a thumbnail for an image, the related entry's name, yes/no, a date. */
  private cell(f: Field, value: unknown, e: Entry): unknown {
    if (value === undefined || value === null || value === '') return '';
    const values = Array.isArray(value) ? value : [value];
    switch (f.type) {
      case 'image': {
        if (typeof value !== 'string') return '';
        const src = isPageResource(value) ? this.api.bundleFileUrl(this.schema.name, e.slug, value) : value;
        return html`<img class="thumb" src=${src} alt="" loading="lazy" width="48" height="48" />`;
      }
      case 'relation':
        return values.map((v) => this.names[f.schema ?? '']?.[String(v)] ?? String(v)).join(', ');
      case 'boolean':
        return value === true ? 'Yes' : 'No';
      case 'date':
      case 'datetime': {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const d = new Date(text);
        return Number.isNaN(d.getTime())
          ? text
          : f.type === 'date'
            ? d.toLocaleDateString()
            : d.toLocaleString();
      }
      case 'select': {
        const label = (v: unknown): string => {
          const o = f.options?.find((o) => (typeof o === 'string' ? o : o.value) === v);
          return typeof o === 'object' && o ? (o.label ?? o.value) : String(v);
        };
        return values.map(label).join(', ');
      }
      default:
        return values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
    }
  }

  /** An entry its schema marks as not published: a yes/no field `draft` that is yes. */
  private isDraft(e: Entry): boolean {
    return (
      this.schema.fields.some((f) => f.type === 'boolean' && f.name === 'draft') && e.data.draft === true
    );
  }

  /** No entries: none yet (with a way to make the first), or none that match. */
  private empty(canWrite: boolean): unknown {
    const narrowed = this.q || Object.values(this.filter).some(Boolean);
    return html`<div class="empty">
      ${
        narrowed
          ? html`<p>No entries match the search and filters.</p>
              <button
                type="button"
                @click=${() => {
                  this.q = '';
                  this.filter = {};
                  this.restart();
                }}
              >
                Clear search and filters
              </button>`
          : html`<p>${this.schema.label} has no entries yet.</p>
              ${canWrite ? html`<a class="button primary" href=${href({ name: 'new', schema: this.schema.name })}>Write the first</a>` : nothing}`
      }
    </div>`;
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
      <table class="rows">
        <thead>
          <tr>
            <th>
              ${title ? labelOf(this.schema.fields.find((f) => f.name === title) ?? { name: title }) : 'Entry'}
            </th>
            ${this.columns().map((f) => html`<th class=${f.type === 'image' ? '' : 'hide-narrow'}>${labelOf(f)}</th>`)}
            <th class="hide-narrow">Slug</th>
            <th class="hide-narrow">Updated</th>
          </tr>
        </thead>
        <tbody>
          ${
            this.loading && this.items.length === 0
              ? [1, 2, 3, 4, 5].map(
                  () =>
                    html`<tr class="skeleton" aria-hidden="true">
                      <td colspan=${3 + this.columns().length}><span></span></td>
                    </tr>`,
                )
              : nothing
          }
          ${this.items.map(
            (e) =>
              html`<tr>
                <td>
                  <a href=${href({ name: 'entry', schema: this.schema.name, slug: e.slug })}
                    >${entryName(this.schema, e)}</a
                  >
                  ${this.isDraft(e) ? html` <span class="badge">Draft</span>` : nothing}
                  ${e.parseError ? html` <span class="badge error" title=${e.parseError.message}>cannot be read</span>` : nothing}
                  ${e.problems?.length ? html` <span class="badge error" title=${e.problems.map((p) => `${p.path} ${p.message}`).join('\n')}>${e.problems.length} problem(s)</span>` : nothing}
                </td>
                ${this.columns().map((f) => html`<td class=${f.type === 'image' ? '' : 'hide-narrow'}>${this.cell(f, e.data[f.name], e)}</td>`)}
                <td class="hide-narrow muted">${e.slug}</td>
                <td class="hide-narrow muted">
                  ${e.updatedAt ? new Date(e.updatedAt).toLocaleString() : ''}${e.updatedBy ? ` · ${e.updatedBy.name}` : ''}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${!this.loading && this.total === 0 ? this.empty(canWrite) : nothing}
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
