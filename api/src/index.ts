export { buildApp } from './app.js';
export type { BuildAppOptions } from './app.js';
export { startServer, main } from './server.js';
export { ENVIRONMENT, loadSettings, SettingsError } from './settings.js';
export type { Settings } from './settings.js';
export {
  createToken,
  findTokenOwner,
  hashPassword,
  parseUsers,
  readUsersFile,
  ROLES,
  upsertUser,
  UsersStore,
  verifyPassword,
  writeUsersFile,
} from './users.js';
export type { Role, StoredToken, User, UsersFile } from './users.js';
export { STATUS, toErrorBody } from './errors.js';
