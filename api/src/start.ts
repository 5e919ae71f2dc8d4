// Runs the server from its TypeScript sources (development and end-to-end tests):
//   node --import tsx --conditions=@mimsy/source api/src/start.ts
import { main } from './server.js';

await main();
