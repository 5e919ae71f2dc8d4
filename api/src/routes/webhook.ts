import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorCodes } from '@mimsy/core';
import { httpError } from '../errors.js';
import { ErrorResponse } from '../schemas.js';

export interface WebhookOptions {
  /** Shared secret of the Git host's webhook; without one the route refuses every call. */
  secret: string | null;
  /** Only pushes to this branch start a pull. */
  branch: string;
}

/** HMAC-SHA256 of the raw body, compared in constant time with GitHub's or Gitea's header. */
export function signatureValid(
  secret: string,
  body: string,
  headers: Record<string, string | string[] | undefined>,
): boolean {
  const expected = createHmac('sha256', secret).update(body).digest('hex');
  const github = headers['x-hub-signature-256'];
  const gitea = headers['x-gitea-signature'] ?? headers['x-gogs-signature'];
  const given =
    typeof github === 'string' ? github.replace(/^sha256=/, '') : typeof gitea === 'string' ? gitea : '';
  if (!/^[0-9a-f]{64}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), Buffer.from(expected, 'hex'));
}

/** How long a signed delivery is remembered (and how old its push may be) before it is refused. */
export const WEBHOOK_WINDOW_MS = 10 * 60_000;

/**
 * Signed deliveries seen lately, by the digest of their signed body: Git hosts sign only the body,
 * so a delivery id in a header proves nothing, but every real push has a body of its own.
 */
class Deliveries {
  private readonly seen = new Map<string, number>();

  /** True the first time a body is seen within the window. */
  firstTime(digest: string, now = Date.now()): boolean {
    for (const [d, until] of this.seen) {
      if (until > now) break; // insertion order is expiry order
      this.seen.delete(d);
    }
    if (this.seen.has(digest)) return false;
    if (this.seen.size >= 10_000) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(digest, now + WEBHOOK_WINDOW_MS);
    return true;
  }
}

/** When the push happened, from the signed body (GitHub's repository.pushed_at, in seconds). */
function pushedAt(payload: { repository?: { pushed_at?: unknown } }): number | null {
  const at = payload.repository?.pushed_at;
  return typeof at === 'number' && Number.isFinite(at) ? at * 1000 : null;
}

/**
 * POST /api/git/webhook — a push to the content repository's branch makes this replica pull now
 * (instead of waiting for MIMSY_PULL_INTERVAL). Authenticated by the HMAC signature only.
 */
export const webhookRoutes: FastifyPluginAsyncTypebox<WebhookOptions> = async (app, options) => {
  const deliveries = new Deliveries();
  // The signature covers the exact bytes sent: keep the raw body for this route.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: 1024 * 1024 },
    (_request, body, done) => done(null, body),
  );
  app.post(
    '/api/git/webhook',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'receiveGitWebhook',
        tags: ['git'],
        summary: 'Push webhook (GitHub or Gitea, HMAC-SHA256 signed): pull now',
        description:
          'Signed with MIMSY_WEBHOOK_SECRET in X-Hub-Signature-256 (GitHub) or X-Gitea-Signature (Gitea). Answers 202 and pulls in the background. A body already received in the last 10 minutes is refused (409), and so is a push older than that (400, from repository.pushed_at).',
        response: {
          202: Type.Object({ accepted: Type.Boolean(), reason: Type.Optional(Type.String()) }),
          400: Type.Ref(ErrorResponse),
          401: Type.Ref(ErrorResponse),
          404: Type.Ref(ErrorResponse),
          409: Type.Ref(ErrorResponse),
        },
      },
    },
    async (request, reply) => {
      if (!options.secret)
        throw httpError(
          ErrorCodes.ROUTE_NOT_FOUND,
          'Webhooks are not enabled on this server (set MIMSY_WEBHOOK_SECRET).',
        );
      const raw = typeof request.body === 'string' ? request.body : '';
      if (!signatureValid(options.secret, raw, request.headers)) {
        throw httpError(
          ErrorCodes.UNAUTHORIZED,
          'The webhook signature is missing or wrong: sign the body with HMAC-SHA256 and the shared secret.',
        );
      }
      let payload: { ref?: unknown; repository?: { pushed_at?: unknown } };
      try {
        payload = JSON.parse(raw) as typeof payload;
      } catch {
        return reply.code(202).send({ accepted: false, reason: 'the body is not JSON' });
      }
      const at = pushedAt(payload);
      if (at !== null && Math.abs(Date.now() - at) > WEBHOOK_WINDOW_MS)
        throw httpError(
          ErrorCodes.BAD_REQUEST,
          'This delivery is stale (its push is more than 10 minutes old): redeliveries of old pushes are refused; the replica pulls on its own interval anyway.',
        );
      if (!deliveries.firstTime(createHash('sha256').update(raw).digest('hex')))
        throw httpError(
          ErrorCodes.CONFLICT,
          'This delivery was already received: a replayed webhook is refused.',
        );
      const ref = typeof payload.ref === 'string' ? payload.ref : '';
      if (ref !== `refs/heads/${options.branch}`)
        return reply.code(202).send({ accepted: false, reason: `not a push to ${options.branch}` });
      app.repo
        .sync()
        .catch((error: unknown) => request.log.warn({ err: error }, 'pull after webhook failed'));
      return reply.code(202).send({ accepted: true });
    },
  );
};
