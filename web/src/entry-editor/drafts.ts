import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { createStore, del, get, set, type UseStore } from 'idb-keyval';

/**
 * What an editor typed and has not saved, kept in the browser (IndexedDB) while typing, so that a
 * crashed tab, a closed window or a lost session does not lose it. One draft per entry; it
 * remembers the version it was typed on, so restoring it over a newer version goes through the
 * conflict screen instead of overwriting someone else's save.
 */
export interface LocalDraft {
  /** The version the edit was based on (null: a new entry). */
  version: string | null;
  data: Record<string, unknown>;
  body: string;
  slug: string;
  /** When it was last written (ISO). */
  at: string;
}

let store: UseStore | null | undefined;

/** The drafts store; null where the browser has no IndexedDB (drafts are then not kept). */
function drafts(): UseStore | null {
  if (store === undefined)
    store = typeof indexedDB === 'undefined' ? null : createStore('mimsy-drafts', 'drafts');
  return store;
}

/** The key of an entry's draft: per user, so that two people sharing a browser never see each other's. */
export function draftKey(user: string, schema: string, slug: string | null): string {
  return JSON.stringify([user, schema, slug ?? '']);
}

export async function readDraft(key: string): Promise<LocalDraft | null> {
  const s = drafts();
  if (!s) return null;
  return (await get<LocalDraft>(key, s).catch(() => undefined)) ?? null;
}

export async function writeDraft(key: string, draft: LocalDraft): Promise<void> {
  const s = drafts();
  if (s) await set(key, draft, s).catch(() => undefined); // best effort: a full quota must not stop typing
}

export async function dropDraft(key: string): Promise<void> {
  const s = drafts();
  if (s) await del(key, s).catch(() => undefined);
}

/** What the form shows, as a draft would hold it. */
export interface FormState {
  key: string;
  version: string | null;
  data: Record<string, unknown>;
  body: string;
  slug: string;
  dirty: boolean;
}

/** Whether `draft` holds something else than the form shows. */
export function differs(draft: LocalDraft, shown: Omit<FormState, 'key' | 'dirty' | 'version'>): boolean {
  return (
    JSON.stringify(draft.data) !== JSON.stringify(shown.data) ||
    draft.body !== shown.body ||
    (draft.slug !== '' && draft.slug !== shown.slug)
  );
}

/**
 * Keeps the editor's local draft: written a moment after each change (and at once when the page
 * is hidden or the editor closes), dropped when saved or discarded; on opening an entry, offers a
 * draft that differs from what was loaded. While an offer waits for an answer, nothing is written
 * over it.
 */
export class DraftController implements ReactiveController {
  /** A draft from an earlier visit, waiting for "Restore" or "Discard". */
  offer: LocalDraft | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: FormState | null = null;
  private readonly flushNow = (): void => void this.flush();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly state: () => FormState | null,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('pagehide', this.flushNow);
    document.addEventListener('visibilitychange', this.flushNow);
  }

  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.flushNow);
    document.removeEventListener('visibilitychange', this.flushNow);
    void this.flush();
  }

  /** The form now shows a freshly loaded entry: offer a differing draft kept for it, if any. */
  async opened(): Promise<void> {
    clearTimeout(this.timer);
    this.pending = null;
    this.offer = null;
    await this.host.updateComplete; // the loader reports "complete" only after it handed over
    const shown = this.state();
    if (!shown) return;
    const draft = await readDraft(shown.key);
    const now = this.state();
    if (!draft || now?.key !== shown.key || now.dirty) return; // left, or typing already
    if (differs(draft, now)) this.offer = draft;
    else await dropDraft(shown.key);
    this.host.requestUpdate();
  }

  /** The editor changed something: keep it shortly. */
  changed(): void {
    if (this.offer) return;
    this.pending = this.state();
    clearTimeout(this.timer);
    this.timer = setTimeout(this.flushNow, 250);
  }

  /** Saved (or deleted): the drafts under these keys are done with. */
  async done(...keys: string[]): Promise<void> {
    clearTimeout(this.timer);
    this.pending = null;
    this.offer = null;
    for (const key of new Set(keys)) await dropDraft(key);
  }

  /** The offered draft was taken into the form (it is written again on the next change). */
  taken(): void {
    this.offer = null;
    this.changed();
  }

  async discard(): Promise<void> {
    const key = this.state()?.key;
    this.offer = null;
    this.host.requestUpdate();
    if (key) await dropDraft(key);
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    const s = this.pending;
    this.pending = null;
    if (!s) return;
    if (s.dirty)
      await writeDraft(s.key, {
        version: s.version,
        data: s.data,
        body: s.body,
        slug: s.slug,
        at: new Date().toISOString(),
      });
    else await dropDraft(s.key);
  }
}
