import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { ErrorCodes } from '@mimsy/core';
import { httpError } from '../errors.js';
import {
  commonErrors,
  CreateBody,
  DeleteResponse,
  Entry,
  ErrorResponse,
  HistoryResponse,
  ListQuery,
  ListResponse,
  PatchBody,
  RevertBody,
  UpdateBody,
  WriteResponse,
  DeletedResponse,
  RestoreBody,
} from '../schemas.js';
import {
  assertSha,
  entryJson,
  etag,
  parseEntryPath,
  requireIfMatch,
  sendEntry,
  sendJson,
  withoutUndefined,
  writeContext,
} from './route-helpers.js';

const SchemaParam = Type.Object({ schema: Type.String({ maxLength: 64 }) });
/** An entry id is one path segment: "/" in it is sent as %2F. */
const EntryId = Type.String({
  maxLength: 400,
  description:
    'The entry id (its slug, which may hold "/"), percent-encoded as one path segment: 2026%2Fhello',
});
const EntryParams = Type.Object({ schema: Type.String({ maxLength: 64 }), id: EntryId });
const RevisionParams = Type.Object({
  schema: Type.String({ maxLength: 64 }),
  id: EntryId,
  sha: Type.String({ maxLength: 64, description: 'A commit id (4–64 hexadecimal characters)' }),
});
const WildcardParams = Type.Object({
  schema: Type.String({ maxLength: 64 }),
  '*': Type.String({ maxLength: 400 }),
});
const conflict = { 409: Type.Ref(ErrorResponse), 428: Type.Ref(ErrorResponse) };
const DeleteQuery = Type.Object({
  force: Type.Optional(Type.Boolean({ description: 'Same as references=keep' })),
  references: Type.Optional(
    Type.Union(
      [Type.Literal('refuse'), Type.Literal('keep'), Type.Literal('clear'), Type.Literal('repoint')],
      {
        description:
          'refuse (default): 409 while others refer to it; keep: they point nowhere (shown as a problem); clear: the reference is removed from each; repoint: each points to `to` instead',
      },
    ),
  ),
  to: Type.Optional(
    Type.String({ maxLength: 400, description: 'With references=repoint: another entry of this collection' }),
  ),
});

/** /api/collections/:schema/entries… — list, read, create, update, rename, delete, history, revert. */
export const collectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/collections/:schema/entries',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'listEntries',
        tags: ['collections'],
        summary: 'List entries: paging, sort, search and filters',
        description:
          'Served from the in-memory index. Filters are `filter[field]=value` (equality, or membership for lists).',
        params: SchemaParam,
        querystring: ListQuery,
        response: { 200: ListResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const { schema } = request.params;
      const query = request.query;
      const filter: Record<string, string> = {};
      for (const [key, value] of Object.entries(query)) {
        const m = /^filter\[([A-Za-z_][A-Za-z0-9_]{0,63})\]$/.exec(key);
        if (m) filter[m[1]!] = String(value);
        else if (!['limit', 'cursor', 'sort', 'q'].includes(key))
          throw httpError(
            ErrorCodes.BAD_REQUEST,
            `Unknown query parameter "${key.slice(0, 60)}": use limit, cursor, sort, q or filter[field].`,
          );
      }
      const result = app.repo.list(schema, {
        limit: query.limit,
        cursor: query.cursor ?? null,
        sort: query.sort,
        q: query.q,
        filter,
      });
      const items = result.items.map((e) => entryJson(e, 'item')).join(',');
      return sendJson(
        reply,
        `{"items":[${items}],"total":${result.total},"nextCursor":${JSON.stringify(result.nextCursor)}}`,
      );
    },
  );

  app.post(
    '/api/collections/:schema/entries',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'createEntry',
        tags: ['collections'],
        summary: 'Create an entry (one commit, by the signed-in user)',
        params: SchemaParam,
        body: CreateBody,
        response: { 201: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { schema } = request.params;
      const result = await app.repo.create(schema, withoutUndefined(request.body), writeContext(request));
      return reply
        .code(201)
        .header('location', `/api/collections/${schema}/entries/${result.entry.slug}`)
        .header('etag', etag(result.entry.version))
        .send(result);
    },
  );

  // An entry id may hold "/" (nested folders): in a path it is one segment, percent-encoded
  // (`2026%2Fhello`). The same routes with the id written with plain slashes are kept, hidden
  // from the OpenAPI document, for links and older clients (a trailing /history, /history/<sha>
  // or /revert there is the sub-route, as below).
  const readEntry = async (
    request: FastifyRequest,
    reply: FastifyReply,
    schema: string,
    slug: string,
  ): Promise<void> => {
    const entry = app.repo.getOrThrow(schema, slug);
    await sendEntry(request, reply, entry, app.repo.bundles.list(schema, entry.slug));
  };
  const readHistory = async (
    reply: FastifyReply,
    schema: string,
    slug: string,
    asked: number | undefined,
  ): Promise<void> => {
    const entry = app.repo.getOrThrow(schema, slug);
    const limit = Math.min(500, asked && asked > 0 ? asked : 100);
    const items = await app.repo.history(schema, entry.slug, { limit });
    await reply
      .type('application/json; charset=utf-8')
      .serializer(JSON.stringify)
      .send({ items } satisfies Static<typeof HistoryResponse>);
  };
  const readRevision = (schema: string, slug: string, sha: string): Promise<Static<typeof Entry>> => {
    app.repo.getOrThrow(schema, slug);
    assertSha(sha);
    return app.repo.entryAt(schema, slug, sha);
  };
  const update = async (
    request: FastifyRequest,
    reply: FastifyReply,
    schema: string,
    slug: string,
    body: Static<typeof UpdateBody>,
  ): Promise<Static<typeof WriteResponse>> => {
    const ifMatch = requireIfMatch(request);
    const result = await app.repo.update(schema, slug, withoutUndefined(body), {
      ...writeContext(request),
      ifMatch,
    });
    void reply.header('etag', etag(result.entry.version));
    return result;
  };
  const patch = async (
    request: FastifyRequest,
    reply: FastifyReply,
    schema: string,
    slug: string,
    changes: Static<typeof PatchBody>,
  ): Promise<Static<typeof WriteResponse>> => {
    const ifMatch = requireIfMatch(request);
    const result = await app.repo.patch(schema, slug, withoutUndefined(changes), {
      ...writeContext(request),
      ifMatch,
    });
    void reply.header('etag', etag(result.entry.version));
    return result;
  };
  const remove = (
    request: FastifyRequest,
    schema: string,
    slug: string,
    query: Static<typeof DeleteQuery>,
  ): Promise<Static<typeof DeleteResponse>> => {
    const ifMatch = requireIfMatch(request);
    return app.repo.remove(schema, slug, {
      ...writeContext(request),
      ifMatch,
      ...(query.force ? { force: true } : {}),
      ...(query.references ? { references: query.references } : {}),
      ...(query.to ? { repointTo: query.to } : {}),
    });
  };
  const revert = async (
    request: FastifyRequest,
    reply: FastifyReply,
    schema: string,
    slug: string,
    sha: string,
  ): Promise<Static<typeof WriteResponse>> => {
    const ifMatch = requireIfMatch(request);
    app.repo.getOrThrow(schema, slug);
    const result = await app.repo.revert(schema, slug, sha, {
      ...writeContext(request),
      ifMatch,
    });
    void reply.header('etag', etag(result.entry.version));
    return result;
  };
  const entryUrl = '/api/collections/:schema/entries/:id';
  const ifMatchHeader = Type.Object({ 'if-match': Type.Optional(Type.String()) });

  app.get(
    '/api/collections/:schema/deleted',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'listDeletedEntries',
        tags: ['collections'],
        summary: 'Entries deleted from the collection (and not there now), newest deletion first',
        params: SchemaParam,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'Default 50' })),
        }),
        response: { 200: DeletedResponse, ...commonErrors },
      },
    },
    async (request, reply) => {
      const items = await app.repo.deleted(request.params.schema, { limit: request.query.limit ?? 50 });
      return reply
        .type('application/json; charset=utf-8')
        .serializer(JSON.stringify)
        .send({ items } satisfies Static<typeof DeletedResponse>);
    },
  );

  app.post(
    '/api/collections/:schema/restore',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'restoreDeletedEntry',
        tags: ['collections'],
        summary: 'Bring a deleted entry back as it was before its deletion (one commit)',
        description: '409 when an entry with that slug exists now; 404 when none was ever deleted.',
        params: SchemaParam,
        body: RestoreBody,
        response: { 201: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { schema } = request.params;
      const result = await app.repo.restoreDeleted(schema, request.body.slug, writeContext(request));
      return reply
        .code(201)
        .header('location', `/api/collections/${schema}/entries/${encodeURIComponent(result.entry.slug)}`)
        .header('etag', etag(result.entry.version))
        .send(result);
    },
  );

  app.get(
    entryUrl,
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getEntry',
        tags: ['collections'],
        summary: 'One entry (ETag = version)',
        params: EntryParams,
        response: { 200: Type.Ref(Entry), 304: Type.Null(), ...commonErrors },
      },
    },
    (request, reply) => readEntry(request, reply, request.params.schema, request.params.id),
  );

  app.get(
    `${entryUrl}/history`,
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getEntryHistory',
        tags: ['collections'],
        summary: "An entry's commits, newest first, following renames",
        params: EntryParams,
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ description: 'How many commits (default 100, at most 500)' })),
        }),
        response: { 200: HistoryResponse, ...commonErrors },
      },
    },
    (request, reply) => readHistory(reply, request.params.schema, request.params.id, request.query.limit),
  );

  app.get(
    `${entryUrl}/history/:sha`,
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getEntryRevision',
        tags: ['collections'],
        summary: 'The entry as it was at a commit',
        params: RevisionParams,
        response: { 200: Type.Ref(Entry), ...commonErrors },
      },
    },
    (request) => readRevision(request.params.schema, request.params.id, request.params.sha),
  );

  app.put(
    entryUrl,
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'updateEntry',
        tags: ['collections'],
        summary: 'Replace the values and body; a new `slug` renames it (one commit); needs If-Match',
        description: '409 with the current entry when someone else changed it since the version in If-Match.',
        params: EntryParams,
        headers: ifMatchHeader,
        body: UpdateBody,
        response: { 200: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    (request, reply) => update(request, reply, request.params.schema, request.params.id, request.body),
  );

  app.patch(
    entryUrl,
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'patchEntry',
        tags: ['collections'],
        summary: 'Change some values (JSON Merge Patch), the body, or the slug (a rename); needs If-Match',
        description:
          "Send `application/merge-patch+json` (or `application/json`). Only what is sent changes: in the file, only those values' text. 409 with the current entry when someone else changed it since the version in If-Match.",
        params: EntryParams,
        headers: ifMatchHeader,
        body: PatchBody,
        response: { 200: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    (request, reply) => patch(request, reply, request.params.schema, request.params.id, request.body),
  );

  app.delete(
    entryUrl,
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'deleteEntry',
        tags: ['collections'],
        summary:
          'Delete; needs If-Match. While other entries refer to it: refused (409 REFERENCED, naming them), or ?references= says what becomes of their references, in the same commit',
        params: EntryParams,
        headers: ifMatchHeader,
        querystring: DeleteQuery,
        response: { 200: DeleteResponse, ...commonErrors, ...conflict },
      },
    },
    (request) => remove(request, request.params.schema, request.params.id, request.query),
  );

  app.post(
    `${entryUrl}/revert`,
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'revertEntry',
        tags: ['collections'],
        summary: 'Restore a revision as a new commit; needs If-Match',
        params: EntryParams,
        headers: ifMatchHeader,
        body: RevertBody,
        response: { 200: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    (request, reply) => revert(request, reply, request.params.schema, request.params.id, request.body.sha),
  );

  // The plain-slash aliases (hidden from the OpenAPI document; validated the same way).
  const wildcard = '/api/collections/:schema/entries/*';
  const hidden = { hide: true, params: WildcardParams };
  const parsed = (
    params: Static<typeof WildcardParams>,
  ): { schema: string } & ReturnType<typeof parseEntryPath> => ({
    schema: params.schema,
    ...parseEntryPath(params['*']),
  });
  const historyQuery = Type.Object({ limit: Type.Optional(Type.Integer()) });
  app.get(
    wildcard,
    { config: { access: 'viewer' }, schema: { ...hidden, querystring: historyQuery } },
    (request, reply) => {
      const { schema, slug, action, sha } = parsed(request.params);
      if (action === 'revert') return reply.callNotFound();
      if (action === 'history') return readHistory(reply, schema, slug, request.query.limit);
      if (action === 'revision') return readRevision(schema, slug, sha!);
      return readEntry(request, reply, schema, slug);
    },
  );
  app.put(
    wildcard,
    { config: { access: 'editor' }, schema: { ...hidden, body: UpdateBody } },
    (request, reply) => {
      const { schema, slug, action } = parsed(request.params);
      return action === 'entry' ? update(request, reply, schema, slug, request.body) : reply.callNotFound();
    },
  );
  app.patch(
    wildcard,
    { config: { access: 'editor' }, schema: { ...hidden, body: PatchBody } },
    (request, reply) => {
      const { schema, slug, action } = parsed(request.params);
      return action === 'entry' ? patch(request, reply, schema, slug, request.body) : reply.callNotFound();
    },
  );
  app.delete(
    wildcard,
    {
      config: { access: 'editor' },
      schema: { ...hidden, querystring: DeleteQuery },
    },
    (request, reply) => {
      const { schema, slug, action } = parsed(request.params);
      return action === 'entry' ? remove(request, schema, slug, request.query) : reply.callNotFound();
    },
  );
  app.post(
    wildcard,
    { config: { access: 'editor' }, schema: { ...hidden, body: RevertBody } },
    (request, reply) => {
      const { schema, slug, action } = parsed(request.params);
      return action === 'revert'
        ? revert(request, reply, schema, slug, request.body.sha)
        : reply.callNotFound();
    },
  );
};
