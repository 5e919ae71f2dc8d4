import type { CommitInfo, Entry, ListQuery, ListResult, Schema } from '@mimsy/core/types';
import { ErrorCodes } from '@mimsy/core/errors';

/** An error answer of the API: `{error: {code, message, details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field-level problems of a 400 MIMSY_ERR_VALIDATION: JSON pointer → message. */
  get fieldErrors(): Record<string, string> {
    const issues =
      (this.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
    return Object.fromEntries(issues.map((i) => [i.path, i.message]));
  }
}

export interface SessionUser {
  name: string;
  email: string;
  role: 'viewer' | 'editor' | 'admin';
}

/** Where this server stands against its Git remote (GET /api/git/status). */
export interface GitStatusInfo {
  remote: string | null;
  ahead: number;
  pendingPush: boolean;
  lastSync: { at: string; ok: boolean; error?: string } | null;
  parked: { branch: string; at: string; files: string[]; pushed: boolean }[];
}

/** A file Mimsy will not serve (a name it cannot address, a symbolic link), with why. */
export interface FileProblem {
  path: string;
  schema: string;
  message: string;
}

export interface SchemaInfo extends Omit<Schema, 'source'> {
  count: number;
}

/** A file of the media library. */
export interface MediaItem {
  /** In the repository (public/media/2026/11/cover.png). */
  path: string;
  /** Where the site serves it (/media/2026/11/cover.png): what fields hold. */
  url: string;
  /** Inside the media folder (2026/11/cover.png). */
  name: string;
  size: number;
  version: string;
}

/** An entry a commit deleted: its values as they were, and that commit. */
export interface DeletedEntry {
  slug: string;
  path: string;
  data: Record<string, unknown>;
  deleted: CommitInfo;
}

export interface WriteResult {
  entry: Entry;
  /** `sync` is "pending" when the server could not reach the Git remote: saved there, pushed later. */
  commit: { sha: string; sync?: 'pushed' | 'pending' };
}

/**
 * The admin's only way to the server. Cookie session + CSRF header on writes; the base URL is
 * configurable (window.MIMSY_API_BASE or the constructor) so the admin can be served elsewhere.
 */
export class ApiClient {
  private csrf: string | null = null;

  constructor(
    readonly base = ((globalThis as { MIMSY_API_BASE?: string }).MIMSY_API_BASE ?? '').replace(/\/$/, ''),
  ) {}

  private async request<T>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; raw?: BodyInit } = {},
  ): Promise<{ data: T; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    const res = await fetch(this.base + path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    if (res.status === 204) return { data: undefined as T, headers: res.headers };
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const error = (json as { error?: { code: string; message: string; details?: unknown } } | undefined)
        ?.error;
      throw new ApiError(
        res.status,
        error?.code ?? 'MIMSY_ERR_HTTP',
        error?.message ?? `The server answered ${res.status}.`,
        error?.details,
      );
    }
    return { data: json as T, headers: res.headers };
  }

  async login(name: string, password: string): Promise<SessionUser> {
    const { data } = await this.request<{ user: SessionUser; csrfToken: string }>('POST', '/api/auth/login', {
      body: { name, password },
    });
    this.csrf = data.csrfToken;
    return data.user;
  }

  /** The signed-in user, or null. */
  async me(): Promise<SessionUser | null> {
    // The server sets a plain "signed in" hint beside the HttpOnly session cookie.
    if (typeof document !== 'undefined' && !document.cookie.split('; ').includes('mimsy_signed_in=1'))
      return null;
    try {
      const { data } = await this.request<{ user: SessionUser; csrfToken?: string }>('GET', '/api/auth/me');
      this.csrf = data.csrfToken ?? null;
      return data.user;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async logout(): Promise<void> {
    await this.request('POST', '/api/auth/logout');
    this.csrf = null;
  }

  async gitStatus(): Promise<GitStatusInfo> {
    return (await this.request<GitStatusInfo>('GET', '/api/git/status')).data;
  }

  /** The content model, and the files in the repository that Mimsy cannot serve. */
  async schemas(): Promise<{ items: SchemaInfo[]; files: FileProblem[] }> {
    const { data } = await this.request<{ items: SchemaInfo[]; files?: FileProblem[] }>(
      'GET',
      '/api/schemas',
    );
    return { items: data.items, files: data.files ?? [] };
  }

  async list(schema: string, query: ListQuery = {}): Promise<ListResult> {
    const params = new URLSearchParams();
    if (query.limit) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    if (query.sort) params.set('sort', query.sort);
    if (query.q) params.set('q', query.q);
    for (const [k, v] of Object.entries(query.filter ?? {})) if (v !== '') params.set(`filter[${k}]`, v);
    return (
      await this.request<ListResult>(
        'GET',
        `/api/collections/${encodeURIComponent(schema)}/entries?${params.toString()}`,
      )
    ).data;
  }

  private entryPath(schema: string, slug: string): string {
    return `/api/collections/${encodeURIComponent(schema)}/entries/${encodeURIComponent(slug)}`;
  }

  async get(schema: string, slug: string): Promise<Entry> {
    return (await this.request<Entry>('GET', this.entryPath(schema, slug))).data;
  }

  async create(
    schema: string,
    input: { slug?: string; data: Record<string, unknown>; body?: string; message?: string },
  ): Promise<WriteResult> {
    return (
      await this.request<WriteResult>('POST', `/api/collections/${encodeURIComponent(schema)}/entries`, {
        body: input,
      })
    ).data;
  }

  async update(
    schema: string,
    slug: string,
    version: string,
    input: { slug?: string; data: Record<string, unknown>; body?: string; message?: string },
  ): Promise<WriteResult> {
    return (
      await this.request<WriteResult>('PUT', this.entryPath(schema, slug), {
        body: input,
        headers: { 'if-match': `"${version}"` },
      })
    ).data;
  }

  /**
   * Deletes an entry. While others refer to it the API answers 409 REFERENCED (naming them) unless
   * `references` says what becomes of their references: kept pointing nowhere, cleared, or
   * repointed to `to` — in the same commit.
   */
  async remove(
    schema: string,
    slug: string,
    version: string,
    options: { references?: 'keep' | 'clear' | 'repoint'; to?: string } = {},
  ): Promise<void> {
    const params = new URLSearchParams();
    if (options.references) params.set('references', options.references);
    if (options.to) params.set('to', options.to);
    const query = params.size ? `?${params.toString()}` : '';
    await this.request('DELETE', this.entryPath(schema, slug) + query, {
      headers: { 'if-match': `"${version}"` },
    });
  }

  /** Entries deleted from a collection (and not there now), newest deletion first. */
  async deleted(schema: string): Promise<DeletedEntry[]> {
    return (
      await this.request<{ items: DeletedEntry[] }>(
        'GET',
        `/api/collections/${encodeURIComponent(schema)}/deleted`,
      )
    ).data.items;
  }

  /** Brings a deleted entry back as it was (one commit). */
  async restoreDeleted(schema: string, slug: string): Promise<WriteResult> {
    return (
      await this.request<WriteResult>('POST', `/api/collections/${encodeURIComponent(schema)}/restore`, {
        body: { slug },
      })
    ).data;
  }

  async singleton(schema: string): Promise<Entry | null> {
    try {
      return (await this.request<Entry>('GET', `/api/singletons/${encodeURIComponent(schema)}`)).data;
    } catch (error) {
      if (error instanceof ApiError && error.code === ErrorCodes.NOT_FOUND) return null;
      throw error;
    }
  }

  async saveSingleton(
    schema: string,
    version: string | null,
    input: { data: Record<string, unknown>; body?: string; message?: string },
  ): Promise<WriteResult> {
    const headers: Record<string, string> = version
      ? { 'if-match': `"${version}"` }
      : { 'if-none-match': '*' };
    return (
      await this.request<WriteResult>('PUT', `/api/singletons/${encodeURIComponent(schema)}`, {
        body: input,
        headers,
      })
    ).data;
  }

  private historyBase(schema: string, slug: string | null): string {
    return slug === null ? `/api/singletons/${encodeURIComponent(schema)}` : this.entryPath(schema, slug);
  }

  /** Commits touching an entry (slug null: a singleton), newest first. */
  async history(schema: string, slug: string | null): Promise<CommitInfo[]> {
    return (await this.request<{ items: CommitInfo[] }>('GET', `${this.historyBase(schema, slug)}/history`))
      .data.items;
  }

  async revision(schema: string, slug: string | null, sha: string): Promise<Entry> {
    return (await this.request<Entry>('GET', `${this.historyBase(schema, slug)}/history/${sha}`)).data;
  }

  async revert(schema: string, slug: string | null, sha: string, version: string): Promise<WriteResult> {
    return (
      await this.request<WriteResult>('POST', `${this.historyBase(schema, slug)}/revert`, {
        body: { sha },
        headers: { 'if-match': `"${version}"` },
      })
    ).data;
  }

  /** Uploads with progress (0–1) reported as the bytes go out. */
  uploadWithProgress(
    files: File[],
    onProgress: (fraction: number) => void,
  ): Promise<{ items: { path: string; url: string }[] }> {
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', this.base + '/api/media');
      if (this.csrf) xhr.setRequestHeader('x-csrf-token', this.csrf);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => {
        const json = xhr.responseText
          ? (JSON.parse(xhr.responseText) as {
              items?: { path: string; url: string }[];
              error?: { code: string; message: string; details?: unknown };
            })
          : {};
        if (xhr.status >= 200 && xhr.status < 300) resolve({ items: json.items ?? [] });
        else
          reject(
            new ApiError(
              xhr.status,
              json.error?.code ?? 'MIMSY_ERR_HTTP',
              json.error?.message ?? `The server answered ${xhr.status}.`,
              json.error?.details,
            ),
          );
      };
      xhr.onerror = () =>
        reject(new ApiError(0, 'MIMSY_ERR_NETWORK', 'The upload did not reach the server.'));
      xhr.send(form);
    });
  }

  async uploadMedia(files: File[]): Promise<{ items: { path: string; url: string }[] }> {
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    return (
      await this.request<{ items: { path: string; url: string }[] }>('POST', '/api/media', { raw: form })
    ).data;
  }

  /** The URL of a file of an entry's page bundle (`name`: its path inside the bundle folder). */
  bundleFileUrl(schema: string, slug: string, name: string): string {
    return `${this.base}${this.bundlePath(schema, slug)}?name=${encodeURIComponent(name)}`;
  }

  private bundlePath(schema: string, slug: string): string {
    return `/api/collections/${encodeURIComponent(schema)}/files/${encodeURIComponent(slug)}`;
  }

  /** Uploads files into an entry's page bundle; each becomes a commit. Returns their paths. */
  async uploadToBundle(
    schema: string,
    slug: string,
    files: File[],
  ): Promise<{ path: string; name: string }[]> {
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    return (
      await this.request<{ items: { path: string; name: string }[] }>('POST', this.bundlePath(schema, slug), {
        raw: form,
      })
    ).data.items;
  }

  /** Deletes a file of an entry's page bundle, at the version this editor has just seen. */
  async removeFromBundle(schema: string, slug: string, name: string): Promise<void> {
    const res = await fetch(this.bundleFileUrl(schema, slug, name), {
      method: 'HEAD',
      credentials: 'same-origin',
    });
    const version = res.headers.get('etag');
    if (!res.ok || !version)
      throw new ApiError(res.status, ErrorCodes.NOT_FOUND, `There is no file ${name} any more.`);
    await this.request('DELETE', `${this.bundlePath(schema, slug)}?name=${encodeURIComponent(name)}`, {
      headers: { 'if-match': version },
    });
  }

  async media(): Promise<MediaItem[]> {
    return (await this.request<{ items: MediaItem[] }>('GET', '/api/media')).data.items;
  }

  /**
   * Deletes a media file (one commit). While entries use it the API answers 409 REFERENCED,
   * naming them in `details.referrers`, unless `force`.
   */
  async removeMedia(item: Pick<MediaItem, 'name' | 'version'>, force = false): Promise<void> {
    await this.request('DELETE', `/api/media/${encodeURIComponent(item.name)}${force ? '?force=true' : ''}`, {
      headers: { 'if-match': `"${item.version}"` },
    });
  }

  /** Live entry events (Server-Sent Events). Returns a function that stops listening. */
  events(
    onEvent: (event: {
      type: string;
      schema: string;
      slug: string;
      version: string | null;
      source: string;
    }) => void,
  ): () => void {
    if (typeof EventSource === 'undefined') return () => undefined;
    const source = new EventSource(this.base + '/api/events', { withCredentials: true });
    source.addEventListener('entry', (e) => onEvent(JSON.parse((e as MessageEvent<string>).data) as never));
    return () => source.close();
  }
}
