import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeApp, type TestApp } from './test/helpers.js';

let t: TestApp;
beforeAll(async () => (t = await makeApp()));
afterAll(() => t.close());

it('answers health without credentials and lists schemas with a token', async () => {
  expect((await t.app.inject('/api/health')).json()).toEqual({ status: 'ok' });
  const res = await t.app.inject({ url: '/api/schemas', headers: t.as('viewer') });
  expect(res.statusCode).toBe(200);
  expect(
    res.json<{ items: { name: string; count: number }[] }>().items.map((s) => [s.name, s.count]),
  ).toEqual([
    ['authors', 3],
    ['posts', 7],
    ['site', 1],
  ]);
});
