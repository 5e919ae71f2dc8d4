import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { redact } from '@mimsy/core';
import { installErrorHandling } from './errors.js';
import { installJsonBodyParser } from './json-body.js';
import { authPlugin, type Access } from './plugins/auth.js';
import { eventsPlugin } from './plugins/events.js';
import { repositoryPlugin } from './plugins/repository.js';
import type { WriterElection } from './replica/election.js';
import { replicaPlugin } from './replica/plugin.js';
import { serveAdmin } from './plugins/static.js';
import { authRoutes } from './routes/auth.js';
import { collectionRoutes } from './routes/collections.js';
import { mediaRoutes } from './routes/media.js';
import { singletonRoutes } from './routes/singletons.js';
import { systemRoutes } from './routes/system.js';
import { webhookRoutes } from './routes/webhook.js';
import { SharedSchemas } from './schemas.js';
import { UsersStore, type User } from './users.js';

export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteAccess[];
  }
}

export interface BuildAppOptions {
  /** The content repository (a Git work tree holding mimsy.config.json). */
  repoDir: string;
  /** Path of the users file, or the users themselves (tests). */
  users: string | User[];
  /** Signs session cookies and CSRF tokens; at least 32 characters. */
  sessionSecret: string;
  git?: Partial<{ remote: string; branch: string; push: 'auto' | 'off' }>;
  pullIntervalSeconds?: number;
  /** Watch the content folders for outside edits (default true). */
  watch?: boolean;
  /** Built admin to serve at "/"; undefined = web/dist next to this package when present; null = none. */
  webDist?: string | null;
  trustProxy?: boolean;
  mediaMaxBytes?: number;
  /** Seconds between taking in other replicas' sign-outs (default 10). */
  sessionSyncSeconds?: number;
  /** Most files in one upload request (default 10). */
  mediaMaxFiles?: number;
  /** Largest upload request, all files together (default 50 MiB). */
  mediaMaxRequestBytes?: number;
  /** Largest JSON body in bytes (default 2 MiB). */
  bodyLimit?: number;
  loginRateLimit?: { max: number; timeWindowMs: number };
  /** Shared secret for POST /api/git/webhook (HMAC-SHA256); null or absent disables the route. */
  webhookSecret?: string | null;
  logger?: FastifyServerOptions['logger'];
  /**
   * Replicas: who writes. Without it this process writes itself (one server, or replicas that
   * push in turn); with it, writes go to the replica holding the writer's lease.
   */
  writerElection?: WriterElection;
}

/** Errors in the log go through core's redact(): a Git message may hold a remote URL with a token. */
function serializeError(error: Error & { code?: unknown; statusCode?: unknown }): Record<string, unknown> {
  return {
    type: error.name,
    message: redact(String(error.message)),
    stack: redact(String(error.stack ?? '')),
    ...(error.code === undefined ? {} : { code: error.code }),
    ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
  };
}

function withRedaction(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger || typeof logger !== 'object') return logger;
  const serializers = (logger as { serializers?: Record<string, unknown> }).serializers ?? {};
  return {
    ...logger,
    serializers: { err: serializeError, ...serializers },
  } as FastifyServerOptions['logger'];
}

const DEFAULT_WEB_DIST = path.resolve(import.meta.dirname, '../../web/dist');

/** Builds the API (not listening: tests call `app.inject()`, server.ts listens). */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  if (options.sessionSecret.length < 32) throw new Error('sessionSecret must be at least 32 characters');
  const app = Fastify({
    logger: withRedaction(options.logger ?? false),
    bodyLimit: options.bodyLimit ?? 2 * 1024 * 1024,
    // "Trust the proxy" means the one hop in front: the client address is the one that proxy
    // appended to X-Forwarded-For, never one the client wrote there itself.
    trustProxy: options.trustProxy === true ? (_address: string, hop: number) => hop === 0 : false,
    routerOptions: { maxParamLength: 500 },
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Every route and who may call it: routes that do not say are admin-only (see plugins/auth.ts).
  const routeTable: RouteAccess[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    // Swagger UI's own routes: readable by any signed-in user.
    if (route.url.startsWith('/api/docs')) route.config = { ...route.config, access: 'viewer' };
    for (const method of [route.method].flat()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      routeTable.push({ method, url: route.url, access: route.config?.access ?? 'admin' });
    }
  });
  installErrorHandling(app);
  installJsonBodyParser(app);
  // Response schemas document the API (OpenAPI) but serialization is V8's JSON.stringify: entries
  // hold free-form field data, where fast-json-stringify is several times slower. Handlers build
  // their responses field by field, so nothing unintended is sent.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  for (const schema of SharedSchemas) app.addSchema(schema);
  // Security headers on every API response, set up front (a synchronous hook costs less than onSend).
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.startsWith('/api/')) {
      void reply.headers({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
      });
    }
    done();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mimsy API',
        version: '0.1.0',
        description:
          'Content in Git: every write is a commit by the signed-in user. Errors are {error: {code, message, details}}.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'mimsy_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
  app.get('/api/openapi.json', { config: { access: 'viewer' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(rateLimit, { global: false });
  await app.register(authPlugin, {
    users:
      typeof options.users === 'string' ? new UsersStore(options.users) : UsersStore.fromUsers(options.users),
    sessionSecret: options.sessionSecret,
  });
  await app.register(repositoryPlugin, {
    dir: options.repoDir,
    watch: options.watch ?? true,
    git: options.git ?? {},
    pullIntervalSeconds: options.pullIntervalSeconds ?? 0,
  });
  if (options.writerElection) {
    await app.register(replicaPlugin, {
      election: options.writerElection,
      secret: options.sessionSecret,
      maxBodyBytes: Math.max(
        options.bodyLimit ?? 2 * 1024 * 1024,
        options.mediaMaxRequestBytes ?? 50 * 1024 * 1024,
      ),
    });
    await options.writerElection.start();
  }
  // Sign-outs are shared through the Git remote; each replica takes in the others' regularly.
  app.sessions.revocations.share(await app.repo.sharedLines('revoked-sessions'));
  await app.sessions.revocations.refresh().catch(() => undefined);
  const revocationTimer = setInterval(
    () => void app.sessions.revocations.refresh().catch(() => undefined),
    (options.sessionSyncSeconds ?? 10) * 1000,
  );
  revocationTimer.unref();
  app.addHook('onClose', () => clearInterval(revocationTimer));
  await app.register(eventsPlugin);
  await app.register(systemRoutes);
  await app.register(authRoutes, {
    loginRateLimit: options.loginRateLimit ?? { max: 10, timeWindowMs: 60_000 },
  });
  await app.register(collectionRoutes);
  await app.register(singletonRoutes);
  await app.register(mediaRoutes, {
    maxBytes: options.mediaMaxBytes ?? 10 * 1024 * 1024,
    maxFiles: options.mediaMaxFiles ?? 10,
    maxRequestBytes: options.mediaMaxRequestBytes ?? 50 * 1024 * 1024,
  });
  await app.register(webhookRoutes, {
    secret: options.webhookSecret ?? null,
    branch: options.git?.branch ?? app.repo.project.config.git.branch,
  });

  const dist =
    options.webDist === undefined
      ? existsSync(path.join(DEFAULT_WEB_DIST, 'index.html'))
        ? DEFAULT_WEB_DIST
        : null
      : options.webDist;
  if (dist && existsSync(path.join(dist, 'index.html'))) await serveAdmin(app, dist);
  return app;
}
