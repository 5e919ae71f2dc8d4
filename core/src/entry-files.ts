// Which files are entries, and of what: the mapping from a repository path to (schema, id), with
// the conventions of the site generators whose content Mimsy edits in place (Hugo's `_index.md`
// and page bundles, `.markdown`/`.mdx`/`.mdoc`, data files, ignored files).
import picomatch from 'picomatch';
import { idProblem } from './slugs.js';
import type { MimsyConfig, Schema } from './types.js';
import { extensionsOf } from './types.js';

export type Placement =
  /** The file holds the entry `slug` of `schema`. */
  | { kind: 'entry'; schema: Schema; slug: string }
  /** A file of a page bundle: it belongs to the entry `slug` (images beside `index.md`). */
  | { kind: 'resource'; schema: Schema; slug: string }
  /** Matched by an `ignore` glob, or a dotfile: neither an entry nor a problem. */
  | { kind: 'ignored' }
  /** In a collection's folder but not an entry, and why. */
  | { kind: 'problem'; schema: Schema; problem: string };

/** Whether a folder (relative to a collection's folder) holds a bundle's own page. */
export type BundleLookup = (schema: string, dir: string) => 'leaf' | 'branch' | null;

type Matcher = (path: string) => boolean;

export class EntryFiles {
  private readonly global: Matcher | null;
  private readonly perSchema = new Map<string, Matcher>();
  private readonly schemas: Schema[];

  constructor(schemas: Iterable<Schema>, config: Pick<MimsyConfig, 'ignore'>) {
    this.schemas = [...schemas];
    this.global = config.ignore.length ? picomatch(config.ignore, { dot: true }) : null;
    for (const schema of this.schemas)
      if (schema.ignore?.length) this.perSchema.set(schema.name, picomatch(schema.ignore, { dot: true }));
  }

  /** The collection a path is in (its folder), or the singleton it is. */
  schemaOf(path: string): Schema | null {
    // A collection's folder may hold another's (`content` and `content/posts`): the deepest wins.
    let found: Schema | null = null;
    for (const schema of this.schemas) {
      if (schema.kind === 'singleton') {
        if (path === schema.file) return schema;
      } else if (
        path.startsWith(`${schema.folder}/`) &&
        (!found || schema.folder!.length > found.folder!.length)
      )
        found = schema;
    }
    return found;
  }

  /** A file's extension among the schema's, and its name without it (null when none matches). */
  static split(schema: Schema, name: string): { stem: string; ext: string } | null {
    const lower = name.toLowerCase();
    for (const ext of extensionsOf(schema))
      if (lower.endsWith(`.${ext}`) && name.length > ext.length + 1)
        return { stem: name.slice(0, -(ext.length + 1)), ext };
    return null;
  }

  /**
   * What `path` is. `bundles` answers for folders that hold `index.*` (a leaf bundle: every other
   * file under it is one of its resources) or `_index.*` (a branch bundle: its non-content files
   * are resources of the section page, its content files are entries).
   */
  place(path: string, bundles: BundleLookup): Placement | null {
    if (this.global?.(path)) return { kind: 'ignored' };
    const schema = this.schemaOf(path);
    if (!schema) return null;
    if (schema.kind === 'singleton') return { kind: 'entry', schema, slug: '' };
    const rest = path.slice(schema.folder!.length + 1);
    const segments = rest.split('/');
    if (segments.some((s) => s.startsWith('.'))) return { kind: 'ignored' };
    if (this.perSchema.get(schema.name)?.(rest)) return { kind: 'ignored' };
    const name = segments[segments.length - 1]!;
    const split = EntryFiles.split(schema, name);
    const dirs = segments.slice(0, -1);
    // The outermost leaf bundle holding the file owns it (bundles do not nest in Hugo).
    for (let depth = 1; depth <= dirs.length; depth++) {
      const dir = dirs.slice(0, depth).join('/');
      if (bundles(schema.name, dir) !== 'leaf') continue;
      const ownPage = depth === dirs.length && split?.stem === 'index';
      if (!ownPage) return { kind: 'resource', schema, slug: dir };
    }
    if (!split) {
      const dir = dirs.join('/');
      if (bundles(schema.name, dir) === 'branch')
        return { kind: 'resource', schema, slug: dir ? `${dir}/_index` : '_index' };
      return {
        kind: 'problem',
        schema,
        problem: `is not a ${extensionsOf(schema)
          .map((e) => `.${e}`)
          .join(
            '/',
          )} file, so it is not an entry of ${schema.name} (list it in "ignore" if it belongs there)`,
      };
    }
    const slug = split.stem === 'index' && dirs.length > 0 ? dirs.join('/') : [...dirs, split.stem].join('/');
    const problem = idProblem(slug);
    if (problem)
      return { kind: 'problem', schema, problem: `cannot be addressed (${problem}); rename the file` };
    return { kind: 'entry', schema, slug };
  }

  /** For a file that is a bundle's own page: the folder and its kind. */
  static bundleOf(schema: Schema, path: string): { dir: string; kind: 'leaf' | 'branch' } | null {
    if (schema.kind !== 'collection' || !path.startsWith(`${schema.folder}/`)) return null;
    const rest = path.slice(schema.folder!.length + 1);
    const slash = rest.lastIndexOf('/');
    const split = EntryFiles.split(schema, rest.slice(slash + 1));
    if (!split) return null;
    const dir = slash === -1 ? '' : rest.slice(0, slash);
    if (split.stem === 'index' && dir !== '') return { dir, kind: 'leaf' };
    if (split.stem === '_index') return { dir, kind: 'branch' };
    return null;
  }
}
