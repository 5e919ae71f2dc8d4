import type { Issue } from '../errors.js';
import type { Field, FieldType } from '../types.js';
import type { ValidationContext } from './checks.js';

/** A field wherever it appears: top level, inside an object, or as a list's items (no name). */
export type AnyField = Omit<Field, 'name'> & { name?: string };

/** What a type's value check may use besides the value: validation context and recursion. */
export interface ValueChecking extends ValidationContext {
  /** Checks a nested value (a list's items, an object's fields) with the full rules. */
  check(field: AnyField, value: unknown, at: string): void;
  /** Checks an object's declared fields. */
  checkFields(fields: Field[], value: Record<string, unknown>, at: string): void;
}

/** What a type's definition check may use: reporting, recursion, and the repository's schemas. */
export interface DefinitionChecking {
  add(path: string, message: string, fix: string): void;
  /** Checks a nested field definition (a list's `of`). */
  checkField(raw: unknown, at: string, options: { inList: boolean; collection: boolean }): void;
  /** Checks a list of field definitions (an object's `fields`). */
  checkFields(fields: unknown[], at: string): void;
  /** Names of every schema in the repository, for relation targets. */
  schemaNames: readonly string[];
  /** Kinds of every schema, so relations can be refused when they target a singleton. */
  kinds?: ReadonlyMap<string, string> | undefined;
}

/**
 * Everything Mimsy knows about one field type, in one place: adding a type is adding one module
 * to core/src/fields/ and one line to the registry (index.ts). Settings shared by every type
 * (name, type, label, hint, required, default) and the shape of each setting (a number, text…)
 * are checked by schema/check.ts; a type lists here which settings apply to it.
 */
export interface FieldTypeSpec {
  type: FieldType;
  /** Settings that apply to this type beyond the common ones. */
  keys: readonly string[];
  /** Whether a collection may mark the field `unique` (values compared as text). */
  uniqueable?: boolean;
  /** Whether the value is a list (an empty list then counts as absent). */
  arrayValued?(field: AnyField): boolean;
  /** Checks this type's own settings in a schema file (select's options, list's `of`…). */
  checkDefinition?(raw: Record<string, unknown>, at: string, c: DefinitionChecking): void;
  /** Checks a present (non-empty) value; problems go to `issues` at JSON pointer `at`. */
  validate(field: AnyField, value: unknown, at: string, issues: Issue[], c: ValueChecking): void;
  /** The TypeScript type of a value, for `mimsy types` (`nested` renders inner fields). */
  tsType(field: AnyField, indent: string, nested: TsRenderer): string;
  /** What `mimsy types` adds to the field's doc comment (the kind of string it holds…). */
  tsDoc?(field: AnyField): string;
  /** The admin's widget element for this type. */
  widget: string;
}

/** Renders nested fields for tsType: one field's type, or an object of fields. */
export interface TsRenderer {
  field(field: AnyField, indent: string): string;
  object(fields: Field[], indent: string): string;
}
