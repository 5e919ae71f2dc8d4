import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '@mimsy/core';
import { ERROR_CATALOGUE, ErrorCodes, MimsyError } from '@mimsy/core';

/** HTTP status of each error code, from core's catalogue. */
export const STATUS = Object.fromEntries(
  Object.entries(ERROR_CATALOGUE).map(([code, { status }]) => [code, status]),
) as Record<ErrorCode, number>;

/** 5xx codes whose message is meant for the client (they say what happened and what to do). */
const TOLD: ReadonlySet<string> = new Set([
  ErrorCodes.REMOTE,
  ErrorCodes.REMOTE_BUSY,
  ErrorCodes.REMOTE_UNAVAILABLE,
  ErrorCodes.WRITER_UNAVAILABLE,
  ErrorCodes.READ_ONLY,
  ErrorCodes.NOT_READY,
  ErrorCodes.STORAGE_FULL,
]);

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export function httpError(code: ErrorCode, message: string, details?: unknown): MimsyError {
  return new MimsyError(code, message, details);
}

const INTERNAL_MESSAGE =
  'Something went wrong on the server. The details are in its log; try again, and tell an administrator if it keeps happening.';

/** Turns any error into `{error: {code, message, details}}`; 5xx bodies never carry internals. */
export function toErrorBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof MimsyError) {
    const status = STATUS[error.code] ?? 500;
    if (status >= 500 && !TOLD.has(error.code)) {
      return {
        status,
        body: {
          error: {
            code: error.code === ErrorCodes.GIT ? ErrorCodes.GIT : ErrorCodes.INTERNAL,
            message: INTERNAL_MESSAGE,
          },
        },
      };
    }
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.details !== undefined && status < 500) body.error.details = error.details;
    return { status, body };
  }
  const fe = error as FastifyError & { validation?: unknown[]; validationContext?: string };
  if (fe?.validation) {
    const where = fe.validationContext ?? 'request';
    return {
      status: 400,
      body: {
        error: {
          code: ErrorCodes.BAD_REQUEST,
          message: `The ${where} is not valid: ${fe.message}.`,
          details: {
            issues: fe.validation.map((v) => ({
              path: (v as { instancePath?: string }).instancePath ?? '',
              message: (v as { message?: string }).message ?? 'is not valid',
            })),
          },
        },
      },
    };
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return {
        status: 413,
        body: {
          error: {
            code: ErrorCodes.PAYLOAD_TOO_LARGE,
            message: 'The request is larger than this server accepts.',
          },
        },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return {
        status: 415,
        body: {
          error: {
            code: ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
            message: 'Send JSON (Content-Type: application/json), or multipart/form-data for uploads.',
          },
        },
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return {
        status: 400,
        body: { error: { code: ErrorCodes.BAD_REQUEST, message: 'The request body is not valid JSON.' } },
      };
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return {
        status: 400,
        body: { error: { code: ErrorCodes.BAD_REQUEST, message: 'The URL is not valid.' } },
      };
  }
  if (fe?.statusCode === 429) {
    return {
      status: 429,
      body: {
        error: { code: ErrorCodes.RATE_LIMITED, message: 'Too many attempts. Wait a minute and try again.' },
      },
    };
  }
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return {
      status: fe.statusCode,
      body: { error: { code: ErrorCodes.BAD_REQUEST, message: 'The request is not valid.' } },
    };
  }
  return { status: 500, body: { error: { code: ErrorCodes.INTERNAL, message: INTERNAL_MESSAGE } } };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorBody(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code }, body.error.message);
    if (status === 429 && !reply.hasHeader('retry-after')) void reply.header('retry-after', '60');
    if ((status === 503 || status === 507) && !reply.hasHeader('retry-after'))
      void reply.header(
        'retry-after',
        error instanceof MimsyError && error.code === ErrorCodes.WRITER_UNAVAILABLE ? '1' : '5',
      );
    return reply.code(status).header('cache-control', 'no-store').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({
      error: {
        code: ErrorCodes.ROUTE_NOT_FOUND,
        message: `There is no ${request.method} ${request.url.split('?')[0]!.slice(0, 200)} in this API. See /api/docs.`,
      },
    });
  });
}
