// Runs the CLI from its TypeScript sources: node --import tsx --conditions=@mimsy/source cli/src/dev.ts …
import { main } from './main.js';

await main(process.argv);
