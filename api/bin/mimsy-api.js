#!/usr/bin/env node
// The Mimsy API server, configured by environment variables only (see docs/api.md).
import { main } from '../dist/server.js';

await main();
