/**
 * Shared JSON types: the content model and the shapes the API sends. Types only — the admin
 * (`web`) imports this module and `@mimsy/core/validate` (pure field checks, the same the server
 * runs) and nothing else from core.
 */

/** The file extensions each format reads, the first one used for new files. */
export const FORMAT_EXTENSIONS = {
  markdown: ['md', 'markdown', 'mdx', 'mdoc'],
  json: ['json'],
  yaml: ['yaml', 'yml'],
  toml: ['toml'],
} as const satisfies Record<string, readonly string[]>;

/** A schema's file extensions: its own list, or its format's. */
export function extensionsOf(schema: Pick<Schema, 'format' | 'extensions'>): readonly string[] {
  return schema.extensions ?? FORMAT_EXTENSIONS[schema.format];
}

export const FIELD_TYPES = [
  'string',
  'text',
  'markdown',
  'number',
  'boolean',
  'date',
  'datetime',
  'select',
  'list',
  'object',
  'relation',
  'image',
  'file',
  'url',
  'email',
  'color',
  'slug',
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

export interface SelectOption {
  value: string;
  label?: string;
}

/** A field as written in a schema file. `name` is absent only on a list's `of`. */
export interface Field {
  name: string;
  type: FieldType;
  label?: string;
  hint?: string;
  required?: boolean;
  default?: unknown;
  /** number: smallest value; list: fewest items; date/datetime: earliest (ISO string). */
  min?: number | string;
  /** number: largest value; list: most items; date/datetime: latest (ISO string). */
  max?: number | string;
  minLength?: number;
  maxLength?: number;
  /** A JavaScript regular expression (without slashes) that string values must match. */
  pattern?: string;
  /** number: only whole numbers. */
  integer?: boolean;
  /** select: the allowed values. */
  options?: (string | SelectOption)[];
  /** select, relation: an array of values instead of one. */
  multiple?: boolean;
  /** list: the type of each item. */
  of?: Omit<Field, 'name'> & { name?: string };
  /** object: the nested fields. */
  fields?: Field[];
  /** relation: the target schema (a collection). */
  schema?: string;
  /** No two entries of the collection may have the same value. */
  unique?: boolean;
  /** image, file: allowed file extensions, e.g. ["jpg", "png"]. */
  accept?: string[];
  /** image: the text field beside it that describes the image (needed once there is an image). */
  alt?: string;
}

export type SchemaKind = 'collection' | 'singleton';
/** markdown: front matter + body; json, yaml, toml: data files (Hugo `data/`, Jekyll `_data/`, Astro data collections). */
export type ContentFormat = 'markdown' | 'json' | 'yaml' | 'toml';

/** A content type, loaded from `schemas/<name>.json`. */
/** Field types a list can be ordered by (not pictures, files, links, long text or groups). */
export const ORDERABLE: readonly FieldType[] = [
  'string',
  'slug',
  'number',
  'date',
  'datetime',
  'select',
  'boolean',
];

/** A collection's list in the admin. */
export interface ListSettings {
  /** The field that names an entry (default: "title", "name", else the first text field). */
  title?: string;
  /** Fields shown as columns after the title (default: none); images show as thumbnails. */
  columns?: string[];
  /** Fields the list may be sorted by (default: every field an order makes sense for). */
  sortable?: string[];
}

export interface Schema {
  name: string;
  label: string;
  description?: string;
  kind: SchemaKind;
  /** collection: the folder holding its entries. */
  folder?: string;
  /** singleton: the file holding it. */
  file?: string;
  format: ContentFormat;
  /**
   * collection: the file extensions (without the dot) that hold its entries; new entries get the
   * first. Defaults by format (see extensionsOf): markdown md, markdown, mdx, mdoc; json; yaml, yml; toml.
   */
  extensions?: string[];
  /** collection: globs (relative to the folder) of files that are neither entries nor problems. */
  ignore?: string[];
  /**
   * Keys in a file that no field declares: `true` — errors (validate and the API refuse them);
   * `false` — allowed and kept (typed as unknown); absent — kept, and reported as warnings.
   */
  strict?: boolean;
  /** markdown: the front matter language of new entries (default yaml); existing files keep theirs. */
  frontMatter?: 'yaml' | 'toml' | 'json';
  /** collection: template for new slugs, e.g. "{{title}}" or "{{date}}-{{title}}". */
  slug?: string;
  /** collection: default sort, a field name, "-" in front for descending. */
  sort?: string;
  /** collection: how the admin lists entries (all optional; see docs/reference/schema.md). */
  list?: ListSettings;
  fields: Field[];
  /** markdown format: the name of the one `markdown` field stored as the body. */
  bodyField?: string;
  /** Where the schema was loaded from (repository-relative). */
  source: string;
}

export interface MimsyConfig {
  version: 1;
  schemas: string;
  media: {
    dir: string;
    publicPath: string;
    /** Hosts whose http(s) URLs image and file fields may hold (default: none). */
    allowedHosts?: string[];
  };
  git: { branch: string; remote: string; push: 'auto' | 'off' };
  commit: { message: string };
  /** Globs (relative to the repository root) of files that are neither entries nor problems. */
  ignore: string[];
}

export interface Person {
  name: string;
  email: string;
}

export interface EntryProblem {
  /** JSON pointer into the entry (`/data/tags/2`, `/body`), or '' for the whole file. */
  path: string;
  message: string;
  /** 1-based line in the file, where known. */
  line?: number;
}

/**
 * One entry as Mimsy sees it. `data` holds the front-matter / JSON fields; `body` the Markdown
 * body field. An entry whose file cannot be parsed has `parseError` and empty data.
 */
export interface Entry {
  schema: string;
  /** '' for a singleton. */
  slug: string;
  path: string;
  /** Git blob id of the file's bytes: the ETag. */
  version: string;
  data: Record<string, unknown>;
  body?: string;
  updatedAt?: string;
  updatedBy?: Person;
  parseError?: EntryProblem;
  /** Field-level problems against the schema (relations and uniqueness are checked repository-wide). */
  problems?: EntryProblem[];
  /** A page bundle's other files (repository paths), when the API sends one entry; absent for a single file. */
  resources?: string[];
}

export interface ListResult {
  items: Entry[];
  total: number;
  nextCursor: string | null;
}

/** A file's deletion: the commit that deleted it, and the one before (which still has it). */
export interface Deletion extends CommitInfo {
  path: string;
  /** The deleting commit's first parent: read the file there to restore it. */
  parent: string;
}

export interface CommitInfo {
  sha: string;
  author: Person;
  date: string;
  message: string;
  /** The path of the file at this commit (history follows renames). */
  path?: string;
  /**
   * On a write's commit, with push "auto" and a remote: "pushed" once the remote has it, "pending"
   * when it is committed here only and will be pushed later.
   */
  sync?: 'pushed' | 'pending';
}

export type EntryEventType = 'created' | 'updated' | 'deleted';

export interface EntryEvent {
  type: EntryEventType;
  schema: string;
  slug: string;
  path: string;
  version: string | null;
  /** 'api': written through Mimsy; 'disk': an edit picked up from the file system; 'remote': pulled from the Git remote. */
  source: 'api' | 'disk' | 'remote';
  commit?: string;
}

export interface MediaFile {
  /** Repository-relative path, e.g. public/media/2026/11/cover.png. */
  path: string;
  /** The URL a site (and the API under /media) serves it at, e.g. /media/2026/11/cover.png. */
  url: string;
  /** Its path inside the media folder, e.g. 2026/11/cover.png (what /api/media/:path takes). */
  name: string;
  size: number;
  version: string;
}

export interface GitStatus {
  branch: string | null;
  head: string | null;
  remote: string | null;
  ahead: number;
  behind: number;
  /** Local commits waiting to be pushed (push is "auto" and the last push did not get through). */
  pendingPush: boolean;
  push: 'auto' | 'off';
  lastSync: { at: string; ok: boolean; error?: string } | null;
  /**
   * Local commits a pull had to set aside because the remote changed the same files meanwhile:
   * each kept on a branch (pushed to the remote when possible) for someone to look at.
   */
  parked: { branch: string; at: string; files: string[]; pushed: boolean }[];
}

/** A list request: paging, sort, search and filters (the API's query, core's index). */
export interface ListQuery {
  /** Page size, 1–500 (default 50). */
  limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string | null;
  /** A field name, `slug` or `updatedAt`; "-" in front for descending. Default: the schema's sort. */
  sort?: string;
  /** Full-text search: every word must occur in the slug, a text field or the body. */
  q?: string;
  /** field → value: equality for scalars, membership for lists and multiple selects. */
  filter?: Record<string, string>;
}
