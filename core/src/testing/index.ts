// Test helpers shared by every package's tests (exported as @mimsy/core/testing).
export { HOSTILE_SLUGS } from './hostile-slugs.js';
export { EXAMPLE_BLOG, makeTempRepo, SMALL_REPO } from './fixtures.js';
export type { TempRepo } from './fixtures.js';
