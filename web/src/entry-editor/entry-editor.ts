import { css, html, LitElement, nothing } from 'lit';
import type { Entry } from '@mimsy/core/types';
import { validateEntry } from '@mimsy/core/validate';
import type { Schema } from '@mimsy/core/types';
import { ApiError, type ApiClient, type SchemaInfo, type SessionUser } from '../api/client.js';
import { href } from '../app/router.js';
import { theme } from '../styles/theme.js';
import '../fields/field.js';
import './history.js';
import './bundle-files.js';
import { defaultChoices, differingFields, mergeChoices } from './conflict.js';
import { labelOf } from '../fields/label.js';
import { ErrorCodes } from '@mimsy/core/errors';

const BODY = '\u0000body';

function asText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function defaults(schema: SchemaInfo): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const f of schema.fields) {
    if (f.name === schema.bodyField || f.default === undefined) continue;
    if (f.default === 'now')
      data[f.name] =
        f.type === 'date'
          ? new Date().toISOString().slice(0, 10)
          : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    else data[f.name] = structuredClone(f.default);
  }
  return data;
}

/**
 * `<mimsy-entry-editor>` — the form generated from a schema for a collection entry (new or
 * existing) or a singleton: one widget per field, inline validation with the server's own rules,
 * save (button, Ctrl/Cmd+S), rename, delete, conflicts resolved field by field, and a notice when
 * the entry changed elsewhere. Nothing the editor typed is ever dropped.
 * @property api, schema, schemas, slug (null: new entry or singleton), user, app
 */
export class MimsyEntryEditor extends LitElement {
  static override properties = {
    api: { attribute: false },
    schema: { attribute: false },
    schemas: { attribute: false },
    slug: { attribute: false },
    user: { attribute: false },
    app: { attribute: false },
    entry: { state: true },
    data: { state: true },
    body: { state: true },
    newSlug: { state: true },
    touched: { state: true },
    serverErrors: { state: true },
    message: { state: true },
    saving: { state: true },
    conflict: { state: true },
    choices: { state: true },
    changedElsewhere: { state: true },
    loading: { state: true },
    showHistory: { state: true },
  };
  static override styles = [
    theme,
    css`
      form {
        display: grid;
        gap: 1.1rem;
      }
      .actions {
        display: flex;
        gap: 0.6rem;
        flex-wrap: wrap;
        align-items: center;
        position: sticky;
        bottom: 0;
        background: var(--m-bg);
        padding: 0.6rem 0;
        border-top: 1px solid var(--m-line);
      }
      .notice {
        padding: 0.6rem 0.8rem;
        border: 1px solid var(--m-accent);
        border-radius: var(--m-radius);
      }
      .conflict {
        border: 2px solid var(--m-danger);
        border-radius: var(--m-radius);
        padding: 0.8rem;
        display: grid;
        gap: 0.8rem;
      }
      .conflict table {
        width: 100%;
        border-collapse: collapse;
      }
      .conflict td,
      .conflict th {
        border-bottom: 1px solid var(--m-line);
        padding: 0.4rem;
        vertical-align: top;
        text-align: left;
      }
      .conflict pre {
        white-space: pre-wrap;
        margin: 0;
        max-height: 12rem;
        overflow: auto;
      }
      label.slug {
        display: grid;
        gap: 0.25rem;
        font-weight: 600;
      }
    `,
  ];

  declare api: ApiClient;
  declare schema: SchemaInfo;
  declare schemas: SchemaInfo[];
  declare slug: string | null;
  declare user: SessionUser;
  declare app: HTMLElement;
  declare entry: Entry | null;
  declare data: Record<string, unknown>;
  declare body: string;
  declare newSlug: string;
  declare touched: Set<string>;
  declare serverErrors: Record<string, string>;
  declare message: { kind: 'ok' | 'error'; text: string } | null;
  declare saving: boolean;
  declare conflict: Entry | null;
  declare choices: Record<string, 'mine' | 'theirs'>;
  declare changedElsewhere: boolean;
  declare loading: boolean;
  declare showHistory: boolean;
  private loadedFor = '';
  private readonly onKey = (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      void this.save();
    }
  };
  private readonly onEntryEvent = (e: Event): void => {
    const detail = (e as CustomEvent<{ schema: string; slug: string; version: string | null }>).detail;
    const mine = this.schema.kind === 'singleton' ? '' : this.slug;
    if (
      detail.schema === this.schema.name &&
      detail.slug === mine &&
      this.entry &&
      detail.version !== this.entry.version
    )
      this.changedElsewhere = true;
  };

  constructor() {
    super();
    this.entry = null;
    this.data = {};
    this.body = '';
    this.newSlug = '';
    this.touched = new Set();
    this.serverErrors = {};
    this.message = null;
    this.saving = false;
    this.conflict = null;
    this.choices = {};
    this.changedElsewhere = false;
    this.loading = true;
    this.showHistory = false;
  }

  /** Unsaved changes: the shell asks before leaving. */
  get dirty(): boolean {
    if (!this.entry) return this.touched.size > 0;
    return (
      JSON.stringify(this.data) !== JSON.stringify(this.entry.data) ||
      (this.schema.bodyField !== undefined && this.body !== (this.entry.body ?? '')) ||
      (this.newSlug !== '' && this.newSlug !== this.entry.slug)
    );
  }

  private get readonly(): boolean {
    return this.user.role === 'viewer';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey);
  }

  // `app` arrives with the first update when this element was defined after it was rendered.
  override firstUpdated(): void {
    this.app?.addEventListener('mimsy-entry-event', this.onEntryEvent);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
    this.app?.removeEventListener('mimsy-entry-event', this.onEntryEvent);
  }

  override willUpdate(): void {
    const key = `${this.schema.name}\0${this.slug ?? ''}`;
    if (key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load();
    }
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.message = null;
    this.conflict = null;
    this.changedElsewhere = false;
    this.touched = new Set();
    this.serverErrors = {};
    try {
      const entry =
        this.schema.kind === 'singleton'
          ? await this.api.singleton(this.schema.name)
          : this.slug
            ? await this.api.get(this.schema.name, this.slug)
            : null;
      this.entry = entry;
      this.data = entry ? structuredClone(entry.data) : defaults(this.schema);
      this.body = entry?.body ?? '';
      this.newSlug = entry?.slug ?? '';
      if (entry?.parseError)
        this.message = {
          kind: 'error',
          text: `This file cannot be read (${entry.parseError.line ? `line ${entry.parseError.line}: ` : ''}${entry.parseError.message}). Mimsy will not write over it: fix it in the repository, or delete the entry.`,
        };
    } catch (error) {
      this.message = { kind: 'error', text: (error as Error).message };
    } finally {
      this.loading = false;
    }
  }

  /** Client-side errors, with the same rules the server applies, plus the server's own answer. */
  private errors(): Record<string, string> {
    const issues = validateEntry(
      this.schema as unknown as Schema,
      this.data,
      this.schema.bodyField ? this.body : undefined,
    );
    const client: Record<string, string> = {};
    for (const i of issues) {
      const top = '/' + i.path.split('/')[1];
      if (this.touched.has(top) || this.touched.has('*')) client[i.path] = i.message;
    }
    return { ...client, ...this.serverErrors };
  }

  private setValue(name: string, value: unknown): void {
    if (name === BODY) this.body = typeof value === 'string' ? value : '';
    else {
      const next = { ...this.data };
      if (value === undefined) delete next[name];
      else next[name] = value;
      this.data = next;
    }
    const pointer = '/' + (name === BODY ? this.schema.bodyField! : name);
    this.touched = new Set([...this.touched, pointer]);
    const server = { ...this.serverErrors };
    for (const key of Object.keys(server))
      if (key === pointer || key.startsWith(pointer + '/')) delete server[key];
    this.serverErrors = server;
  }

  private payload(data = this.data): { data: Record<string, unknown>; body?: string } {
    return this.schema.bodyField ? { data, body: this.body } : { data };
  }

  private navigate(path: string): void {
    this.dispatchEvent(
      new CustomEvent('mimsy-navigate', { detail: { path }, bubbles: true, composed: true }),
    );
  }

  async save(options: { base?: Entry } = {}): Promise<void> {
    if (this.readonly || this.saving) return;
    this.touched = new Set([...this.touched, '*']);
    const issues = validateEntry(
      this.schema as unknown as Schema,
      this.data,
      this.schema.bodyField ? this.body : undefined,
    );
    if (issues.length) {
      this.message = { kind: 'error', text: `Not saved: ${issues.length} field(s) need attention.` };
      return;
    }
    this.saving = true;
    this.message = null;
    const base = options.base ?? this.entry;
    try {
      if (this.schema.kind === 'singleton') {
        const { entry, commit } = await this.api.saveSingleton(
          this.schema.name,
          base?.version ?? null,
          this.payload(),
        );
        this.afterSave(entry, savedText('Saved.', commit));
      } else if (!base) {
        const input = { ...this.payload(), ...(this.newSlug ? { slug: this.newSlug } : {}) };
        const { entry, commit } = await this.api.create(this.schema.name, input);
        this.afterSave(entry, savedText('Created.', commit));
        this.navigate(href({ name: 'entry', schema: this.schema.name, slug: entry.slug }));
      } else {
        const rename = this.newSlug && this.newSlug !== base.slug ? { slug: this.newSlug } : {};
        const { entry, commit } = await this.api.update(this.schema.name, base.slug, base.version, {
          ...this.payload(),
          ...rename,
        });
        this.afterSave(entry, savedText('Saved.', commit));
        if (entry.slug !== this.slug)
          this.navigate(href({ name: 'entry', schema: this.schema.name, slug: entry.slug }));
      }
    } catch (error) {
      this.onSaveError(error);
    } finally {
      this.saving = false;
    }
  }

  private afterSave(entry: Entry, text: string): void {
    // A write answers with the entry alone: a bundle page keeps the files it had (same folder).
    const before = this.entry;
    const folder = (p: string): string => p.slice(0, p.lastIndexOf('/'));
    this.entry =
      entry.resources === undefined &&
      before?.resources !== undefined &&
      folder(before.path) === folder(entry.path)
        ? { ...entry, resources: before.resources }
        : entry;
    this.data = structuredClone(entry.data);
    this.body = entry.body ?? '';
    this.newSlug = entry.slug;
    this.conflict = null;
    this.changedElsewhere = false;
    this.touched = new Set();
    this.serverErrors = {};
    this.message = { kind: 'ok', text };
    this.dispatchEvent(new CustomEvent('mimsy-changed', { bubbles: true, composed: true }));
  }

  private onSaveError(error: unknown): void {
    if (!(error instanceof ApiError)) {
      this.message = {
        kind: 'error',
        text: `Not saved: ${(error as Error).message}. Your changes are still here.`,
      };
      return;
    }
    if (error.code === ErrorCodes.VALIDATION) {
      this.serverErrors = error.fieldErrors;
      this.message = { kind: 'error', text: `Not saved: ${error.message}` };
    } else if (error.code === ErrorCodes.CONFLICT && this.entry) {
      this.conflict = (error.details as { current?: Entry } | undefined)?.current ?? null;
      const base: Record<string, unknown> = {
        ...this.entry.data,
        ...(this.schema.bodyField ? { [BODY]: this.entry.body ?? '' } : {}),
      };
      const mine: Record<string, unknown> = {
        ...this.data,
        ...(this.schema.bodyField ? { [BODY]: this.body } : {}),
      };
      const theirs: Record<string, unknown> = this.conflict
        ? { ...this.conflict.data, ...(this.schema.bodyField ? { [BODY]: this.conflict.body ?? '' } : {}) }
        : {};
      this.choices = defaultChoices(base, mine, theirs);
      this.message = {
        kind: 'error',
        text: 'Someone else saved this entry meanwhile. Choose, field by field, what to keep — your version is kept until you decide.',
      };
    } else this.message = { kind: 'error', text: `Not saved: ${error.message}` };
  }

  private async resolveConflict(how: 'mine' | 'theirs' | 'merge'): Promise<void> {
    const theirs = this.conflict!;
    if (how === 'theirs') {
      this.afterSave(theirs, 'Took their version.');
      return;
    }
    const mine: Record<string, unknown> = {
      ...this.data,
      ...(this.schema.bodyField ? { [BODY]: this.body } : {}),
    };
    const other: Record<string, unknown> = {
      ...theirs.data,
      ...(this.schema.bodyField ? { [BODY]: theirs.body ?? '' } : {}),
    };
    const merged = how === 'mine' ? mine : mergeChoices(mine, other, this.choices);
    const { [BODY]: body, ...data } = merged;
    this.data = data;
    if (this.schema.bodyField) this.body = typeof body === 'string' ? body : '';
    await this.save({ base: theirs });
  }

  private async deleteEntry(): Promise<void> {
    if (!this.entry || this.schema.kind === 'singleton') return;
    if (!confirm(`Delete ${this.entry.slug}? This is a commit and can be undone from the history.`)) return;
    try {
      await this.api.remove(this.schema.name, this.entry.slug, this.entry.version);
    } catch (error) {
      if (error instanceof ApiError && error.code === ErrorCodes.REFERENCED) {
        const referrers = (
          (error.details as { referrers?: { schema: string; slug: string }[] }).referrers ?? []
        ).map((r) => `${r.schema}/${r.slug}`);
        if (!confirm(`Other entries refer to this one: ${referrers.join(', ')}. Delete anyway?`)) return;
        await this.api.remove(this.schema.name, this.entry.slug, this.entry.version, true);
      } else {
        this.message = { kind: 'error', text: (error as Error).message };
        return;
      }
    }
    this.entry = null;
    this.touched = new Set();
    this.dispatchEvent(new CustomEvent('mimsy-changed', { bubbles: true, composed: true }));
    this.navigate(href({ name: 'list', schema: this.schema.name }));
  }

  private renderConflict(): unknown {
    const theirs = this.conflict!;
    const mine: Record<string, unknown> = {
      ...this.data,
      ...(this.schema.bodyField ? { [BODY]: this.body } : {}),
    };
    const other: Record<string, unknown> = {
      ...theirs.data,
      ...(this.schema.bodyField ? { [BODY]: theirs.body ?? '' } : {}),
    };
    const show = (v: unknown): string =>
      v === undefined ? '(empty)' : typeof v === 'string' ? v : JSON.stringify(v, null, 2);
    const keys = differingFields(mine, other);
    return html`<section class="conflict" aria-label="Conflict">
      <strong
        >${theirs.updatedBy ? `${theirs.updatedBy.name} saved this entry meanwhile.` : 'This entry was changed meanwhile.'}</strong
      >
      <table>
        <thead>
          <tr>
            <th>Field</th>
            <th>Yours</th>
            <th>Theirs</th>
          </tr>
        </thead>
        <tbody>
          ${keys.map(
            (k) =>
              html`<tr>
                <th scope="row">
                  ${labelOf(this.schema.fields.find((f) => f.name === (k === BODY ? this.schema.bodyField : k)) ?? { name: k })}${this.entry && JSON.stringify(mine[k]) !== JSON.stringify(k === BODY ? this.entry.body : this.entry.data[k]) && JSON.stringify(other[k]) !== JSON.stringify(k === BODY ? this.entry.body : this.entry.data[k]) ? html` <span class="error">(both changed)</span>` : nothing}
                </th>
                <td>
                  <label
                    ><input
                      type="radio"
                      name=${`pick-${k}`}
                      .checked=${(this.choices[k] ?? 'mine') === 'mine'}
                      @change=${() => (this.choices = { ...this.choices, [k]: 'mine' })}
                    />
                    <pre>${show(mine[k])}</pre>
                  </label>
                </td>
                <td>
                  <label
                    ><input
                      type="radio"
                      name=${`pick-${k}`}
                      .checked=${this.choices[k] === 'theirs'}
                      @change=${() => (this.choices = { ...this.choices, [k]: 'theirs' })}
                    />
                    <pre>${show(other[k])}</pre>
                  </label>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      <div class="actions">
        <button class="primary" @click=${() => void this.resolveConflict('merge')}>
          Save with the chosen values
        </button>
        <button @click=${() => void this.resolveConflict('mine')}>Keep all of mine</button>
        <button @click=${() => void this.resolveConflict('theirs')}>Take theirs (drop my changes)</button>
      </div>
    </section>`;
  }

  override render(): unknown {
    if (this.loading) return html`<p class="muted">Loading…</p>`;
    const errors = this.errors();
    const isNew = this.schema.kind === 'collection' && !this.entry;
    const title =
      this.schema.kind === 'singleton'
        ? this.schema.label
        : isNew
          ? `New ${this.schema.label.replace(/s$/, '').toLowerCase()}`
          : asText(this.data.title) || asText(this.data.name) || (this.entry?.slug ?? '');
    return html`
      <p>
        <a href=${this.schema.kind === 'singleton' ? '/' : href({ name: 'list', schema: this.schema.name })}
          >← ${this.schema.kind === 'singleton' ? 'Content' : this.schema.label}</a
        >
      </p>
      <h1>${title}</h1>
      ${
        this.changedElsewhere
          ? html`<div class="notice" role="status">
              This entry was changed elsewhere since you opened it. Saving will let you compare both versions.
              <button @click=${() => void this.load()}>Load the new version</button>
            </div>`
          : nothing
      }
      ${this.message ? html`<p class=${this.message.kind === 'error' ? 'error' : 'muted'} role=${this.message.kind === 'error' ? 'alert' : 'status'}>${this.message.text}</p>` : nothing}
      ${this.conflict ? this.renderConflict() : nothing}
      ${
        this.showHistory && this.entry
          ? html`<mimsy-history
              .api=${this.api}
              .schema=${this.schema}
              .slug=${this.schema.kind === 'singleton' ? null : this.entry.slug}
              .current=${this.entry}
              ?readonly=${this.readonly}
              @mimsy-restored=${(e: CustomEvent<{ entry: Entry }>) => {
                this.showHistory = false;
                this.afterSave(e.detail.entry, 'Restored.');
              }}
            ></mimsy-history>`
          : nothing
      }
      ${
        this.entry?.resources !== undefined // the server says it is a page bundle
          ? html`<mimsy-bundle-files
              class="resources"
              .api=${this.api}
              .schema=${this.schema.name}
              .slug=${this.entry.slug}
              .folder=${this.entry.path.slice(0, this.entry.path.lastIndexOf('/'))}
              .files=${this.entry.resources}
              ?readonly=${this.readonly}
              @mimsy-files-changed=${(e: CustomEvent<{ files: string[] }>) =>
                (this.entry = { ...this.entry!, resources: e.detail.files })}
            ></mimsy-bundle-files>`
          : nothing
      }
      <form @submit=${(e: Event) => (e.preventDefault(), void this.save())} novalidate>
        ${
          this.schema.kind === 'collection'
            ? html`<label class="slug"
                >Slug
                <span class="muted" style="font-weight:400"
                  >${isNew ? '(leave empty to make one from the title)' : '(changing it renames the entry)'}</span
                >
                <input
                  .value=${this.newSlug}
                  ?readonly=${this.readonly}
                  @input=${(e: Event) => ((this.newSlug = (e.target as HTMLInputElement).value.trim()), (this.touched = new Set([...this.touched, '/slug'])))}
                />
                ${errors['/slug'] ? html`<span class="error">${errors['/slug']}</span>` : nothing}
              </label>`
            : nothing
        }
        ${this.schema.fields.map((f) => {
          const isBody = f.name === this.schema.bodyField;
          return html`<mimsy-field
            .field=${f}
            .value=${isBody ? this.body : this.data[f.name]}
            .errors=${errors}
            .at=${'/' + f.name}
            .api=${this.api}
            ?readonly=${this.readonly}
            @mimsy-value=${(e: CustomEvent<{ value: unknown }>) => this.setValue(isBody ? BODY : f.name, e.detail.value)}
          ></mimsy-field>`;
        })}
        ${
          this.readonly
            ? html`<p class="muted">You can read this content; your role does not allow changes.</p>`
            : html`<div class="actions">
                <button
                  class="primary"
                  type="submit"
                  ?disabled=${this.saving || Boolean(this.entry?.parseError)}
                >
                  ${this.saving ? 'Saving…' : isNew ? 'Create' : 'Save'}
                </button>
                <span class="muted">Ctrl/⌘+S</span>
                ${
                  this.entry
                    ? html`<button
                        type="button"
                        aria-expanded=${this.showHistory ? 'true' : 'false'}
                        @click=${() => (this.showHistory = !this.showHistory)}
                      >
                        History
                      </button>`
                    : nothing
                }
                ${this.entry && this.schema.kind === 'collection' ? html`<button class="danger" type="button" @click=${() => void this.deleteEntry()}>Delete</button>` : nothing}
              </div>`
        }
      </form>
    `;
  }
}
customElements.define('mimsy-entry-editor', MimsyEntryEditor);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-entry-editor': MimsyEntryEditor;
  }
}

/** The save message; says so when the commit waits for the Git remote (see docs/scaling.md). */
export function savedText(done: string, commit: { sync?: 'pushed' | 'pending' } | undefined): string {
  return commit?.sync === 'pending'
    ? `${done} The Git remote cannot be reached right now: your change is kept on the server and will be sent when it is back.`
    : done;
}
