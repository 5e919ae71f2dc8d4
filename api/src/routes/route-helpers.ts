import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Entry } from '@mimsy/core';
import { ErrorCodes } from '@mimsy/core';
import { httpError } from '../errors.js';

/** The version a write is based on, from If-Match (quotes and W/ allowed). Throws 428 without one. */
export function requireIfMatch(request: FastifyRequest): string {
  const header = request.headers['if-match'];
  if (typeof header !== 'string' || header.trim() === '') {
    throw httpError(
      ErrorCodes.PRECONDITION_REQUIRED,
      'Send If-Match with the version (ETag) you edited, so that nobody else’s change is overwritten.',
    );
  }
  const value = header
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  if (value === '*' || !/^[0-9a-f]{40,64}$/.test(value)) {
    throw httpError(ErrorCodes.BAD_REQUEST, 'If-Match must be the entry’s version (its ETag), not "*".');
  }
  return value;
}

export function etag(version: string): string {
  return `"${version}"`;
}

/** Sends an entry with its ETag; answers 304 when the client already has this version. */
export function sendEntry(
  request: FastifyRequest,
  reply: FastifyReply,
  entry: Entry,
  /** A bundle page's files (null: the entry is a single file). */
  resources: string[] | null = null,
): FastifyReply {
  void reply.header('etag', etag(entry.version));
  // A bundle's files change without its page's file (the version) changing: a revalidated copy
  // would list files that are gone and miss new ones, so a bundle is never cached nor answered 304.
  if (resources) {
    void reply.header('cache-control', 'private, no-store');
    return sendJson(reply, JSON.stringify({ ...entry, resources }));
  }
  void reply.header('cache-control', 'private, no-cache');
  const inm = request.headers['if-none-match'];
  if (
    typeof inm === 'string' &&
    inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag(entry.version))
  ) {
    return reply.code(304).send();
  }
  return sendJson(reply, entryJson(entry, 'full'));
}

/** A list item: the entry without its (possibly long) Markdown body. */
export function summary(entry: Entry): Entry {
  const { body: _body, ...rest } = entry;
  return rest;
}

/**
 * The JSON of an entry (whole, or as a list item), kept per entry object: the index replaces an
 * entry's object whenever it changes, so lists of unchanged entries cost a string join per request.
 * (updatedAt and problems are filled in later on the same object, so they are part of the key.)
 */
const jsonCache = new WeakMap<Entry, { full?: string; item?: string; stamp: string }>();
function stampOf(entry: Entry): string {
  return `${entry.updatedAt ?? ''}|${entry.problems?.length ?? -1}`;
}
export function entryJson(entry: Entry, as: 'full' | 'item'): string {
  const stamp = stampOf(entry);
  let cached = jsonCache.get(entry);
  if (!cached || cached.stamp !== stamp) jsonCache.set(entry, (cached = { stamp }));
  return (cached[as] ??= JSON.stringify(as === 'full' ? entry : summary(entry)));
}

/** Sends JSON that is already a string. */
export function sendJson(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}

export function author(request: FastifyRequest): { author: { name: string; email: string } } {
  return { author: { name: request.user!.name, email: request.user!.email } };
}

/** Who writes, and what they say the change is (`message` in a JSON request body, optional). */
export function writeContext(request: FastifyRequest): {
  author: { name: string; email: string };
  message?: string;
} {
  const message = (request.body as { message?: unknown } | null | undefined)?.message;
  return { ...author(request), ...(typeof message === 'string' && message.trim() ? { message } : {}) };
}

/**
 * Splits the wildcard part of /entries/* into the slug and the sub-resource. Slugs cannot have a
 * later segment named "history" or "revert" (core's slug rules), so this is unambiguous.
 */
export function parseEntryPath(rest: string): {
  slug: string;
  action: 'entry' | 'history' | 'revision' | 'revert';
  sha?: string;
} {
  const revision = /^(.+)\/history\/([^/]+)$/.exec(rest);
  if (revision) return { slug: revision[1]!, action: 'revision', sha: revision[2]! };
  if (rest.endsWith('/history')) return { slug: rest.slice(0, -'/history'.length), action: 'history' };
  if (rest.endsWith('/revert')) return { slug: rest.slice(0, -'/revert'.length), action: 'revert' };
  return { slug: rest, action: 'entry' };
}

export function assertSha(sha: string): void {
  if (!/^[0-9a-f]{4,64}$/.test(sha))
    throw httpError(ErrorCodes.BAD_REQUEST, 'A revision is a commit id (4–64 hexadecimal characters).');
}

/** The object without its undefined properties (core's optional inputs are exact). */
export function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
