export { main } from './main.js';
export { UserError } from './errors.js';
export { generateTypes } from './commands/types.js';
