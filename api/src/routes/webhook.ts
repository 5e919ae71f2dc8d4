import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
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

/**
 * POST /api/git/webhook — a push to the content repository's branch makes this replica pull now
 * (instead of waiting for MIMSY_PULL_INTERVAL). Authenticated by the HMAC signature only.
 */
export const webhookRoutes: FastifyPluginAsync<WebhookOptions> = async (app, options) => {
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
        tags: ['git'],
        summary: 'Push webhook (GitHub or Gitea, HMAC-SHA256 signed): pull now',
        description:
          'Signed with MIMSY_WEBHOOK_SECRET in X-Hub-Signature-256 (GitHub) or X-Gitea-Signature (Gitea). Answers 202 and pulls in the background.',
        response: {
          202: Type.Object({ accepted: Type.Boolean(), reason: Type.Optional(Type.String()) }),
          401: Type.Ref(ErrorResponse),
          404: Type.Ref(ErrorResponse),
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
      let ref = '';
      try {
        const parsed = (JSON.parse(raw) as { ref?: unknown }).ref;
        ref = typeof parsed === 'string' ? parsed : '';
      } catch {
        return reply.code(202).send({ accepted: false, reason: 'the body is not JSON' });
      }
      if (ref !== `refs/heads/${options.branch}`)
        return reply.code(202).send({ accepted: false, reason: `not a push to ${options.branch}` });
      app.repo
        .sync()
        .catch((error: unknown) => request.log.warn({ err: error }, 'pull after webhook failed'));
      return reply.code(202).send({ accepted: true });
    },
  );
};
