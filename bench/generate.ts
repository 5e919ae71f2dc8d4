// The generator lives with the test fixtures (the proof's load test uses it too).
export { generateRepository } from '@mimsy/core/testing';
