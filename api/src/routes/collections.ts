import type { FastifyPluginAsync } from 'fastify';
import { type Static, Type } from '@sinclair/typebox';
import { ErrorCodes } from '@mimsy/core';
import { httpError } from '../errors.js';
import type { HistoryResponse } from '../schemas.js';
import {
  commonErrors,
  CreateBody,
  DeleteResponse,
  Entry,
  ErrorResponse,
  ListQuery,
  ListResponse,
  PatchBody,
  RevertBody,
  UpdateBody,
  WriteResponse,
} from '../schemas.js';
import {
  assertSha,
  author,
  entryJson,
  etag,
  parseEntryPath,
  requireIfMatch,
  sendEntry,
  sendJson,
  withoutUndefined,
} from './route-helpers.js';

const SchemaParam = Type.Object({ schema: Type.String({ maxLength: 64 }) });
const EntryParams = Type.Object({
  schema: Type.String({ maxLength: 64 }),
  '*': Type.String({ maxLength: 400 }),
});
const conflict = { 409: Type.Ref(ErrorResponse), 428: Type.Ref(ErrorResponse) };

/** /api/collections/:schema/entries… — list, read, create, update, rename, delete, history, revert. */
export const collectionRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/api/collections/:schema/entries',
    {
      config: { access: 'viewer' },
      schema: {
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
      const { schema } = request.params as { schema: string };
      const query = request.query as Record<string, string | number | undefined>;
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
        limit: query.limit as number | undefined,
        cursor: (query.cursor as string | undefined) ?? null,
        sort: query.sort as string | undefined,
        q: query.q as string | undefined,
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
        tags: ['collections'],
        summary: 'Create an entry (one commit, by the signed-in user)',
        params: SchemaParam,
        body: CreateBody,
        response: { 201: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { schema } = request.params as { schema: string };
      const body = request.body as { slug?: string; data: Record<string, unknown>; body?: string };
      const input: { slug?: string; data: Record<string, unknown>; body?: string } = { data: body.data };
      if (body.slug !== undefined) input.slug = body.slug;
      if (body.body !== undefined) input.body = body.body;
      const result = await app.repo.create(schema, input, author(request));
      return reply
        .code(201)
        .header('location', `/api/collections/${schema}/entries/${result.entry.slug}`)
        .header('etag', etag(result.entry.version))
        .send(result);
    },
  );

  app.get(
    '/api/collections/:schema/entries/*',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['collections'],
        summary: 'One entry (ETag = version); …/history: its commits; …/history/:sha: the entry at a commit',
        params: EntryParams,
        description: 'The entry, or for …/history `{items: Commit[]}` (newest first, following renames).',
        response: { 200: Type.Ref(Entry), 304: Type.Null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      const { schema, '*': rest } = request.params as { schema: string; '*': string };
      const { slug, action, sha } = parseEntryPath(rest);
      if (action === 'revert') return reply.callNotFound();
      const entry = app.repo.getOrThrow(schema, slug);
      if (action === 'history') {
        const limit = Math.min(500, Number((request.query as { limit?: string }).limit ?? 100) || 100);
        // The route's response schema is the entry's; history has its own shape (HistoryResponse).
        return reply
          .type('application/json; charset=utf-8')
          .serializer(JSON.stringify)
          .send({ items: await app.repo.history(schema, entry.slug, { limit }) } satisfies Static<
            typeof HistoryResponse
          >);
      }
      if (action === 'revision') {
        assertSha(sha!);
        return app.repo.entryAt(schema, slug, sha!);
      }
      return sendEntry(request, reply, entry, app.repo.resources(schema, entry.slug));
    },
  );

  app.put(
    '/api/collections/:schema/entries/*',
    {
      config: { access: 'editor' },
      schema: {
        tags: ['collections'],
        summary: 'Update (or rename with a new slug); needs If-Match',
        description: '409 with the current entry when someone else changed it since the version in If-Match.',
        params: EntryParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: UpdateBody,
        response: { 200: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { schema, '*': rest } = request.params as { schema: string; '*': string };
      const { slug, action } = parseEntryPath(rest);
      if (action !== 'entry') return reply.callNotFound();
      const ifMatch = requireIfMatch(request);
      const body = request.body as { slug?: string; data: Record<string, unknown>; body?: string };
      const input: { slug?: string; data: Record<string, unknown>; body?: string } = { data: body.data };
      if (body.slug !== undefined) input.slug = body.slug;
      if (body.body !== undefined) input.body = body.body;
      const result = await app.repo.update(schema, slug, input, { ...author(request), ifMatch });
      return reply.header('etag', etag(result.entry.version)).send(result);
    },
  );

  app.patch(
    '/api/collections/:schema/entries/*',
    {
      config: { access: 'editor' },
      schema: {
        tags: ['collections'],
        summary: 'Change some values (JSON Merge Patch), the body or the slug; needs If-Match',
        description:
          "Send `application/merge-patch+json` (or `application/json`). Only what is sent changes: in the file, only those values' text. 409 with the current entry when someone else changed it since the version in If-Match.",
        params: EntryParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: PatchBody,
        response: { 200: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { schema, '*': rest } = request.params as { schema: string; '*': string };
      const { slug, action } = parseEntryPath(rest);
      if (action !== 'entry') return reply.callNotFound();
      const ifMatch = requireIfMatch(request);
      const result = await app.repo.patch(
        schema,
        slug,
        withoutUndefined(request.body as Static<typeof PatchBody>),
        {
          ...author(request),
          ifMatch,
        },
      );
      return reply.header('etag', etag(result.entry.version)).send(result);
    },
  );

  app.delete(
    '/api/collections/:schema/entries/*',
    {
      config: { access: 'editor' },
      schema: {
        tags: ['collections'],
        summary: 'Delete; needs If-Match. Refused while other entries refer to it, unless ?force=true',
        params: EntryParams,
        querystring: Type.Object({ force: Type.Optional(Type.Boolean()) }),
        response: { 200: DeleteResponse, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { schema, '*': rest } = request.params as { schema: string; '*': string };
      const { slug, action } = parseEntryPath(rest);
      if (action !== 'entry') return reply.callNotFound();
      const ifMatch = requireIfMatch(request);
      const force = (request.query as { force?: boolean }).force === true;
      return app.repo.remove(schema, slug, { ...author(request), ifMatch, force });
    },
  );

  app.post(
    '/api/collections/:schema/entries/*',
    {
      config: { access: 'editor' },
      schema: {
        tags: ['collections'],
        summary: '…/revert: restore a revision as a new commit; needs If-Match',
        params: EntryParams,
        body: RevertBody,
        response: { 200: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { schema, '*': rest } = request.params as { schema: string; '*': string };
      const { slug, action } = parseEntryPath(rest);
      if (action !== 'revert') return reply.callNotFound();
      const ifMatch = requireIfMatch(request);
      app.repo.getOrThrow(schema, slug);
      const result = await app.repo.revert(schema, slug, (request.body as { sha: string }).sha, {
        ...author(request),
        ifMatch,
      });
      return reply.header('etag', etag(result.entry.version)).send(result);
    },
  );
};
