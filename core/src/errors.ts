/**
 * The one catalogue of Mimsy's error codes. Every error that crosses a package boundary is a
 * MimsyError with one of these codes; the API maps each code to an HTTP status, the CLI to an
 * exit code. Messages say what went wrong and what to do next.
 */
export const ErrorCodes = {
  /** A slug or path that could escape the repository or is not a valid slug. */
  INVALID_PATH: 'MIMSY_ERR_INVALID_PATH',
  /** mimsy.config.json is missing or wrong. */
  CONFIG: 'MIMSY_ERR_CONFIG',
  /** A schema file has mistakes. */
  SCHEMA: 'MIMSY_ERR_SCHEMA',
  /** Unknown content type. */
  UNKNOWN_SCHEMA: 'MIMSY_ERR_UNKNOWN_SCHEMA',
  /** An entry (or revision) does not exist. */
  NOT_FOUND: 'MIMSY_ERR_NOT_FOUND',
  /** Entry data does not satisfy its schema. */
  VALIDATION: 'MIMSY_ERR_VALIDATION',
  /** The entry changed since the version the write was based on, or already exists. */
  CONFLICT: 'MIMSY_ERR_CONFLICT',
  /** A file could not be parsed (broken YAML/JSON, binary junk). */
  PARSE: 'MIMSY_ERR_PARSE',
  /** The file cannot be rewritten without touching more than the change; nothing was written. */
  UNWRITABLE: 'MIMSY_ERR_UNWRITABLE',
  /** Other entries point to this one through a relation. */
  REFERENCED: 'MIMSY_ERR_REFERENCED',
  /** A Git operation failed. */
  GIT: 'MIMSY_ERR_GIT',
  /** Not a Mimsy repository. */
  NOT_A_REPOSITORY: 'MIMSY_ERR_NOT_A_REPOSITORY',
  /** Wrong kind of schema for the operation (collection vs singleton). */
  WRONG_KIND: 'MIMSY_ERR_WRONG_KIND',
  /** Pulling from the remote would conflict with local commits; nothing was lost. */
  SYNC_CONFLICT: 'MIMSY_ERR_SYNC_CONFLICT',
  /** The Git remote could not be reached or refused the operation. */
  REMOTE: 'MIMSY_ERR_REMOTE',
  /** Other replicas kept pushing first; the write was not made and can be retried. */
  REMOTE_BUSY: 'MIMSY_ERR_REMOTE_BUSY',
  /** The Git remote cannot be reached to check a write against it; nothing was written, retry. */
  REMOTE_UNAVAILABLE: 'MIMSY_ERR_REMOTE_UNAVAILABLE',
  /** No replica holds the writer's lease just now (one is taking over); nothing was written, retry. */
  WRITER_UNAVAILABLE: 'MIMSY_ERR_WRITER_UNAVAILABLE',
  /** The content volume is full; nothing was written. */
  STORAGE_FULL: 'MIMSY_ERR_STORAGE_FULL',
  /** The content volume is read-only; nothing was written. */
  READ_ONLY: 'MIMSY_ERR_READ_ONLY',
  /** The request is malformed (not the entry data: see VALIDATION). */
  BAD_REQUEST: 'MIMSY_ERR_BAD_REQUEST',
  /** No valid session or token. */
  UNAUTHORIZED: 'MIMSY_ERR_UNAUTHORIZED',
  /** Signed in, but the role does not allow this. */
  FORBIDDEN: 'MIMSY_ERR_FORBIDDEN',
  /** A cookie-authenticated write without the matching X-CSRF-Token header. */
  CSRF: 'MIMSY_ERR_CSRF',
  /** Too many attempts; wait and retry. */
  RATE_LIMITED: 'MIMSY_ERR_RATE_LIMITED',
  /** A write without If-Match. */
  PRECONDITION_REQUIRED: 'MIMSY_ERR_PRECONDITION_REQUIRED',
  /** The body or upload is larger than allowed. */
  PAYLOAD_TOO_LARGE: 'MIMSY_ERR_PAYLOAD_TOO_LARGE',
  /** The upload's content is not an allowed type. */
  UNSUPPORTED_MEDIA_TYPE: 'MIMSY_ERR_UNSUPPORTED_MEDIA_TYPE',
  /** The route does not exist. */
  ROUTE_NOT_FOUND: 'MIMSY_ERR_ROUTE_NOT_FOUND',
  /** The server is not ready yet (index building, repository unhealthy). */
  NOT_READY: 'MIMSY_ERR_NOT_READY',
  /** Something failed inside the server; details are in its log, not in the response. */
  INTERNAL: 'MIMSY_ERR_INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * What each code means to the programs that report it — the one catalogue the API (its HTTP
 * status), the CLI (exit 1 when the person running it can fix it, 2 for a bug) and the admin use.
 */
export const ERROR_CATALOGUE: Readonly<Record<ErrorCode, { status: number; userFixable: boolean }>> = {
  MIMSY_ERR_INVALID_PATH: { status: 400, userFixable: true },
  MIMSY_ERR_BAD_REQUEST: { status: 400, userFixable: true },
  MIMSY_ERR_VALIDATION: { status: 400, userFixable: true },
  MIMSY_ERR_UNAUTHORIZED: { status: 401, userFixable: true },
  MIMSY_ERR_FORBIDDEN: { status: 403, userFixable: true },
  MIMSY_ERR_CSRF: { status: 403, userFixable: true },
  MIMSY_ERR_NOT_FOUND: { status: 404, userFixable: true },
  MIMSY_ERR_UNKNOWN_SCHEMA: { status: 404, userFixable: true },
  MIMSY_ERR_WRONG_KIND: { status: 404, userFixable: true },
  MIMSY_ERR_ROUTE_NOT_FOUND: { status: 404, userFixable: true },
  MIMSY_ERR_CONFLICT: { status: 409, userFixable: true },
  MIMSY_ERR_REFERENCED: { status: 409, userFixable: true },
  MIMSY_ERR_SYNC_CONFLICT: { status: 409, userFixable: true },
  MIMSY_ERR_PAYLOAD_TOO_LARGE: { status: 413, userFixable: true },
  MIMSY_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, userFixable: true },
  MIMSY_ERR_PARSE: { status: 422, userFixable: true },
  MIMSY_ERR_UNWRITABLE: { status: 422, userFixable: true },
  MIMSY_ERR_PRECONDITION_REQUIRED: { status: 428, userFixable: true },
  MIMSY_ERR_RATE_LIMITED: { status: 429, userFixable: true },
  MIMSY_ERR_INTERNAL: { status: 500, userFixable: false },
  MIMSY_ERR_GIT: { status: 500, userFixable: false },
  // A server cannot start on a broken repository (500); at the CLI it is the user's to fix.
  MIMSY_ERR_CONFIG: { status: 500, userFixable: true },
  MIMSY_ERR_SCHEMA: { status: 500, userFixable: true },
  MIMSY_ERR_NOT_A_REPOSITORY: { status: 500, userFixable: true },
  MIMSY_ERR_REMOTE: { status: 502, userFixable: true },
  MIMSY_ERR_REMOTE_BUSY: { status: 503, userFixable: true },
  MIMSY_ERR_REMOTE_UNAVAILABLE: { status: 503, userFixable: true },
  MIMSY_ERR_WRITER_UNAVAILABLE: { status: 503, userFixable: true },
  MIMSY_ERR_READ_ONLY: { status: 503, userFixable: true },
  MIMSY_ERR_NOT_READY: { status: 503, userFixable: false },
  MIMSY_ERR_STORAGE_FULL: { status: 507, userFixable: true },
};

export class MimsyError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MimsyError';
    this.code = code;
    this.details = details;
  }
}

/** One problem with a value, a file or a schema, located by a JSON pointer. */
export interface Issue {
  /** JSON pointer into the checked document, e.g. `/tags/2` ('' is the whole document). */
  path: string;
  message: string;
  /** What to do about it, in plain English. */
  fix?: string;
}

export class ValidationError extends MimsyError {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[]) {
    super(ErrorCodes.VALIDATION, message, { issues });
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

export class NotFoundError extends MimsyError {
  constructor(message: string, details?: unknown) {
    super(ErrorCodes.NOT_FOUND, message, details);
    this.name = 'NotFoundError';
  }
}

export class InvalidPathError extends MimsyError {
  constructor(message: string, details?: unknown) {
    super(ErrorCodes.INVALID_PATH, message, details);
    this.name = 'InvalidPathError';
  }
}

/**
 * A write based on a stale version (or a create over an existing entry). Carries what is there
 * now, so that the caller can show both sides and nothing is lost.
 */
export class ConflictError<Current = unknown> extends MimsyError {
  readonly current: Current | null;
  /**
   * The version the refused write was based on (null: it expected no file), when known. Not sent
   * to clients: a replica uses it to tell a real conflict from a copy of its own that is behind.
   */
  expected?: string | null;
  constructor(message: string, current: Current | null, details?: Record<string, unknown>) {
    super(ErrorCodes.CONFLICT, message, { ...details, current });
    this.name = 'ConflictError';
    this.current = current;
  }
}

/** JSON pointer escaping (RFC 6901). */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
