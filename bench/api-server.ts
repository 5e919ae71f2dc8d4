// Child process for the API benchmark: the real app on one port and, beside it, a bare Fastify
// route returning a constant JSON object equal to the real response. Prints one JSON line.
import { writeFileSync } from 'node:fs';
import Fastify from 'fastify';
import { buildApp, createToken, hashPassword } from '@mimsy/api';

const [repoDir, usersFile] = process.argv.slice(2) as [string, string];
const { token, stored } = createToken();
writeFileSync(
  usersFile,
  JSON.stringify({
    users: [
      {
        name: 'bench',
        email: 'bench@example.com',
        role: 'editor',
        passwordHash: await hashPassword('bench-password'),
        tokens: [stored],
      },
    ],
  }),
);
const app = await buildApp({
  repoDir,
  users: usersFile,
  sessionSecret: 'b'.repeat(40),
  watch: false,
  webDist: null,
  logger: false,
});
await app.ready();
const headers = { authorization: `Bearer ${token}` };
const entryUrl = '/api/collections/posts/entries/batch-005/post-5000';
const listUrl = '/api/collections/posts/entries?limit=50';
const entryBody = (await app.inject({ url: entryUrl, headers })).body;
const listBody = (await app.inject({ url: listUrl, headers })).body;
const bare = Fastify({ logger: false });
// The bare routes return the same JSON as constant objects, serialized per request like any route.
const entryObject = JSON.parse(entryBody) as object;
const listObject = JSON.parse(listBody) as object;
bare.get('/entry', () => entryObject);
bare.get('/list', () => listObject);
const appUrl = await app.listen({ host: '127.0.0.1', port: 0 });
const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
process.on('SIGINT', () => process.exit(0));
console.log(
  JSON.stringify({
    appUrl,
    bareUrl,
    token,
    entryUrl,
    listUrl,
    entryBytes: entryBody.length,
    listBytes: listBody.length,
  }),
);
