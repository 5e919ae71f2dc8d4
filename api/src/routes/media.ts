import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsync } from 'fastify';
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import { ErrorCodes, contentPathProblem, slugify } from '@mimsy/core';
import { httpError } from '../errors.js';
import { mimeForPath, sniffMediaType, type MediaType } from '../media-types.js';
import { commonErrors, Commit, ErrorResponse, MediaFile } from '../schemas.js';
import { author } from './http.js';

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

/** Media library: list, upload (checked by content), delete, and serve under /media/*. */
export const mediaRoutes: FastifyPluginAsync<MediaOptions> = async (app, options) => {
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
        tags: ['media'],
        summary: 'Every file in the media folder',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(MediaFile)) }), ...commonErrors },
      },
    },
    async () => ({ items: await app.repo.listMedia() }),
  );

  app.post(
    '/api/media',
    {
      config: { access: 'editor' },
      schema: {
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
      if (!request.isMultipart())
        throw httpError(
          ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
          'Upload with Content-Type: multipart/form-data and a "file" field.',
        );
      const now = new Date();
      const folder = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      // Every file goes to disk as it arrives (memory holds one chunk, not the request), and the
      // whole request is checked before anything is committed: a refused upload commits nothing.
      const staging = await mkdtemp(path.join(tmpdir(), 'mimsy-upload-'));
      const items = [];
      const commits = [];
      try {
        const staged: { file: string; name: string; type: MediaType; size: number }[] = [];
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
          throw httpError(
            ErrorCodes.BAD_REQUEST,
            'No file in the upload: send at least one part named "file".',
          );
        for (const { file, name, type } of staged) {
          const bytes = await readFile(file); // one file in memory at a time, while it is committed
          const base = slugify(name.replace(/\.[^.]*$/, '')) || 'upload';
          let saved = null;
          for (let n = 1; n < 100 && !saved; n++) {
            const target = `${folder}/${base}${n === 1 ? '' : `-${n}`}.${type.ext}`;
            try {
              saved = await app.repo.addMedia(target, bytes, author(request));
            } catch (error) {
              if ((error as { code?: string }).code !== ErrorCodes.CONFLICT) throw error;
            }
          }
          if (!saved)
            throw httpError(ErrorCodes.CONFLICT, `Too many files named ${base} this month; rename the file.`);
          items.push(saved.file);
          commits.push(saved.commit);
        }
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      return reply.code(201).send({ items, commits });
    },
  );

  app.delete(
    '/api/media/*',
    {
      config: { access: 'editor' },
      schema: {
        tags: ['media'],
        summary: 'Delete a media file (path inside the media folder)',
        params: Type.Object({ '*': Type.String({ maxLength: 1024 }) }),
        response: { 200: Type.Object({ commit: Type.Ref(Commit) }), ...commonErrors },
      },
    },
    async (request) => {
      const rest = inside((request.params as { '*': string })['*']);
      const header = request.headers['if-match'];
      const ifMatch =
        typeof header === 'string' ? header.replace(/^W\//, '').replace(/^"(.*)"$/, '$1') : undefined;
      return app.repo.removeMedia(rest, { ...author(request), ...(ifMatch ? { ifMatch } : {}) });
    },
  );

  app.get(
    '/media/*',
    {
      config: { access: 'viewer' },
      schema: {
        tags: ['media'],
        summary: 'Serve a media file (no script can run from it)',
        params: Type.Object({ '*': Type.String({ maxLength: 1024 }) }),
      },
    },
    async (request, reply) => {
      const rest = inside((request.params as { '*': string })['*']);
      const file = await app.repo.store.read(app.repo.mediaPath(rest));
      if (!file) throw httpError(ErrorCodes.NOT_FOUND, `There is no media file ${rest}.`);
      const mime = mimeForPath(rest);
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
        void reply.header('content-disposition', `attachment; filename="${rest.split('/').pop()}"`);
      return reply.send(Buffer.from(file.bytes));
    },
  );
};
