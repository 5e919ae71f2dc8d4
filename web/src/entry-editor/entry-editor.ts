// Size: ~440 lines, most of it the form's template and styles; loading is a @lit/task, saving
// a SaveController, conflicts <mimsy-conflict-resolver>.
import { css, html, LitElement, nothing } from 'lit';
import { Task, TaskStatus } from '@lit/task';
import type { Entry, Schema } from '@mimsy/core/types';
import { applyDefaults, validateEntry } from '@mimsy/core/validate';
import { ErrorCodes } from '@mimsy/core/errors';
import { ApiError, type ApiClient, type SchemaInfo } from '../api/client.js';
import { href } from '../app/router.js';
import { SessionController } from '../app/session.js';
import { ContextProvider } from '@lit/context';
import { bundleContext } from '../app/context.js';
import { theme } from '../styles/theme.js';
import '../fields/field.js';
import './history.js';
import './bundle-files.js';
import './conflict-resolver.js';
import type { Resolution } from './conflict-resolver.js';
import { BODY, fieldsOf, splitFields } from './conflict.js';
import { SaveController } from './save-controller.js';
import { DraftController, draftKey, type FormState } from './drafts.js';
import './draft-offer.js';
import './delete-references.js';
import type { DeleteChoice, Referrer } from './delete-references.js';
import { commitPendingInput } from '../app/pending-input.js';

export { savedText } from './save-controller.js';

/** How long "Saved." and the like stay on screen. */
const CONFIRMATION_MS = 8000;

function asText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/**
 * `<mimsy-entry-editor>` — the form generated from a schema for a collection entry (new or
 * existing) or a singleton: one widget per field, inline validation with the server's own rules,
 * save (button, Ctrl/Cmd+S; SaveController), rename, delete, conflicts resolved field by field
 * (`<mimsy-conflict-resolver>`), and a notice when the entry changed elsewhere. Loading is a
 * @lit/task keyed by schema and slug: a late answer for an entry left behind is dropped. The API
 * client, the user and live events come from `<mimsy-app>` (@lit/context). Nothing the editor
 * typed is ever dropped.
 * @property schema, schemas, slug (null: new entry or singleton)
 */
export class MimsyEntryEditor extends LitElement {
  static override properties = {
    schema: { attribute: false },
    schemas: { attribute: false },
    slug: { attribute: false },
    entry: { state: true },
    data: { state: true },
    body: { state: true },
    newSlug: { state: true },
    touched: { state: true },
    serverErrors: { state: true },
    message: { state: true },
    conflict: { state: true },
    changedElsewhere: { state: true },
    showHistory: { state: true },
    commitNote: { state: true },
    referrers: { state: true },
    referrersError: { state: true },
  };
  static override styles = [
    theme,
    css`
      form {
        display: grid;
        gap: 1.1rem;
      }
      .commit-note {
        display: grid;
        gap: 0.25rem;
        margin-top: 1rem;
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
      aside.side {
        position: fixed;
        top: 0;
        right: 0;
        bottom: 0;
        width: min(30rem, 100vw);
        overflow: auto;
        background: var(--m-bg);
        border-left: 1px solid var(--m-line);
        box-shadow: -0.5rem 0 1.5rem rgb(0 0 0 / 0.15);
        padding: 1rem;
        z-index: 10;
      }
      aside.side .close {
        float: right;
      }
      .notice {
        padding: 0.6rem 0.8rem;
        border: 1px solid var(--m-accent);
        border-radius: var(--m-radius);
      }
      label.slug {
        display: grid;
        gap: 0.25rem;
        font-weight: 600;
      }
    `,
  ];

  declare schema: SchemaInfo;
  declare schemas: SchemaInfo[];
  declare slug: string | null;
  declare entry: Entry | null;
  declare data: Record<string, unknown>;
  declare body: string;
  declare newSlug: string;
  declare touched: Set<string>;
  declare serverErrors: Record<string, string>;
  declare message: { kind: 'ok' | 'error'; text: string } | null;
  declare conflict: Entry | null;
  declare changedElsewhere: boolean;
  declare showHistory: boolean;
  /** The editor's description of the change, sent with the next save. */
  declare commitNote: string;
  /** While deleting an entry others refer to: they (the dialog asks what becomes of them). */
  declare referrers: Referrer[] | null;
  declare referrersError: string;

  /** While the entry is a page bundle: which, and its files (for image and file fields). */
  private readonly bundle = new ContextProvider(this, { context: bundleContext, initialValue: null });

  private readonly session = new SessionController(this, (event) => {
    const mine = this.schema.kind === 'singleton' ? '' : this.slug;
    if (
      event.schema === this.schema.name &&
      event.slug === mine &&
      this.entry &&
      event.version !== this.entry.version
    )
      this.changedElsewhere = true;
  });
  private readonly saver = new SaveController(this, () => void this.save());
  /** What was typed and not saved, kept in the browser (IndexedDB) and offered back. */
  private readonly drafts = new DraftController(this, () => this.formState());
  /** A restored draft was typed on this version: saving is based on it (a 409 when it is old). */
  private restoredVersion: string | null = null;
  /** The entry for the current schema and slug; a run for an earlier one never lands. */
  private readonly loader = new Task(this, {
    args: () => [this.schema.name, this.schema.kind, this.slug] as const,
    task: async ([schema, kind, slug]) =>
      kind === 'singleton'
        ? await this.api.singleton(schema)
        : slug
          ? await this.api.get(schema, slug)
          : null,
    onComplete: (entry) => this.show(entry),
    onError: (error) => {
      this.message = { kind: 'error', text: (error as Error).message };
    },
  });

  constructor() {
    super();
    this.entry = null;
    this.data = {};
    this.body = '';
    this.newSlug = '';
    this.touched = new Set();
    this.serverErrors = {};
    this.message = null;
    this.conflict = null;
    this.changedElsewhere = false;
    this.showHistory = false;
    this.commitNote = '';
    this.referrers = null;
    this.referrersError = '';
  }

  private toggleHistory(): void {
    this.showHistory = !this.showHistory;
    if (this.showHistory)
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>('aside.side .close')?.focus(),
      );
  }

  /** A field added a file to the page bundle: its list of files again (the form is kept). */
  private async refreshResources(): Promise<void> {
    if (!this.entry || this.schema.kind !== 'collection') return;
    const fresh = await this.api.get(this.schema.name, this.entry.slug);
    if (this.entry && fresh.resources) this.entry = { ...this.entry, resources: fresh.resources };
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (!changed.has('entry')) return;
    const e = this.entry;
    const dir = e ? e.path.slice(0, e.path.lastIndexOf('/') + 1) : '';
    this.bundle.setValue(
      e?.resources !== undefined && this.schema.kind === 'collection'
        ? { schema: this.schema.name, slug: e.slug, files: e.resources.map((r) => r.slice(dir.length)) }
        : null,
    );
  }

  /** A confirmation ("Saved.") goes away by itself after a while; errors stay until acted on. */
  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (!changed.has('message') || this.message?.kind !== 'ok') return;
    const shown = this.message;
    setTimeout(() => {
      if (this.message === shown) this.message = null;
    }, CONFIRMATION_MS);
  }

  private get api(): ApiClient {
    return this.session.api;
  }

  /** Unsaved changes: the shell asks before leaving (after taking in what is being typed). */
  get dirty(): boolean {
    commitPendingInput();
    return this.isDirty();
  }

  private isDirty(): boolean {
    if (!this.entry) return this.touched.size > 0;
    return (
      JSON.stringify(this.data) !== JSON.stringify(this.entry.data) ||
      (this.schema.bodyField !== undefined && this.body !== (this.entry.body ?? '')) ||
      (this.newSlug !== '' && this.newSlug !== this.entry.slug)
    );
  }

  private get readonly(): boolean {
    return this.session.user.role === 'viewer';
  }

  /** The draft key of what the form shows: per user, collection and entry ('' for a new one). */
  private draftKey(slug = this.entry?.slug ?? this.slug): string {
    const who = this.session.user.email || this.session.user.name;
    return draftKey(who, this.schema.name, this.schema.kind === 'singleton' ? null : (slug ?? ''));
  }

  private formState(): FormState | null {
    if (this.loader.status !== TaskStatus.COMPLETE) return null;
    return {
      key: this.draftKey(),
      version: this.entry?.version ?? null,
      data: this.data,
      body: this.body,
      slug: this.newSlug,
      dirty: this.isDirty(),
    };
  }

  private restoreDraft(): void {
    const draft = this.drafts.offer;
    if (!draft) return;
    this.data = structuredClone(draft.data);
    this.body = draft.body;
    if (draft.slug) this.newSlug = draft.slug;
    this.touched = new Set([...this.touched, '*']);
    if (this.entry && draft.version && draft.version !== this.entry.version)
      this.restoredVersion = draft.version;
    this.drafts.taken();
    this.message = { kind: 'ok', text: 'Unsaved changes restored. Save to keep them.' };
  }

  /** The form shows `entry` (null: a new one, with the schema's defaults). */
  private show(entry: Entry | null): void {
    // The entry just saved, opened under its new address (created, renamed): "Created." stays.
    const justSaved = entry !== null && this.message?.kind === 'ok' && entry.version === this.entry?.version;
    if (!justSaved) this.message = null;
    this.conflict = null;
    this.changedElsewhere = false;
    this.touched = new Set();
    this.serverErrors = {};
    this.entry = entry;
    this.data = entry ? structuredClone(entry.data) : applyDefaults(this.schema as unknown as Schema, {});
    this.body = entry?.body ?? '';
    this.newSlug = entry?.slug ?? '';
    this.restoredVersion = null;
    void this.drafts.opened();
    if (entry?.parseError)
      this.message = {
        kind: 'error',
        text: `This file cannot be read (${entry.parseError.line ? `line ${entry.parseError.line}: ` : ''}${entry.parseError.message}). Mimsy will not write over it: fix it in the repository, or delete the entry.`,
      };
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
    if (this.message?.text.startsWith('Not saved:') && !this.conflict && !Object.keys(this.errors()).length)
      this.message = null; // "Not saved: 2 field(s) need attention", and they no longer do
    this.drafts.changed();
  }

  private navigate(path: string): void {
    this.dispatchEvent(
      new CustomEvent('mimsy-navigate', { detail: { path }, bubbles: true, composed: true }),
    );
  }

  async save(options: { base?: Entry } = {}): Promise<void> {
    if (this.readonly || this.saver.saving) return;
    commitPendingInput(); // a number typed and not yet left, saved with Ctrl+S
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
    this.message = null;
    try {
      const restored =
        this.restoredVersion && this.entry ? { ...this.entry, version: this.restoredVersion } : null;
      const keyBefore = this.draftKey();
      const saved = await this.saver.save(this.api, this.schema, options.base ?? restored ?? this.entry, {
        data: this.data,
        body: this.body,
        slug: this.newSlug,
        message: this.commitNote,
      });
      if (!saved) return;
      this.commitNote = '';
      this.afterSave(saved.entry, saved.text);
      void this.drafts.done(keyBefore, this.draftKey(saved.entry.slug));
      if (saved.created || (this.schema.kind === 'collection' && saved.entry.slug !== this.slug))
        this.navigate(href({ name: 'entry', schema: this.schema.name, slug: saved.entry.slug }));
    } catch (error) {
      this.onSaveError(error);
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
    this.restoredVersion = null;
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
      this.message = {
        kind: 'error',
        text: 'Someone else saved this entry meanwhile. Choose, field by field, what to keep — your version is kept until you decide.',
      };
    } else this.message = { kind: 'error', text: `Not saved: ${error.message}` };
  }

  private async resolveConflict(resolution: Resolution): Promise<void> {
    const theirs = this.conflict!;
    if (resolution.how === 'theirs') return this.afterSave(theirs, 'Took their version.');
    const { data, body } = splitFields(resolution.fields);
    this.data = data;
    if (this.schema.bodyField) this.body = body;
    await this.save({ base: theirs });
  }

  private async deleteEntry(choice?: DeleteChoice): Promise<void> {
    if (!this.entry || this.schema.kind === 'singleton') return;
    if (
      !choice &&
      !confirm(
        `Delete ${this.entry.slug}? This is a commit: "Recently deleted" in the list can bring it back.`,
      )
    )
      return;
    try {
      await this.api.remove(this.schema.name, this.entry.slug, this.entry.version, choice ?? {});
    } catch (error) {
      if (error instanceof ApiError && error.code === ErrorCodes.REFERENCED) {
        // Others refer to it: ask what becomes of their references (<mimsy-delete-references>).
        this.referrers = (error.details as { referrers?: Referrer[] }).referrers ?? [];
        this.referrersError = '';
      } else if (choice) this.referrersError = (error as Error).message;
      else this.message = { kind: 'error', text: (error as Error).message };
      return;
    }
    this.referrers = null;
    const key = this.draftKey();
    this.entry = null;
    this.touched = new Set();
    void this.drafts.done(key);
    this.dispatchEvent(new CustomEvent('mimsy-changed', { bubbles: true, composed: true }));
    this.navigate(href({ name: 'list', schema: this.schema.name }));
  }

  override render(): unknown {
    if (this.loader.status === TaskStatus.INITIAL || this.loader.status === TaskStatus.PENDING)
      return html`<p class="muted">Loading…</p>`;
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
              <button @click=${() => void this.loader.run()}>Load the new version</button>
            </div>`
          : nothing
      }
      ${
        this.drafts.offer && !this.readonly
          ? html`<mimsy-draft-offer
              .schema=${this.schema}
              .draft=${this.drafts.offer}
              .current=${{ data: this.data, body: this.body, version: this.entry?.version ?? null }}
              @mimsy-restore-draft=${() => this.restoreDraft()}
              @mimsy-discard-draft=${() => void this.drafts.discard()}
            ></mimsy-draft-offer>`
          : nothing
      }
      ${this.message ? html`<p class=${this.message.kind === 'error' ? 'error' : 'muted'} role=${this.message.kind === 'error' ? 'alert' : 'status'}>${this.message.text}</p>` : nothing}
      ${
        this.conflict
          ? html`<mimsy-conflict-resolver
              .schema=${this.schema}
              .base=${this.entry}
              .mine=${fieldsOf(this.schema, this.data, this.body)}
              .theirs=${this.conflict}
              @mimsy-resolve=${(e: CustomEvent<Resolution>) => void this.resolveConflict(e.detail)}
            ></mimsy-conflict-resolver>`
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
      <form
        @submit=${(e: Event) => (e.preventDefault(), void this.save())}
        @mimsy-bundle-changed=${() => void this.refreshResources()}
        novalidate
      >
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
                  @input=${(e: Event) => ((this.newSlug = (e.target as HTMLInputElement).value.trim()), (this.touched = new Set([...this.touched, '/slug'])), this.drafts.changed())}
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
            : html`<label class="commit-note"
                  >Describe the change <span class="muted">(optional, goes into the history)</span>
                  <input
                    type="text"
                    maxlength="2000"
                    autocomplete="off"
                    .value=${this.commitNote}
                    @input=${(e: Event) => (this.commitNote = (e.target as HTMLInputElement).value)}
                /></label>
                <div class="actions">
                  <button
                    class="primary"
                    type="submit"
                    ?disabled=${this.saver.saving || Boolean(this.entry?.parseError)}
                  >
                    ${this.saver.saving ? 'Saving…' : isNew ? 'Create' : 'Save'}
                  </button>
                  <span class="muted">Ctrl/⌘+S</span>
                  ${
                    this.entry
                      ? html`<button
                          type="button"
                          id="history-button"
                          aria-expanded=${this.showHistory ? 'true' : 'false'}
                          @click=${() => this.toggleHistory()}
                        >
                          History
                        </button>`
                      : nothing
                  }
                  ${this.entry && this.schema.kind === 'collection' ? html`<button class="danger" type="button" @click=${() => void this.deleteEntry()}>Delete</button>` : nothing}
                </div>`
        }
      </form>
      ${
        this.referrers && this.entry
          ? html`<mimsy-delete-references
              .api=${this.api}
              .schema=${this.schema}
              .slug=${this.entry.slug}
              .referrers=${this.referrers}
              .error=${this.referrersError}
              @mimsy-delete-choice=${(e: CustomEvent<DeleteChoice>) => void this.deleteEntry(e.detail)}
              @mimsy-cancel=${() => (this.referrers = null)}
            ></mimsy-delete-references>`
          : nothing
      }
      ${this.renderHistory()}
    `;
  }

  /**
   * History in a side panel beside the form (over it on a phone), opened from the History button
   * at the bottom: focus moves into it, Escape or Close puts it back on the button.
   */
  private renderHistory(): unknown {
    if (!this.showHistory || !this.entry) return nothing;
    const close = (): void => {
      this.showHistory = false;
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>('#history-button')?.focus(),
      );
    };
    return html`<aside
      class="side"
      aria-label="History"
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') close();
      }}
    >
      <button type="button" class="close" @click=${close}>Close</button>
      <mimsy-history
        .api=${this.api}
        .schema=${this.schema}
        .slug=${this.schema.kind === 'singleton' ? null : this.entry.slug}
        .current=${this.entry}
        ?readonly=${this.readonly}
        @mimsy-restored=${(e: CustomEvent<{ entry: Entry }>) => {
          close();
          this.afterSave(e.detail.entry, 'Restored.');
        }}
      ></mimsy-history>
    </aside>`;
  }
}
customElements.define('mimsy-entry-editor', MimsyEntryEditor);

declare global {
  interface HTMLElementTagNameMap {
    'mimsy-entry-editor': MimsyEntryEditor;
  }
}
