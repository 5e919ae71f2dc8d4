import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorCodes, NotFoundError } from '@mimsy/core';
import { httpError } from '../errors.js';
import {
  commonErrors,
  Entry,
  ErrorResponse,
  HistoryResponse,
  RevertBody,
  SingletonBody,
  SingletonPatchBody,
  WriteResponse,
} from '../schemas.js';
import {
  assertSha,
  etag,
  requireIfMatch,
  sendEntry,
  withoutUndefined,
  writeContext,
} from './route-helpers.js';

const Params = Type.Object({ schema: Type.String({ maxLength: 64 }) });
const conflict = { 409: Type.Ref(ErrorResponse), 428: Type.Ref(ErrorResponse) };

/** /api/singletons/:schema — read and update one-file content types (site settings…). */
export const singletonRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/singletons/:schema',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getSingleton',
        tags: ['singletons'],
        summary: 'Read a singleton (404 until its file exists)',
        params: Params,
        response: { 200: Type.Ref(Entry), 304: Type.Null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      const { schema } = request.params;
      const entry = app.repo.singleton(schema);
      if (!entry)
        throw new NotFoundError(
          `The singleton ${schema} has no file yet: save it once to create it (PUT with If-None-Match: *).`,
          { schema },
        );
      return sendEntry(request, reply, entry);
    },
  );

  app.put(
    '/api/singletons/:schema',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'updateSingleton',
        tags: ['singletons'],
        summary: 'Update a singleton; If-Match with its version (or If-None-Match: * to create its file)',
        params: Params,
        headers: Type.Object({
          'if-match': Type.Optional(Type.String()),
          'if-none-match': Type.Optional(Type.String()),
        }),
        body: SingletonBody,
        response: { 200: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { schema } = request.params;
      const creating = request.headers['if-none-match'] === '*';
      const ifMatch = creating ? null : requireIfMatch(request);
      const body = request.body;
      const input: { data: Record<string, unknown>; body?: string } = { data: body.data };
      if (body.body !== undefined) input.body = body.body;
      const result = await app.repo.updateSingleton(schema, input, { ...writeContext(request), ifMatch });
      return reply.header('etag', etag(result.entry.version)).send(result);
    },
  );

  app.patch(
    '/api/singletons/:schema',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'patchSingleton',
        tags: ['singletons'],
        summary: "Change some of a singleton's values (JSON Merge Patch) or its body; needs If-Match",
        params: Params,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: SingletonPatchBody,
        response: { 200: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { schema } = request.params;
      const ifMatch = requireIfMatch(request);
      const result = await app.repo.patchSingleton(schema, withoutUndefined(request.body), {
        ...writeContext(request),
        ifMatch,
      });
      return reply.header('etag', etag(result.entry.version)).send(result);
    },
  );

  app.get(
    '/api/singletons/:schema/history',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getSingletonHistory',
        tags: ['singletons'],
        summary: 'Commits touching the singleton',
        params: Params,
        response: { 200: HistoryResponse, ...commonErrors },
      },
    },
    async (request) => {
      const { schema } = request.params;
      app.repo.singleton(schema);
      return { items: await app.repo.history(schema, '', { limit: 100 }) };
    },
  );

  app.get(
    '/api/singletons/:schema/history/:sha',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getSingletonRevision',
        tags: ['singletons'],
        summary: 'The singleton at a commit',
        params: Type.Object({ schema: Type.String({ maxLength: 64 }), sha: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Ref(Entry), ...commonErrors },
      },
    },
    async (request) => {
      const { schema, sha } = request.params;
      app.repo.singleton(schema);
      assertSha(sha);
      return app.repo.entryAt(schema, '', sha);
    },
  );

  app.post(
    '/api/singletons/:schema/revert',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'revertSingleton',
        tags: ['singletons'],
        summary: 'Restore a revision as a new commit; needs If-Match',
        params: Params,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: RevertBody,
        response: { 200: WriteResponse, ...commonErrors, ...conflict },
      },
    },
    async (request, reply) => {
      const { schema } = request.params;
      const current = app.repo.singleton(schema);
      if (!current) throw httpError(ErrorCodes.NOT_FOUND, `The singleton ${schema} has no file yet.`);
      const result = await app.repo.revert(schema, '', request.body.sha, {
        ...writeContext(request),
        ifMatch: requireIfMatch(request),
      });
      return reply.header('etag', etag(result.entry.version)).send(result);
    },
  );
};
