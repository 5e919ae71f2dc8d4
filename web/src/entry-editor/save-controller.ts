import type { Entry } from '@mimsy/core/types';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiClient, SchemaInfo, WriteResult } from '../api/client.js';

/** What the form holds, ready to send. */
export interface Draft {
  data: Record<string, unknown>;
  body?: string;
  /** A new slug (create) or a rename (update); '' keeps it. */
  slug: string;
  /** What the editor says the change is: first in the commit message ('' leaves it generated). */
  message?: string;
}

/** A finished save: the entry as written, its commit, and how to say it. */
export interface Saved extends WriteResult {
  /** "Created." or "Saved.", plus a word when the commit waits for the Git remote. */
  text: string;
  created: boolean;
}

/**
 * Saving an entry: one save at a time (`saving` re-renders the host), Ctrl/Cmd+S while the host
 * is connected, and the one call that fits — create, update (with the version the edit is based
 * on, so a concurrent save answers 409), or a singleton's save.
 */
export class SaveController implements ReactiveController {
  saving = false;
  private readonly onKey = (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      this.onShortcut();
    }
  };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onShortcut: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('keydown', this.onKey);
  }

  hostDisconnected(): void {
    window.removeEventListener('keydown', this.onKey);
  }

  /** Sends the draft; null when a save is already under way. Errors are the API's (ApiError). */
  async save(api: ApiClient, schema: SchemaInfo, base: Entry | null, draft: Draft): Promise<Saved | null> {
    if (this.saving) return null;
    this.saving = true;
    this.host.requestUpdate();
    const payload = {
      data: draft.data,
      ...(schema.bodyField ? { body: draft.body ?? '' } : {}),
      ...(draft.message?.trim() ? { message: draft.message.trim() } : {}),
    };
    try {
      if (schema.kind === 'singleton') {
        const result = await api.saveSingleton(schema.name, base?.version ?? null, payload);
        return { ...result, text: savedText('Saved.', result.commit), created: false };
      }
      if (!base) {
        const result = await api.create(schema.name, {
          ...payload,
          ...(draft.slug ? { slug: draft.slug } : {}),
        });
        return { ...result, text: savedText('Created.', result.commit), created: true };
      }
      const rename = draft.slug && draft.slug !== base.slug ? { slug: draft.slug } : {};
      const result = await api.update(schema.name, base.slug, base.version, { ...payload, ...rename });
      return { ...result, text: savedText('Saved.', result.commit), created: false };
    } finally {
      this.saving = false;
      this.host.requestUpdate();
    }
  }
}

/** The save message; says so when the commit waits for the Git remote (see docs/scaling.md). */
export function savedText(done: string, commit: { sync?: 'pushed' | 'pending' } | undefined): string {
  return commit?.sync === 'pending'
    ? `${done} The Git remote cannot be reached right now: your change is kept on the server and will be sent when it is back.`
    : done;
}
