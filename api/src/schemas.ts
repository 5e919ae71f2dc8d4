// Request and response schemas (TypeBox): each route declares both, and they feed /api/openapi.json.
import { type Static, Type } from '@sinclair/typebox';
import type { Field as CoreField } from '@mimsy/core';

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'A stable MIMSY_ERR_… code' }),
      message: Type.String({ description: 'What went wrong and what to do' }),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  { $id: 'ErrorResponse', description: 'Every error has this shape' },
);

export const Person = Type.Object({ name: Type.String(), email: Type.String() });

export const Problem = Type.Object({
  path: Type.String(),
  message: Type.String(),
  line: Type.Optional(Type.Integer()),
});

export const Entry = Type.Object(
  {
    schema: Type.String(),
    slug: Type.String({ description: 'Empty for singletons' }),
    path: Type.String(),
    version: Type.String({ description: 'Git blob id of the file; the ETag' }),
    data: Type.Record(Type.String(), Type.Unknown()),
    body: Type.Optional(Type.String()),
    updatedAt: Type.Optional(Type.String()),
    updatedBy: Type.Optional(Person),
    parseError: Type.Optional(Problem),
    problems: Type.Optional(Type.Array(Problem)),
    resources: Type.Optional(
      Type.Array(Type.String(), {
        description:
          "A page bundle's other files (repository paths): images beside its index.md; absent for a single-file entry",
      }),
    ),
  },
  { $id: 'Entry' },
);
export type EntryT = Static<typeof Entry>;

export const Commit = Type.Object(
  {
    sha: Type.String(),
    author: Person,
    date: Type.String(),
    message: Type.String(),
    path: Type.Optional(Type.String()),
    sync: Type.Optional(
      Type.Union([Type.Literal('pushed'), Type.Literal('pending')], {
        description:
          'With push "auto" and a remote: "pushed" when the remote has the commit, "pending" when it is committed on this server only (remote unreachable) and will be pushed later',
      }),
    ),
  },
  { $id: 'Commit' },
);

/** The editor's own description of a change, put first in its commit message (optional). */
const CommitNote = Type.Optional(
  Type.String({
    maxLength: 2000,
    description:
      'What the change is, in the editor’s words: the commit message’s first line (the generated message — which entry, which fields — follows it)',
  }),
);

export const WriteResponse = Type.Object({ entry: Type.Ref(Entry), commit: Type.Ref(Commit) });
export const DeleteResponse = Type.Object({ commit: Type.Ref(Commit) });
export const HistoryResponse = Type.Object({ items: Type.Array(Type.Ref(Commit)) });
export const DeletedResponse = Type.Object({
  items: Type.Array(
    Type.Object({
      slug: Type.String(),
      path: Type.String(),
      data: Type.Record(Type.String(), Type.Unknown(), { description: 'Its values as they were' }),
      deleted: Type.Ref(Commit, { description: 'The commit that deleted it' }),
    }),
  ),
});
export const RestoreBody = Type.Object(
  { slug: Type.String({ maxLength: 400 }), message: CommitNote },
  { additionalProperties: false },
);

export const ListResponse = Type.Object({
  items: Type.Array(Type.Ref(Entry), { description: 'Entries without their Markdown body' }),
  total: Type.Integer(),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const CreateBody = Type.Object(
  {
    slug: Type.Optional(
      Type.String({ maxLength: 200, description: 'Default: from the schema’s slug template' }),
    ),
    data: Type.Record(Type.String(), Type.Unknown()),
    body: Type.Optional(Type.String()),
    message: CommitNote,
  },
  { additionalProperties: false },
);

export const UpdateBody = Type.Object(
  {
    data: Type.Record(Type.String(), Type.Unknown()),
    body: Type.Optional(
      Type.String({
        description: 'Required for Markdown entries: PUT replaces the whole entry (use PATCH to send less)',
      }),
    ),
    slug: Type.Optional(
      Type.String({ maxLength: 200, description: 'A new slug renames the entry (one commit)' }),
    ),
    message: CommitNote,
  },
  { additionalProperties: false },
);

export const PatchBody = Type.Object(
  {
    data: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description:
          'JSON Merge Patch (RFC 7396) of the values: a key set to null is removed, objects merge key by key, anything else replaces',
      }),
    ),
    body: Type.Optional(Type.String({ description: 'Replaces the Markdown body; left out, the body stays' })),
    slug: Type.Optional(
      Type.String({ maxLength: 200, description: 'A new slug renames the entry (one commit)' }),
    ),
    message: CommitNote,
  },
  { additionalProperties: false },
);

export const SingletonPatchBody = Type.Object(
  {
    data: PatchBody.properties.data,
    body: PatchBody.properties.body,
    message: CommitNote,
  },
  { additionalProperties: false },
);

export const SingletonBody = Type.Object(
  {
    data: Type.Record(Type.String(), Type.Unknown()),
    body: Type.Optional(Type.String()),
    message: CommitNote,
  },
  { additionalProperties: false },
);

export const RevertBody = Type.Object(
  { sha: Type.String({ pattern: '^[0-9a-f]{4,64}$' }) },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 2000 })),
    sort: Type.Optional(
      Type.String({ maxLength: 100, description: 'A field, slug or updatedAt; "-" for descending' }),
    ),
    q: Type.Optional(Type.String({ maxLength: 500, description: 'Full-text search' })),
  },
  { additionalProperties: Type.String({ maxLength: 500 }), description: 'Filters as filter[field]=value' },
);

/**
 * A field definition: any object in the document (docs/schemas.md and core's JSON Schema describe
 * it in full), typed as core's Field so that the server's answers cannot drift from the model.
 */
export const Field = Type.Unsafe<CoreField>(Type.Record(Type.String(), Type.Unknown()));
export const SchemaInfo = Type.Object(
  {
    name: Type.String(),
    label: Type.String(),
    description: Type.Optional(Type.String()),
    kind: Type.Union([Type.Literal('collection'), Type.Literal('singleton')]),
    folder: Type.Optional(Type.String()),
    file: Type.Optional(Type.String()),
    format: Type.Union([
      Type.Literal('markdown'),
      Type.Literal('json'),
      Type.Literal('yaml'),
      Type.Literal('toml'),
    ]),
    extensions: Type.Optional(Type.Array(Type.String())),
    ignore: Type.Optional(Type.Array(Type.String())),
    strict: Type.Optional(Type.Boolean()),
    frontMatter: Type.Optional(
      Type.Union([Type.Literal('yaml'), Type.Literal('toml'), Type.Literal('json')]),
    ),
    slug: Type.Optional(Type.String()),
    sort: Type.Optional(Type.String()),
    bodyField: Type.Optional(Type.String()),
    fields: Type.Array(Field),
    count: Type.Integer({ description: 'Entries in a collection; 1 or 0 for a singleton' }),
  },
  { $id: 'Schema' },
);

export const User = Type.Object({
  name: Type.String(),
  email: Type.String(),
  role: Type.Union([Type.Literal('viewer'), Type.Literal('editor'), Type.Literal('admin')]),
});
export const Session = Type.Object({
  user: User,
  csrfToken: Type.Optional(Type.String({ description: 'Send back as X-CSRF-Token on writes' })),
});
export const LoginBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'User name or email' }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const MediaFile = Type.Object(
  {
    path: Type.String({ description: 'In the repository: public/media/2026/11/cover.png' }),
    url: Type.String({ description: 'Where the site serves it: /media/2026/11/cover.png' }),
    name: Type.String({
      description: 'Inside the media folder, as /api/media/:path takes it: 2026/11/cover.png',
    }),
    size: Type.Integer(),
    version: Type.String(),
  },
  { $id: 'MediaFile' },
);

export const GitStatus = Type.Object({
  branch: Type.Union([Type.String(), Type.Null()]),
  head: Type.Union([Type.String(), Type.Null()]),
  remote: Type.Union([Type.String(), Type.Null()]),
  ahead: Type.Integer(),
  behind: Type.Integer(),
  pendingPush: Type.Boolean(),
  push: Type.Union([Type.Literal('auto'), Type.Literal('off')]),
  lastSync: Type.Union([
    Type.Object({ at: Type.String(), ok: Type.Boolean(), error: Type.Optional(Type.String()) }),
    Type.Null(),
  ]),
  parked: Type.Array(
    Type.Object({
      branch: Type.String(),
      at: Type.String(),
      files: Type.Array(Type.String()),
      pushed: Type.Boolean(),
    }),
    {
      description:
        'Local commits set aside because the remote changed the same files while they waited to be pushed; each is kept on this branch',
    },
  ),
});

export const SharedSchemas = [ErrorResponse, Entry, Commit, SchemaInfo, MediaFile];

/** Error responses every authenticated route can give. */
export const commonErrors = {
  400: Type.Ref(ErrorResponse),
  401: Type.Ref(ErrorResponse),
  403: Type.Ref(ErrorResponse),
  404: Type.Ref(ErrorResponse),
  500: Type.Ref(ErrorResponse),
};
