// Test helpers shared by every package's tests (exported as @mimsy/core/testing).
export { HOSTILE_SLUGS } from './hostile-slugs.js';
export { EXAMPLE_BLOG, makeRemote, makeTempRepo, SMALL_REPO } from './fixtures.js';
export type { TempRemote, TempRepo } from './fixtures.js';
export { generateRepository } from './generate.js';
export { waitFor } from './wait.js';
export type { WaitOptions } from './wait.js';
