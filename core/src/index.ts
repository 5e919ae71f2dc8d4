export * from './errors.js';
export * from './types.js';
export * from './paths.js';
export * from './version.js';
export * from './validate.js';
export * from './slug-template.js';
export { checkSchema, suggest } from './schema/check.js';
export type { SchemaIssue, SchemaContext } from './schema/check.js';
export { CONFIG_FILE, DEFAULT_CONFIG, checkConfig, findRoot, getSchema, loadProject } from './project.js';
export type { Project } from './project.js';
export {
  decodeEntry,
  encodeEntry,
  locate,
  ParseError,
  parseJson,
  parseMarkdown,
  serializeJson,
  serializeMarkdown,
} from './codec/index.js';
export type { DecodedEntry, Location } from './codec/index.js';
export type {
  CommitOptions,
  CommitResult,
  ContentReader,
  ContentStore,
  ContentWriter,
  FileChange,
  HistoryOptions,
  RemoteSync,
  RemoteStatus,
  StoredFile,
  SyncResult,
} from './store/port.js';
export { MemoryStore } from './store/memory.js';
export { GitStore } from './store/git/index.js';
export type { GitStoreOptions, WorkTreeState } from './store/git/index.js';
export { excludeFromGit, gitIdentity } from './store/git/index.js';
export { ReadOnlyFsStore } from './store/readonly.js';
export { WriteQueue } from './store/queue.js';
export { findSymlinks, writeFileAtomic } from './store/fs.js';
export { ContentIndex, toEntry } from './index-store.js';
export { EntryFiles } from './entry-files.js';
export type { Placement } from './entry-files.js';
export type { EntryReport, UnaddressableFile } from './index-store.js';
export { Repository } from './repository.js';
export type {
  DeletedEntry,
  EntryInput,
  OpenOptions,
  RemoveOptions,
  WriteContext,
  WriteResult,
} from './repository.js';
export { FileWatcher } from './watch.js';
export { createReader, ContentValidationError } from './reader.js';
export type {
  CollectionReader,
  ContentTypes,
  ContentTypesOf,
  Reader,
  ReaderEntry,
  ReaderOptions,
  SingletonReader,
} from './reader.js';
export { redact, redactUrl, splitCredentials } from './redact.js';
export { SharedLines } from './store/git/shared-lines.js';
