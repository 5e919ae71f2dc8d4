import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createToken, readUsersFile, upsertUser, writeUsersFile } from '@mimsy/api';
import type { Role } from '@mimsy/api';
import { findRoot } from '@mimsy/core';
import { defaultUsersFile, ensureLocalDirIgnored } from '../context.js';
import { UserError } from '../errors.js';
import { table } from '../output.js';

interface UserOptions {
  cwd: string;
  args?: string[];
  usersFile?: string;
  role?: Role;
  email?: string;
  passwordStdin?: boolean;
  /** Tests pass the password directly. */
  password?: string;
}

async function usersFileFor(options: UserOptions): Promise<string> {
  if (options.usersFile) return path.resolve(options.cwd, options.usersFile);
  if (process.env.MIMSY_USERS_FILE) return path.resolve(process.env.MIMSY_USERS_FILE);
  const root = await findRoot(options.cwd);
  if (!root)
    throw new UserError(
      `${path.resolve(options.cwd)} is not inside a Mimsy repository: run this inside one (its users are in .mimsy/users.json), create one with "mimsy init", or pass --users-file <file> (or set MIMSY_USERS_FILE).`,
    );
  await ensureLocalDirIgnored(root);
  return defaultUsersFile(root);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Asks twice without echoing (TTY only). */
async function askPassword(): Promise<string> {
  const ask = (prompt: string): Promise<string> =>
    new Promise((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) =>
        write(s.includes(prompt) ? s : '');
      rl.question(prompt, (answer) => {
        rl.close();
        process.stderr.write('\n');
        resolve(answer);
      });
    });
  const first = await ask('Password: ');
  if ((await ask('Again: ')) !== first) throw new UserError('The passwords differ; nothing was changed.');
  return first;
}

/** The password: given, from stdin, asked on a TTY, or generated (then printed once). */
async function password(options: UserOptions): Promise<{ password: string; generated: boolean }> {
  if (options.password !== undefined) return { password: options.password, generated: false };
  if (options.passwordStdin) return { password: await readStdin(), generated: false };
  if (process.stdin.isTTY) return { password: await askPassword(), generated: false };
  return { password: randomBytes(12).toString('base64url'), generated: true };
}

export interface UserChange {
  file: string;
  name: string;
  role?: Role;
  generatedPassword?: string;
  token?: string;
}

export async function add(options: UserOptions): Promise<UserChange> {
  const file = await usersFileFor(options);
  const name = options.args?.[0] ?? '';
  const { password: pw, generated } = await password(options);
  const user = await upsertUser(file, {
    name,
    role: options.role ?? 'editor',
    password: pw,
    ...(options.email ? { email: options.email } : {}),
  });
  return { file, name: user.name, role: user.role, ...(generated ? { generatedPassword: pw } : {}) };
}

export async function passwd(options: UserOptions): Promise<UserChange> {
  const file = await usersFileFor(options);
  const name = options.args?.[0] ?? '';
  const existing = (await readUsersFile(file)).users.find((u) => u.name.toLowerCase() === name.toLowerCase());
  if (!existing)
    throw new UserError(`There is no user "${name}" in ${file}. Add one with "mimsy user add ${name}".`);
  const { password: pw, generated } = await password(options);
  await upsertUser(file, { name: existing.name, email: existing.email, role: existing.role, password: pw });
  return { file, name: existing.name, ...(generated ? { generatedPassword: pw } : {}) };
}

export async function remove(options: UserOptions): Promise<UserChange> {
  const file = await usersFileFor(options);
  const name = options.args?.[0] ?? '';
  const data = await readUsersFile(file);
  const remaining = data.users.filter((u) => u.name.toLowerCase() !== name.toLowerCase());
  if (remaining.length === data.users.length) throw new UserError(`There is no user "${name}" in ${file}.`);
  await writeUsersFile(file, { users: remaining });
  return { file, name };
}

export async function token(options: UserOptions): Promise<UserChange> {
  const file = await usersFileFor(options);
  const name = options.args?.[0] ?? '';
  const data = await readUsersFile(file);
  const user = data.users.find((u) => u.name.toLowerCase() === name.toLowerCase());
  if (!user) throw new UserError(`There is no user "${name}" in ${file}.`);
  const created = createToken();
  user.tokens = [...(user.tokens ?? []), created.stored];
  await writeUsersFile(file, data);
  return { file, name: user.name, token: created.token };
}

export async function list(
  options: UserOptions,
): Promise<{ file: string; users: { name: string; email: string; role: Role; tokens: number }[] }> {
  const file = await usersFileFor(options);
  const data = await readUsersFile(file);
  return {
    file,
    users: data.users.map((u) => ({
      name: u.name,
      email: u.email,
      role: u.role,
      tokens: u.tokens?.length ?? 0,
    })),
  };
}

export function renderList(result: Awaited<ReturnType<typeof list>>): string {
  if (!result.users.length) return `No users in ${result.file}. Add one: mimsy user add <name> --role admin`;
  return table([
    ['name', 'role', 'email', 'tokens'],
    ...result.users.map((u) => [u.name, u.role, u.email, String(u.tokens)]),
  ]);
}

export function render(result: UserChange): string {
  if (result.token) return `Token for ${result.name} (shown once, keep it secret):\n${result.token}`;
  const lines = [`Saved ${result.name}${result.role ? ` (${result.role})` : ''} in ${result.file}.`];
  if (result.generatedPassword) lines.push(`Password (shown once): ${result.generatedPassword}`);
  return lines.join('\n');
}

export async function run(): Promise<never> {
  throw new UserError('Use a subcommand: mimsy user add|list|remove|passwd|token.');
}
