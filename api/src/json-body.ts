// JSON request bodies, parsed by Fastify's own (prototype-poisoning-safe) parser after a linear
// check of their nesting: JSON.parse recurses, and a body nested a few thousand levels deep would
// otherwise end in a stack overflow (a 500) instead of a clear 400.
import type { FastifyInstance } from 'fastify';
import { ErrorCodes } from '@mimsy/core';
import { httpError } from './errors.js';

/** No content type needs more: an entry's object and list fields nest a handful of levels. */
export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays and objects in a JSON text (strings skipped), in one pass. */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > stopAt) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

export function installJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // JSON Merge Patch bodies (PATCH) are JSON too.
  app.addContentTypeParser(
    ['application/json', 'application/merge-patch+json'],
    { parseAs: 'string' },
    (request, body, done) => {
      if (jsonDepth(body as string, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
        return done(
          httpError(
            ErrorCodes.BAD_REQUEST,
            `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep: send the entry's fields as they are.`,
          ),
          undefined,
        );
      void parse(request, body as string, done);
    },
  );
}
