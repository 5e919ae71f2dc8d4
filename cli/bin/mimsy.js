#!/usr/bin/env node
// Thin entry: everything, including the only process.exit, is in main.
import { main } from '../dist/main.js';

await main(process.argv);
