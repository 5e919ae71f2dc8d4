// Size: ~420 lines — the media library's and page bundles' routes share the upload pipeline
// (multipart staging, content sniffing, limits, free names) and the safe way of serving a file.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { ErrorCodes, contentPathProblem, slugify } from '@mimsy/core';
import type { CommitInfo, MediaFile as MediaFileInfo } from '@mimsy/core';
import { httpError } from '../errors.js';
import { mimeForPath, sniffMediaType, type MediaType } from '../media-types.js';
import { commonErrors, Commit, ErrorResponse, MediaFile } from '../schemas.js';
import { author, requireIfMatch } from './route-helpers.js';

export interface MediaOptions {
  /** Largest file. */
  maxBytes: number;
  /** Most files in one upload request. */
  maxFiles: number;
  /** Largest upload request, all files together. */
  maxRequestBytes: number;
}

/** The first `length` bytes of a file (enough to recognise its type). */
async function readHead(file: string, length: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** An uploaded file, on disk in a private temporary folder, its type recognised by content. */
interface StagedUpload {
  file: string;
  name: string;
  type: MediaType;
  size: number;
}

/**
 * Receives a multipart upload: every file goes to disk as it arrives (memory holds one chunk, not
 * the request), and the whole request is checked (count, size, type by content) before `commit`
 * sees the first file, so a refused request commits nothing. Then `commit` runs file by file.
 */
async function receiveUploads(
  request: FastifyRequest,
  options: MediaOptions,
  commit: (upload: StagedUpload) => Promise<void>,
): Promise<void> {
  if (!request.isMultipart())
    throw httpError(
      ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
      'Upload with Content-Type: multipart/form-data and a "file" field.',
    );
  const staging = await mkdtemp(path.join(tmpdir(), 'mimsy-upload-'));
  try {
    const staged: StagedUpload[] = [];
    let total = 0;
    for await (const part of request.parts()) {
      if (part.type !== 'file') continue;
      const file = path.join(staging, String(staged.length));
      let size = 0;
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          total += chunk.length;
          if (total > options.maxRequestBytes)
            return done(
              httpError(
                ErrorCodes.PAYLOAD_TOO_LARGE,
                `The upload is larger than ${options.maxRequestBytes} bytes in all: send fewer files at a time.`,
              ),
            );
          done(null, chunk);
        },
      });
      await pipeline(part.file, count, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      const type = sniffMediaType(await readHead(file, 4096));
      if (!type)
        throw httpError(
          ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
          `"${part.filename.slice(0, 80)}" is not an allowed type: upload PNG, JPEG, GIF, WebP, AVIF, SVG or PDF (recognised by content, not by name).`,
        );
      staged.push({ file, name: part.filename, type, size });
    }
    if (staged.length === 0)
      throw httpError(ErrorCodes.BAD_REQUEST, 'No file in the upload: send at least one part named "file".');
    for (const upload of staged) await commit(upload);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Saves an upload under its own name made safe (`My Photo.PNG` → `my-photo.png`), or the first
 * free `-2`, `-3`, … variant: `save` answers CONFLICT when a name is taken (never overwrites).
 */
async function underFreeName<T>(
  uploaded: string,
  ext: string,
  where: string,
  save: (name: string) => Promise<T>,
): Promise<{ name: string; saved: T }> {
  const base = slugify(uploaded.replace(/\.[^.]*$/, '')) || 'upload';
  for (let n = 1; n < 100; n++) {
    const name = `${base}${n === 1 ? '' : `-${n}`}.${ext}`;
    try {
      return { name, saved: await save(name) };
    } catch (error) {
      if ((error as { code?: string }).code !== ErrorCodes.CONFLICT) throw error;
    }
  }
  throw httpError(ErrorCodes.CONFLICT, `Too many files named ${base} ${where}; rename the file.`);
}

/** Sends a stored file so that no script can run from it (SVG and unknown types are downloads). */
function sendFile(
  reply: FastifyReply,
  name: string,
  file: { bytes: Uint8Array; version: string },
): FastifyReply {
  const mime = mimeForPath(name);
  void reply
    .header('content-type', mime)
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; sandbox",
    )
    .header('cache-control', 'private, no-cache')
    .header('etag', `"${file.version}"`);
  // SVG can carry scripts: never render it as a page of this origin.
  if (mime === 'image/svg+xml' || mime === 'application/octet-stream')
    void reply.header(
      'content-disposition',
      `attachment; filename="${encodeURIComponent(name.split('/').pop()!)}"`,
    );
  return reply.send(Buffer.from(file.bytes));
}

const MediaDeleteQuery = Type.Object({
  force: Type.Optional(Type.Boolean({ description: 'Delete even while entries use it' })),
});

/** Media library: list, upload (checked by content), delete, and serve under /media/*. */
/** A media path, as one encoded segment (`path`) or with plain slashes (`*`, the hidden alias). */
type MediaPathParams = { path?: string; '*'?: string };
/** An entry id, as one encoded segment (`id`) or with plain slashes (`*`, the hidden alias). */
type BundleIdParams = { schema: string; id?: string; '*'?: string };

export const mediaRoutes: FastifyPluginAsyncTypebox<MediaOptions> = async (app, options) => {
  await app.register(multipart, {
    limits: {
      fileSize: options.maxBytes,
      files: options.maxFiles,
      fields: 10,
      parts: options.maxFiles + 10,
      fieldSize: 1024,
    },
  });

  const inside = (raw: string): string => {
    const problem = contentPathProblem(raw);
    if (problem) throw httpError(ErrorCodes.INVALID_PATH, `Invalid media path: it ${problem}.`);
    return raw;
  };

  app.get(
    '/api/media',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'listMedia',
        tags: ['media'],
        summary: 'Every file in the media folder',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(MediaFile)) }), ...commonErrors },
      },
    },
    async () => ({ items: await app.repo.media.list() }),
  );

  app.post(
    '/api/media',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'uploadMedia',
        tags: ['media'],
        summary: 'Upload files (multipart/form-data, field "file", several allowed)',
        description: `Types are recognised by content: PNG, JPEG, GIF, WebP, AVIF, SVG, PDF. At most ${options.maxBytes} bytes per file, ${options.maxFiles} files and ${options.maxRequestBytes} bytes per request; a refused request commits nothing. Stored as <media dir>/YYYY/MM/<name>.<ext>, one commit per file, never overwriting.`,
        consumes: ['multipart/form-data'],
        response: {
          201: Type.Object({ items: Type.Array(Type.Ref(MediaFile)), commits: Type.Array(Type.Ref(Commit)) }),
          413: Type.Ref(ErrorResponse),
          415: Type.Ref(ErrorResponse),
          ...commonErrors,
        },
      },
    },
    async (request, reply) => {
      const now = new Date();
      const folder = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      const items: MediaFileInfo[] = [];
      const commits: CommitInfo[] = [];
      await receiveUploads(request, options, async ({ file, name, type }) => {
        const bytes = await readFile(file); // one file in memory at a time, while it is committed
        const { saved } = await underFreeName(name, type.ext, 'this month', (free) =>
          app.repo.media.add(`${folder}/${free}`, bytes, author(request)),
        );
        items.push(saved.file);
        commits.push(saved.commit);
      });
      return reply.code(201).send({ items, commits });
    },
  );

  const deleteMediaFile = async (
    request: FastifyRequest<{ Params: MediaPathParams; Querystring: { force?: boolean } }>,
  ) => {
    const params = request.params;
    const rest = inside(params.path ?? params['*'] ?? '');
    const header = request.headers['if-match'];
    const ifMatch =
      typeof header === 'string' ? header.replace(/^W\//, '').replace(/^"(.*)"$/, '$1') : undefined;
    return app.repo.media.remove(rest, {
      ...author(request),
      ...(ifMatch ? { ifMatch } : {}),
      ...(request.query.force ? { force: true } : {}),
    });
  };
  app.delete(
    '/api/media/:path',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'deleteMedia',
        tags: ['media'],
        summary: 'Delete a media file (path inside the media folder)',
        description:
          '409 MIMSY_ERR_REFERENCED (details.referrers: schema, slug, field) while entries use it, unless ?force=true.',
        querystring: MediaDeleteQuery,
        params: Type.Object({
          path: Type.String({
            maxLength: 1024,
            description: 'Path inside the media folder, percent-encoded as one segment: 2026%2F01%2Fcat.png',
          }),
        }),
        response: {
          200: Type.Object({ commit: Type.Ref(Commit) }),
          ...commonErrors,
          409: Type.Ref(ErrorResponse),
        },
      },
    },
    deleteMediaFile,
  );
  app.delete(
    '/api/media/*',
    {
      config: { access: 'editor' },
      schema: {
        hide: true,
        params: Type.Object({ '*': Type.String({ maxLength: 1024 }) }),
        querystring: MediaDeleteQuery,
      },
    },
    deleteMediaFile,
  );

  const serveMediaFile = async (
    request: FastifyRequest<{ Params: MediaPathParams }>,
    reply: FastifyReply,
  ) => {
    const params = request.params;
    const rest = inside(params.path ?? params['*'] ?? '');
    const file = await app.repo.store.read(app.repo.media.path(rest));
    if (!file) throw httpError(ErrorCodes.NOT_FOUND, `There is no media file ${rest}.`);
    return sendFile(reply, rest, file);
  };
  app.get(
    '/media/:path',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getMediaFile',
        tags: ['media'],
        summary: 'Serve a media file (no script can run from it)',
        description:
          "The URL content links to is the file's path with plain slashes (/media/2026/01/cat.png); as one encoded segment it is the same file.",
        params: Type.Object({ path: Type.String({ maxLength: 1024 }) }),
      },
    },
    serveMediaFile,
  );
  app.get(
    '/media/*',
    {
      config: { access: 'viewer' },
      schema: { hide: true, params: Type.Object({ '*': Type.String({ maxLength: 1024 }) }) },
    },
    serveMediaFile,
  );
  // Page-bundle files: `id` is the entry's id (one path segment, "/" sent as %2F; the same route
  // with plain slashes is kept, hidden), `name` the file's path inside the bundle's folder.
  const BundleParams = Type.Object({
    schema: Type.String({ maxLength: 64 }),
    id: Type.String({
      maxLength: 1024,
      description: 'The entry id, percent-encoded as one path segment: 2026%2Fhello',
    }),
  });
  const hiddenAlias = {
    hide: true,
    params: Type.Object({ schema: Type.String({ maxLength: 64 }), '*': Type.String({ maxLength: 1024 }) }),
  };
  const BundleQuery = Type.Object({ name: Type.String({ minLength: 1, maxLength: 512 }) });
  const bundleOf = (
    request: FastifyRequest<{ Params: BundleIdParams }>,
  ): { schema: string; slug: string } => {
    const params = request.params;
    return { schema: params.schema, slug: params.id ?? params['*'] ?? '' };
  };

  const getBundleFile = async (
    request: FastifyRequest<{ Params: BundleIdParams; Querystring: { name: string } }>,
    reply: FastifyReply,
  ) => {
    const { schema, slug } = bundleOf(request);
    const { name } = request.query;
    const file = await app.repo.bundles.read(schema, slug, name);
    if (!file) throw httpError(ErrorCodes.NOT_FOUND, `${schema}/${slug} has no file ${name}.`);
    return sendFile(reply, name, file);
  };
  app.get(
    '/api/collections/:schema/files/:id',
    {
      config: { access: 'viewer' },
      schema: {
        operationId: 'getBundleFile',
        tags: ['collections'],
        summary:
          "A file of an entry's page bundle (?name=cover.jpg), served so that no script can run from it",
        params: BundleParams,
        querystring: BundleQuery,
      },
    },
    getBundleFile,
  );
  app.get(
    '/api/collections/:schema/files/*',
    { config: { access: 'viewer' }, schema: { ...hiddenAlias, querystring: BundleQuery } },
    getBundleFile,
  );

  const uploadBundleFiles = async (
    request: FastifyRequest<{ Params: BundleIdParams }>,
    reply: FastifyReply,
  ) => {
    const { schema, slug } = bundleOf(request);
    app.repo.getOrThrow(schema, slug);
    const items: { path: string; name: string; version: string }[] = [];
    const commits: CommitInfo[] = [];
    await receiveUploads(request, options, async ({ file, name, type }) => {
      const bytes = await readFile(file);
      const { name: savedName, saved } = await underFreeName(name, type.ext, 'in this bundle', (free) =>
        app.repo.bundles.add(schema, slug, free, bytes, author(request)),
      );
      items.push({ path: saved.path, name: savedName, version: saved.version });
      commits.push(saved.commit);
    });
    return reply.code(201).send({ items, commits });
  };
  app.post(
    '/api/collections/:schema/files/:id',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'uploadBundleFiles',
        tags: ['collections'],
        summary:
          'Upload files into an entry\'s page bundle, beside its page (multipart/form-data, field "file")',
        description:
          'Same types and limits as /api/media. Each file keeps its name (made safe, lower-case), never overwriting: a taken name gets -2, -3, …. A single-file entry has no bundle (422).',
        params: BundleParams,
        consumes: ['multipart/form-data'],
        response: {
          201: Type.Object({
            items: Type.Array(
              Type.Object({ path: Type.String(), name: Type.String(), version: Type.String() }),
            ),
            commits: Type.Array(Type.Ref(Commit)),
          }),
          413: Type.Ref(ErrorResponse),
          415: Type.Ref(ErrorResponse),
          ...commonErrors,
        },
      },
    },
    uploadBundleFiles,
  );
  app.post(
    '/api/collections/:schema/files/*',
    { config: { access: 'editor' }, schema: hiddenAlias },
    uploadBundleFiles,
  );

  const deleteBundleFile = async (
    request: FastifyRequest<{ Params: BundleIdParams; Querystring: { name: string } }>,
  ) => {
    const { schema, slug } = bundleOf(request);
    const { name } = request.query;
    return app.repo.bundles.remove(schema, slug, name, {
      ...author(request),
      ifMatch: requireIfMatch(request),
    });
  };
  app.delete(
    '/api/collections/:schema/files/:id',
    {
      config: { access: 'editor' },
      schema: {
        operationId: 'deleteBundleFile',
        tags: ['collections'],
        summary: "Delete a file of an entry's page bundle (?name=…); needs If-Match (the file's ETag)",
        params: BundleParams,
        querystring: BundleQuery,
        response: { 200: Type.Object({ commit: Type.Ref(Commit) }), ...commonErrors },
      },
    },
    deleteBundleFile,
  );
  app.delete(
    '/api/collections/:schema/files/*',
    { config: { access: 'editor' }, schema: { ...hiddenAlias, querystring: BundleQuery } },
    deleteBundleFile,
  );
};
