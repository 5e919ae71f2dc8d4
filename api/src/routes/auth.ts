import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from '@sinclair/typebox';
import { ErrorCodes } from '@mimsy/core';
import { httpError } from '../errors.js';
import { verifyPassword } from '../users.js';
import { commonErrors, ErrorResponse, LoginBody, Session } from '../schemas.js';

export interface AuthRouteOptions {
  loginRateLimit: { max: number; timeWindowMs: number };
}

/**
 * Failed sign-ins per account, whatever address they come from: an attacker who rotates
 * addresses (or proxies) still gets `max` guesses per window at one account. Per replica, in
 * memory: with N replicas an account gets at most N × max guesses per window.
 */
class AccountLimiter {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly limit: { max: number; timeWindowMs: number }) {}

  /** Seconds until the account may try again, or 0. */
  blockedFor(name: string): number {
    const entry = this.failures.get(name.toLowerCase());
    if (!entry) return 0;
    const now = Date.now();
    if (entry.resetAt <= now) {
      this.failures.delete(name.toLowerCase());
      return 0;
    }
    return entry.count >= this.limit.max ? Math.ceil((entry.resetAt - now) / 1000) : 0;
  }

  fail(name: string): void {
    const key = name.toLowerCase();
    const now = Date.now();
    const entry = this.failures.get(key);
    if (!entry || entry.resetAt <= now)
      this.failures.set(key, { count: 1, resetAt: now + this.limit.timeWindowMs });
    else entry.count++;
    if (this.failures.size > 10_000)
      for (const [k, v] of this.failures) if (v.resetAt <= now) this.failures.delete(k);
  }

  succeed(name: string): void {
    this.failures.delete(name.toLowerCase());
  }
}

/** Sign in (session cookie + CSRF token), sign out, who am I. */
export const authRoutes: FastifyPluginAsyncTypebox<AuthRouteOptions> = async (app, options) => {
  const accounts = new AccountLimiter(options.loginRateLimit);
  app.post(
    '/api/auth/login',
    {
      config: {
        access: 'public',
        rateLimit: { max: options.loginRateLimit.max, timeWindow: options.loginRateLimit.timeWindowMs },
      },
      schema: {
        operationId: 'login',
        tags: ['auth'],
        summary: 'Sign in with name (or email) and password',
        description:
          'Sets an HttpOnly, SameSite=Strict, signed session cookie. Send the returned csrfToken as X-CSRF-Token on writes. Rate-limited per client address and, for failed attempts, per account.',
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
      const { name, password } = request.body;
      const wait = accounts.blockedFor(name);
      if (wait > 0) {
        void reply.header('retry-after', String(wait));
        throw httpError(
          ErrorCodes.RATE_LIMITED,
          `Too many failed sign-ins for this account: try again in ${wait} s, or ask an admin to reset the password.`,
        );
      }
      const user = await app.users.find(name);
      const ok = await verifyPassword(password, user?.passwordHash);
      if (!user || !ok) {
        accounts.fail(user?.name ?? name);
        throw httpError(ErrorCodes.UNAUTHORIZED, 'The name or password is wrong.');
      }
      accounts.succeed(user.name);
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
        operationId: 'logout',
        tags: ['auth'],
        summary: 'Sign out: ends the session on every replica and clears the cookie',
        response: { 204: Type.Null(), ...commonErrors },
      },
    },
    async (request, reply) => {
      const user = request.user!;
      // The cookie is cleared here, and the session itself ends on every replica: a copy of the
      // cookie taken earlier no longer works either.
      if (user.sid && user.expires) {
        const shared = await app.sessions.revocations.revoke(user.sid, user.expires);
        if (!shared)
          request.log.warn('sign-out not yet shared with the other replicas (Git remote unreachable)');
      }
      app.sessions.clear(reply, request);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getSession',
        tags: ['auth'],
        summary: 'The signed-in user (and the CSRF token for cookie sessions)',
        response: { 200: Session, ...commonErrors },
      },
    },
    async (request) => {
      const user = request.user!;
      const out: Static<typeof Session> = {
        user: { name: user.name, email: user.email, role: user.role },
      };
      if (user.sid) out.csrfToken = app.sessions.csrfToken(user.sid);
      return out;
    },
  );
};
