import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import { ErrorCodes } from '@mimsy/core';
import { httpError } from '../errors.js';
import { verifyPassword } from '../users.js';
import { commonErrors, ErrorResponse, LoginBody, Session } from '../schemas.js';

export interface AuthRouteOptions {
  loginRateLimit: { max: number; timeWindowMs: number };
}

/** Sign in (session cookie + CSRF token), sign out, who am I. */
export const authRoutes: FastifyPluginAsync<AuthRouteOptions> = async (app, options) => {
  app.post(
    '/api/auth/login',
    {
      config: {
        access: 'public',
        rateLimit: { max: options.loginRateLimit.max, timeWindow: options.loginRateLimit.timeWindowMs },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with name (or email) and password',
        description:
          'Sets an HttpOnly, SameSite=Strict, signed session cookie. Send the returned csrfToken as X-CSRF-Token on writes. Rate-limited per address.',
        body: LoginBody,
        response: {
          200: Session,
          400: Type.Ref(ErrorResponse),
          401: Type.Ref(ErrorResponse),
          429: Type.Ref(ErrorResponse),
        },
      },
    },
    async (request, reply) => {
      const { name, password } = request.body as { name: string; password: string };
      const user = await app.users.find(name);
      const ok = await verifyPassword(password, user?.passwordHash);
      if (!user || !ok) throw httpError(ErrorCodes.UNAUTHORIZED, 'The name or password is wrong.');
      const { sid } = app.sessions.issue(reply, request, user);
      request.log.info({ user: user.name }, 'signed in');
      return {
        user: { name: user.name, email: user.email, role: user.role },
        csrfToken: app.sessions.csrfToken(sid),
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Sign out (clears the session cookie)',
        response: { 204: Type.Null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      app.sessions.clear(reply, request);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user (and the CSRF token for cookie sessions)',
        response: { 200: Session, ...commonErrors },
      },
    },
    async (request) => {
      const user = request.user!;
      const out: { user: { name: string; email: string; role: string }; csrfToken?: string } = {
        user: { name: user.name, email: user.email, role: user.role },
      };
      if (user.sid) out.csrfToken = app.sessions.csrfToken(user.sid);
      return out;
    },
  );
};
