import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ErrorCodes, MimsyError, writeFileAtomic } from '@mimsy/core';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface StoredToken {
  id: string;
  /** SHA-256 of the token's secret part (tokens are long random strings: a fast hash is enough). */
  hash: string;
  createdAt: string;
}

export interface User {
  name: string;
  email: string;
  role: Role;
  /** `scrypt$N$r$p$salt$hash` (base64). */
  passwordHash: string;
  tokens: StoredToken[];
}

export interface UsersFile {
  users: User[];
}

const N = 2 ** 15;
const R = 8;
const P = 1;
const MAXMEM = 128 * N * R * 2;

/** Hashes a password with scrypt from node:crypto; the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFC'), salt, 32, { N, r: R, p: P, maxmem: MAXMEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

/** Constant-time check; `stored` undefined still spends the time (no user enumeration by timing). */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = (stored ?? DUMMY_HASH).split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const nn = Number(n);
  const rr = Number(r);
  const actual = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64'), expected.length, {
    N: nn,
    r: rr,
    p: Number(p),
    maxmem: Math.max(MAXMEM, 128 * nn * rr * 2),
  });
  return stored !== undefined && actual.length === expected.length && timingSafeEqual(actual, expected);
}

const TOKEN = /^mimsy_([a-z0-9]{8,32})_([A-Za-z0-9_-]{20,100})$/;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** A new bearer token: the full token (shown once) and what the users file keeps. */
export function createToken(): { token: string; stored: StoredToken } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return {
    token: `mimsy_${id}_${secret}`,
    stored: { id, hash: sha256(secret), createdAt: new Date().toISOString() },
  };
}

export function findTokenOwner(users: User[], token: string): User | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const [, id, secret] = m;
  const hash = Buffer.from(sha256(secret!), 'hex');
  for (const user of users) {
    for (const t of user.tokens ?? []) {
      if (t.id === id && timingSafeEqual(Buffer.from(t.hash, 'hex'), hash)) return user;
    }
  }
  return null;
}

function invalid(file: string, message: string): MimsyError {
  return new MimsyError(
    ErrorCodes.CONFIG,
    `The users file ${file} is not valid: ${message}. Fix it, or recreate it with "mimsy user add".`,
  );
}

/** Parses and checks a users file's JSON. */
export function parseUsers(text: string, file: string): UsersFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalid(file, (error as Error).message);
  }
  const users = (raw as { users?: unknown })?.users;
  if (!Array.isArray(users)) throw invalid(file, 'it must be {"users": [...]}');
  const seen = new Set<string>();
  for (const [i, u] of users.entries()) {
    const user = u as Partial<User>;
    if (typeof user?.name !== 'string' || user.name.trim() === '')
      throw invalid(file, `users[${i}] has no name`);
    if (seen.has(user.name.toLowerCase())) throw invalid(file, `the user name "${user.name}" appears twice`);
    seen.add(user.name.toLowerCase());
    if (!ROLES.includes(user.role as Role))
      throw invalid(file, `users[${i}].role must be one of ${ROLES.join(', ')}`);
    if (typeof user.passwordHash !== 'string') throw invalid(file, `users[${i}] has no passwordHash`);
    if (user.email !== undefined && typeof user.email !== 'string')
      throw invalid(file, `users[${i}].email must be text`);
    user.email ??= `${user.name}@users.mimsy.invalid`;
    user.tokens ??= [];
  }
  return { users: users as User[] };
}

/** Reads the users file, re-reading only when it changed on disk (the CLI may edit it while we run). */
export class UsersStore {
  private cache: { mtimeMs: number; size: number; users: User[] } | null = null;

  constructor(
    readonly file: string | null,
    private readonly fixed: User[] = [],
  ) {}

  static fromUsers(users: User[]): UsersStore {
    return new UsersStore(null, users);
  }

  private checkedAt = 0;

  async all(): Promise<User[]> {
    if (!this.file) return this.fixed;
    // Look at the file at most every 500 ms: the CLI's changes arrive quickly, requests stay cheap.
    if (this.cache && Date.now() - this.checkedAt < 500) return this.cache.users;
    this.checkedAt = Date.now();
    const info = await stat(this.file);
    if (this.cache && this.cache.mtimeMs === info.mtimeMs && this.cache.size === info.size)
      return this.cache.users;
    const users = parseUsers(await readFile(this.file, 'utf8'), this.file).users;
    this.cache = { mtimeMs: info.mtimeMs, size: info.size, users };
    return users;
  }

  async find(nameOrEmail: string): Promise<User | undefined> {
    const key = nameOrEmail.trim().toLowerCase();
    return (await this.all()).find((u) => u.name.toLowerCase() === key || u.email.toLowerCase() === key);
  }
}

/** Reads a users file, or an empty one when it does not exist yet. */
export async function readUsersFile(file: string): Promise<UsersFile> {
  try {
    return parseUsers(await readFile(file, 'utf8'), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { users: [] };
    throw error;
  }
}

/** Writes a users file atomically, readable by its owner only. */
export async function writeUsersFile(file: string, data: UsersFile): Promise<void> {
  await writeFileAtomic(file, Buffer.from(JSON.stringify(data, null, 2) + '\n'));
  await chmod(file, 0o600);
}

/** Adds a user (or replaces the password and role of an existing one). */
export async function upsertUser(
  file: string,
  input: { name: string; email?: string; role: Role; password: string },
): Promise<User> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(input.name)) {
    throw new MimsyError(
      ErrorCodes.BAD_REQUEST,
      'A user name is 1–64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit.',
    );
  }
  if (input.password.length < 8)
    throw new MimsyError(ErrorCodes.BAD_REQUEST, 'A password needs at least 8 characters.');
  const data = await readUsersFile(file);
  const existing = data.users.find((u) => u.name.toLowerCase() === input.name.toLowerCase());
  const user: User = {
    name: input.name,
    email: input.email ?? existing?.email ?? `${input.name}@users.mimsy.invalid`,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    tokens: existing?.tokens ?? [],
  };
  data.users = existing ? data.users.map((u) => (u === existing ? user : u)) : [...data.users, user];
  await writeUsersFile(file, data);
  return user;
}
