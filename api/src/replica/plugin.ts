// One writer per branch, many readers (docs/scaling.md). The replica holding the writer's lease
// commits and pushes every write; the others forward writes to it and serve reads from their own
// clone, which follows the writer: each follower listens to the writer's stream of published heads
// and pulls when one is new to it (at most every 500 ms). A forwarded write is answered at once
// with the writer's answer, which carries the saved entry; the follower's copy catches up after.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ErrorCodes, MimsyError } from '@mimsy/core';
import type { WriterElection } from './election.js';

export interface ReplicaOptions {
  election: WriterElection;
  /** The session secret, shared by every replica: the followers' stream token derives from it. */
  secret: string;
  /** Largest request body forwarded (bytes). */
  maxBodyBytes: number;
  /** How long a write waits for a writer while the lease changes hands (ms, default 10 s). */
  waitForWriterMs?: number;
  /** A follower pulls at most this often (ms, default 500): each pull takes every commit since. */
  catchUpEveryMs?: number;
}

/** The header a forwarded write carries: the replica it came through (never forwarded twice). */
export const FORWARDED_BY = 'x-mimsy-forwarded-by';
const TOKEN_HEADER = 'x-mimsy-replica-token';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Hop-by-hop headers and those the forwarding recomputes. */
const NOT_FORWARDED = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-connection',
]);

/**
 * Whether a request changes content (and so goes to the writer). Sign-in, the webhook and a sync
 * (a pull of this replica's own copy, and a push of anything it holds that the remote lacks) stay.
 */
export function isForwardedWrite(method: string, url: string): boolean {
  if (!WRITE_METHODS.has(method) || !url.startsWith('/api/')) return false;
  return !/^\/api\/(auth|replica)\//.test(url) && !/^\/api\/git\/(webhook|sync)(\?|$)/.test(url);
}

export function replicaToken(secret: string): string {
  return createHmac('sha256', secret).update('mimsy replica stream\0').digest('base64url');
}

const unavailable = (message: string): MimsyError => new MimsyError(ErrorCodes.WRITER_UNAVAILABLE, message);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const replicaPlugin = fp<ReplicaOptions>(
  async (app, options) => {
    const { election } = options;
    const token = Buffer.from(replicaToken(options.secret));
    const waitMs = options.waitForWriterMs ?? 10_000;
    const repo = app.repo;

    // Writer: a stream of the heads its pushes publish, for the followers.
    const followers = new Set<ServerResponse>();
    const stopListening = repo.onPublished((head) => {
      for (const res of followers) res.write(`data: ${head}\n\n`);
    });
    app.get(
      '/api/replica/heads',
      { config: { access: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const given = Buffer.from(String(request.headers[TOKEN_HEADER] ?? ''));
        if (given.length !== token.length || !timingSafeEqual(given, token))
          throw new MimsyError(ErrorCodes.FORBIDDEN, 'Only Mimsy replicas may follow the writer.');
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        followers.add(res);
        res.on('close', () => followers.delete(res));
        const head = await repo.status().then(
          (s) => s.head,
          () => null,
        );
        res.write(`: ${election.leading ? 'writer' : 'not the writer'}\n\n`);
        if (head) res.write(`data: ${head}\n\n`);
      },
    );

    // Follower: follows the writer's stream while it is not the writer.
    const follow = new AbortController();
    const follower = new Follower(app, options.catchUpEveryMs ?? 500, follow.signal);
    void followWriter(election, options.secret, follower, follow.signal);
    election.onChange((leading) => {
      // Followers of a writer that stepped down look for the new one.
      if (!leading) for (const res of followers) res.end();
      app.log.info(
        { writer: leading },
        leading ? 'this replica is the writer now' : 'this replica follows the writer',
      );
      // A new writer catches up with the remote before its first write (one pull).
      if (leading)
        void repo.sync().catch((error: unknown) => app.log.warn({ err: error }, 'catching up failed'));
    });

    app.addHook('onRequest', async (request, reply) => {
      if (!isForwardedWrite(request.method, request.url) || election.leading) return;
      if (request.headers[FORWARDED_BY])
        throw unavailable('The writer changed while this was being forwarded; nothing was saved. Try again.');
      const body = await readBody(request, options.maxBodyBytes);
      const deadline = Date.now() + waitMs;
      for (;;) {
        // Took the lease meanwhile: the body is read already, so the write goes through this
        // replica's own address like any forwarded one (the request here cannot be parsed again).
        const writer = election.leading ? election.self : await election.writer();
        if (writer && (writer !== election.self || election.leading)) {
          const forwarded = await forward(request, writer, election.self, body);
          if (forwarded) {
            const { status, headers, bytes } = forwarded;
            if (status >= 200 && status < 300) {
              // Published: this copy catches up soon (with the writer's other commits). A pending
              // commit is only on the writer until the remote is back.
              const sha = publishedCommit(bytes, headers.get('content-type'));
              if (sha) follower.catchUp(sha);
            }
            reply.code(status);
            for (const [name, value] of headers) {
              if (!NOT_FORWARDED.has(name) && name !== 'set-cookie' && name !== 'content-encoding')
                void reply.header(name, value);
            }
            const cookies = headers.getSetCookie();
            if (cookies.length) void reply.header('set-cookie', cookies);
            return reply.send(bytes);
          }
          // Nothing was sent to a writer (gone, or not the writer any more): try the next one.
        }
        if (Date.now() > deadline)
          throw unavailable(
            'No replica can take writes just now (the writer is changing); nothing was saved. Try again in a moment.',
          );
        await sleep(100);
      }
    });

    // Before the server stops listening: open streams would keep it waiting, and the lease goes
    // to another replica at once instead of when it expires.
    app.addHook('preClose', async () => {
      follow.abort();
      stopListening();
      for (const res of followers) res.end();
      await election.stop();
    });
  },
  { name: 'mimsy-replica', dependencies: ['mimsy-repository'] },
);

/** The request's body, whole (a write that must be sent again to a new writer needs it twice). */
async function readBody(request: FastifyRequest, max: number): Promise<Buffer | undefined> {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).byteLength;
    if (size > max)
      throw new MimsyError(ErrorCodes.PAYLOAD_TOO_LARGE, `The request is larger than ${max} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return size ? Buffer.concat(chunks) : undefined;
}

/**
 * Sends a write to the writer; null when it certainly did not take it (nothing listened, or it
 * says it is not the writer), so that it may go to the next writer. A writer that fails after it
 * got the request answers the editor with "may or may not be saved".
 */
async function forward(
  request: FastifyRequest,
  writer: string,
  self: string,
  body: Buffer | undefined,
): Promise<{ status: number; headers: Headers; bytes: Buffer } | null> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers[FORWARDED_BY] = self;
  let res: Response;
  try {
    res = await fetch(new URL(request.url, writer), {
      method: request.method,
      headers,
      ...(body ? { body: new Uint8Array(body) } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH')
      return null;
    throw unavailable(
      'The writer stopped while saving this, so it may or may not have been saved. Reload the entry before saving again.',
    );
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status === 503 && bytes.includes(ErrorCodes.WRITER_UNAVAILABLE)) return null;
  return { status: res.status, headers: res.headers, bytes };
}

/** The commit a write's answer names (`commit.sha`) when the remote has it, if any. */
function publishedCommit(bytes: Buffer, type: string | null): string | null {
  if (!type?.includes('json')) return null;
  try {
    type Commit = { sha?: unknown; sync?: unknown };
    const answer = JSON.parse(bytes.toString('utf8')) as { commit?: Commit; commits?: Commit[] };
    // One commit, or several (an upload of many files): the last holds them all.
    const commit = answer.commit ?? answer.commits?.[answer.commits.length - 1];
    return typeof commit?.sha === 'string' && commit.sync === 'pushed' ? commit.sha : null;
  } catch {
    return null;
  }
}

/**
 * A follower's catching up: the newest head heard of is pulled, at most once every `everyMs` (a
 * burst of the writer's pushes makes one pull, whose fetch takes all of them), never two at once.
 */
class Follower {
  private latest: string | null = null;
  private running = false;

  constructor(
    private readonly app: FastifyInstance,
    private readonly everyMs: number,
    private readonly signal: AbortSignal,
  ) {}

  catchUp(head: string): void {
    this.latest = head;
    if (this.running) return;
    this.running = true;
    void (async () => {
      while (this.latest && !this.signal.aborted) {
        const next = this.latest;
        this.latest = null;
        await this.app.repo.holds(next, 30_000).catch(() => false);
        await sleep(this.everyMs);
      }
      this.running = false;
    })();
  }
}

/** While this replica follows, keeps a stream open to the writer's published heads. */
async function followWriter(
  election: WriterElection,
  secret: string,
  follower: Follower,
  signal: AbortSignal,
): Promise<void> {
  const token = replicaToken(secret);
  while (!signal.aborted) {
    const writer = election.leading ? null : await election.writer().catch(() => null);
    if (!writer || writer === election.self) {
      await sleep(500);
      continue;
    }
    try {
      const res = await fetch(new URL('/api/replica/heads', writer), {
        headers: { [TOKEN_HEADER]: token },
        signal,
      });
      if (!res.ok || !res.body) throw new Error(`the writer answered ${res.status}`);
      const decoder = new TextDecoder();
      let buffer = '';
      const reader = res.body.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        buffer += decoder.decode(chunk.value as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const head = /^data: ([0-9a-f]{40,64})$/m.exec(event)?.[1];
          if (head) follower.catchUp(head);
        }
        if (election.leading || (await election.writer()) !== writer) {
          await reader.cancel().catch(() => undefined);
          break; // the writer changed
        }
      }
    } catch {
      // The writer went away: look again in a moment.
    }
    if (!signal.aborted) await sleep(300);
  }
}
