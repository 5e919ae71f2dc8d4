import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { getSchema } from '@mimsy/core';
import type { Schema } from '@mimsy/core';
import { commonErrors, ErrorResponse, GitStatus, SchemaInfo } from '../schemas.js';

/** A schema as the API describes it: typed against the response schema, so the two cannot drift. */
function describeSchema(schema: Schema, count: number): Static<typeof SchemaInfo> {
  const { source: _source, ...rest } = schema;
  return { ...rest, count };
}

/** Health, readiness, the content model, Git status/sync and the live event stream. */
export const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getHealth',
        tags: ['system'],
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/api/ready',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getReady',
        tags: ['system'],
        summary: 'Readiness: index built and repository healthy',
        response: {
          200: Type.Object({ status: Type.Literal('ready'), entries: Type.Integer() }),
          503: Type.Ref(ErrorResponse),
        },
      },
    },
    async (_request, reply) => {
      try {
        await app.repo.store.read('mimsy.config.json');
      } catch {
        return reply.code(503).send({
          error: { code: 'MIMSY_ERR_NOT_READY', message: 'The content repository cannot be read.' },
        });
      }
      let entries = 0;
      for (const name of app.repo.schemas.keys()) entries += app.repo.index.count(name);
      return { status: 'ready' as const, entries };
    },
  );

  app.get(
    '/api/schemas',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'listSchemas',
        tags: ['schemas'],
        summary: 'Every content type, with entry counts',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref(SchemaInfo)),
            problems: Type.Array(
              Type.Object({
                file: Type.String(),
                path: Type.String(),
                message: Type.String(),
                fix: Type.String(),
              }),
            ),
            files: Type.Array(
              Type.Object({ path: Type.String(), schema: Type.String(), message: Type.String() }),
              { description: 'Files Mimsy cannot serve (names it cannot address, symbolic links)' },
            ),
          }),
          ...commonErrors,
        },
      },
    },
    async () => ({
      items: [...app.repo.schemas.values()].map((s) => describeSchema(s, app.repo.index.count(s.name))),
      problems: app.repo.project.issues,
      files: await app.repo.fileProblems(),
    }),
  );

  app.get(
    '/api/schemas/:schema',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getSchema',
        tags: ['schemas'],
        summary: 'One content type',
        params: Type.Object({ schema: Type.String({ maxLength: 64 }) }),
        response: { 200: Type.Ref(SchemaInfo), ...commonErrors },
      },
    },
    async (request) => {
      const schema = getSchema(app.repo.project, request.params.schema);
      return describeSchema(schema, app.repo.index.count(schema.name));
    },
  );

  app.get(
    '/api/git/status',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getGitStatus',
        tags: ['git'],
        summary: 'Branch, head, ahead/behind the remote, pending push, last sync',
        response: { 200: GitStatus, ...commonErrors },
      },
    },
    async () => app.repo.status(),
  );

  app.post(
    '/api/git/sync',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'syncGit',
        tags: ['git'],
        summary: 'Pull (rebase) from the remote and push now',
        response: {
          200: Type.Object({
            changed: Type.Array(Type.String()),
            pushed: Type.Boolean(),
            head: Type.Union([Type.String(), Type.Null()]),
            status: GitStatus,
          }),
          409: Type.Ref(ErrorResponse),
          502: Type.Ref(ErrorResponse),
          ...commonErrors,
        },
      },
    },
    async () => {
      const result = await app.repo.sync({ push: true });
      return { ...result, status: await app.repo.status() };
    },
  );

  app.get(
    '/api/events',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'streamEvents',
        tags: ['system'],
        summary: 'Server-Sent Events: `entry` events {type, schema, slug, version, source}',
      },
    },
    async (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n: connected\n\n');
      app.events.add(res);
      request.raw.on('close', () => res.end());
    },
  );
};
