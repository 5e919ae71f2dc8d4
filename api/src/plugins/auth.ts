import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import { ErrorCodes, type SharedLines } from '@mimsy/core';
import { httpError } from '../errors.js';
import type { Role, User, UsersStore } from '../users.js';
import { findTokenOwner, ROLES } from '../users.js';

/** Who may call a route: 'public' (no credentials) or the least role needed. */
export type Access = Role | 'public';

export interface AuthUser {
  name: string;
  email: string;
  role: Role;
  via: 'session' | 'token';
  /** Session id (cookie sessions only): the CSRF token is derived from it. */
  sid?: string;
  /** When the cookie session ends by itself (ms since the epoch; cookie sessions only). */
  expires?: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    user: AuthUser | null;
  }
  interface FastifyInstance {
    users: UsersStore;
    sessions: Sessions;
  }
}

export const SESSION_COOKIE = 'mimsy_session';
export const SIGNED_IN_HINT = 'mimsy_signed_in';
const SESSION_HOURS = 12;

interface SessionPayload {
  u: string;
  sid: string;
  exp: number;
  /** Fingerprint of the password hash: changing the password ends every session. */
  pv: string;
}

function fingerprint(user: User): string {
  return createHash('sha256').update(user.passwordHash).digest('base64url').slice(0, 16);
}

/**
 * Sessions ended before their time (sign-out), shared by every replica through the content
 * repository's Git remote (core's SharedLines, one line "<sid> <expires>" each). A replica learns
 * of another's sign-out at its next refresh; the lines expire with the sessions they name.
 */
export class Revocations {
  private readonly revoked = new Map<string, number>();
  private shared: SharedLines | null = null;

  share(shared: SharedLines | null): void {
    this.shared = shared;
  }

  has(sid: string): boolean {
    const until = this.revoked.get(sid);
    return until !== undefined && until > Date.now();
  }

  /** Ends a session here at once, and on the other replicas once the lines are pushed. */
  async revoke(sid: string, expires: number): Promise<boolean> {
    this.revoked.set(sid, expires);
    if (!this.shared) return true;
    const now = Date.now();
    return this.shared.add([`${sid} ${expires}`], (line) => Number(line.split(' ')[1]) > now);
  }

  /** Takes in the sign-outs of the other replicas. */
  async refresh(): Promise<void> {
    const now = Date.now();
    for (const [sid, until] of this.revoked) if (until <= now) this.revoked.delete(sid);
    if (!this.shared) return;
    for (const line of await this.shared.read()) {
      const [sid, until] = line.split(' ');
      if (sid && Number(until) > now) this.revoked.set(sid, Number(until));
    }
  }
}

/** Stateless signed sessions: any replica holding the secret can check them (unless revoked). */
export class Sessions {
  readonly revocations = new Revocations();
  constructor(private readonly secret: string) {}

  csrfToken(sid: string): string {
    return createHmac('sha256', this.secret).update(`csrf\0${sid}`).digest('base64url');
  }

  checkCsrf(sid: string, token: string | undefined): boolean {
    if (!token) return false;
    const expected = Buffer.from(this.csrfToken(sid));
    const actual = Buffer.from(token);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  issue(reply: FastifyReply, request: FastifyRequest, user: User): { sid: string } {
    const payload: SessionPayload = {
      u: user.name,
      sid: randomBytes(18).toString('base64url'),
      exp: Date.now() + SESSION_HOURS * 3600_000,
      pv: fingerprint(user),
    };
    void reply.setCookie(SESSION_COOKIE, Buffer.from(JSON.stringify(payload)).toString('base64url'), {
      signed: true,
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/',
      maxAge: SESSION_HOURS * 3600,
    });
    // Not a credential: lets the admin know a session may exist before asking /api/auth/me,
    // so that a signed-out visit makes no failing request.
    void reply.setCookie(SIGNED_IN_HINT, '1', {
      httpOnly: false,
      sameSite: 'strict',
      secure: request.protocol === 'https',
      path: '/',
      maxAge: SESSION_HOURS * 3600,
    });
    return { sid: payload.sid };
  }

  clear(reply: FastifyReply, request: FastifyRequest): void {
    void reply.clearCookie(SESSION_COOKIE, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: request.protocol === 'https',
    });
    void reply.clearCookie(SIGNED_IN_HINT, {
      path: '/',
      sameSite: 'strict',
      secure: request.protocol === 'https',
    });
  }

  read(request: FastifyRequest): SessionPayload | null {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return null;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return null;
    try {
      const payload = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as SessionPayload;
      if (
        typeof payload.u !== 'string' ||
        typeof payload.sid !== 'string' ||
        typeof payload.exp !== 'number' ||
        payload.exp < Date.now() ||
        this.revocations.has(payload.sid)
      )
        return null;
      return payload;
    } catch {
      return null;
    }
  }
}

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthOptions {
  users: UsersStore;
  sessionSecret: string;
}

/** Verified tokens, per users-file snapshot: hashing every request's token again is wasted work. */
const tokenCache = new WeakMap<User[], Map<string, AuthUser | null>>();

async function authenticate(app: FastifyInstance, request: FastifyRequest): Promise<AuthUser | null> {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^bearer /i.test(header)) {
    const users = await app.users.all();
    const token = header.slice(7).trim();
    let known = tokenCache.get(users);
    if (!known) tokenCache.set(users, (known = new Map<string, AuthUser | null>()));
    let user = known.get(token);
    if (user === undefined) {
      const owner = findTokenOwner(users, token);
      user = owner ? { name: owner.name, email: owner.email, role: owner.role, via: 'token' } : null;
      if (known.size > 1000) known.clear();
      known.set(token, user);
    }
    return user;
  }
  const session = app.sessions.read(request);
  if (!session) return null;
  const user = (await app.users.all()).find((u) => u.name === session.u);
  if (!user || fingerprint(user) !== session.pv) return null;
  return {
    name: user.name,
    email: user.email,
    role: user.role,
    via: 'session',
    sid: session.sid,
    expires: session.exp,
  };
}

/**
 * Authentication and authorization for every route. Each route states `config.access`; a route
 * that does not is admin-only (fail closed). Cookie-authenticated writes need X-CSRF-Token.
 */
export const authPlugin = fp<AuthOptions>(
  async (app, options) => {
    await app.register(cookie, { secret: options.sessionSecret, hook: 'onRequest' });
    app.decorate('users', options.users);
    app.decorate('sessions', new Sessions(options.sessionSecret));
    app.decorateRequest('user', null);
    app.addHook('onRequest', async (request) => {
      // Unknown URLs answer 404 to anyone signed in (and 401 to others); known routes must say.
      const access: Access = request.routeOptions.config?.access ?? (request.is404 ? 'viewer' : 'admin');
      const user = await authenticate(app, request);
      request.user = user;
      if (access === 'public') return;
      if (!user)
        throw httpError(
          ErrorCodes.UNAUTHORIZED,
          'Sign in first (POST /api/auth/login), or send "Authorization: Bearer <token>".',
        );
      if (user.via === 'session' && !SAFE_METHODS.has(request.method)) {
        const token = request.headers['x-csrf-token'];
        if (!app.sessions.checkCsrf(user.sid!, typeof token === 'string' ? token : undefined)) {
          throw httpError(
            ErrorCodes.CSRF,
            'This write needs the X-CSRF-Token header from sign-in (or /api/auth/me).',
          );
        }
      }
      if (RANK[user.role] < RANK[access]) {
        throw httpError(
          ErrorCodes.FORBIDDEN,
          `This needs the ${access} role; ${user.name} is ${user.role === 'admin' ? 'an' : 'a'} ${user.role}.`,
        );
      }
    });
  },
  { name: 'mimsy-auth' },
);

export { ROLES };
