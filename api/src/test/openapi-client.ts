// A client of the API generated from its OpenAPI document (openapi-typescript + openapi-fetch),
// as an outside developer would make one. openapi-client.test.ts generates ./.generated/openapi.ts
// from the running server, type-checks this file against it with tsc --strict, and runs it: every
// operation is called by its path and parameters as the document names them. Not part of the
// package's own typecheck (the types exist only once the test has generated them).
import { createHmac } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { paths } from './.generated/openapi.js';

/** Status of each operation, by operationId. */
export type Calls = Record<string, number>;

const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
);

function upload(name: string): FormData {
  const form = new FormData();
  form.append('file', new Blob([PNG], { type: 'image/png' }), name);
  return form;
}

export async function callEveryRoute(
  baseUrl: string,
  tokens: { editor: string; viewer: string },
  login: { name: string; password: string },
  webhookSecret: string,
  bundle: string,
): Promise<Calls> {
  const calls: Calls = {};
  /** Records the status; a step the next ones depend on stops the run with the server's answer. */
  const note = (op: string, response: Response, error?: unknown): void => {
    calls[op] = response.status;
    if (!response.ok && op !== 'syncGit')
      throw new Error(`${op}: ${response.status} ${JSON.stringify(error)}`);
  };
  const noteCall = (op: string, result: { response: Response; error?: unknown }): void =>
    note(op, result.response, result.error);
  const editor = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${tokens.editor}` } });
  const viewer = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${tokens.viewer}` } });
  const anonymous = createClient<paths>({ baseUrl });

  // System
  noteCall('getHealth', await anonymous.GET('/api/health'));
  noteCall('getReady', await anonymous.GET('/api/ready'));
  noteCall('listSchemas', await viewer.GET('/api/schemas'));
  note(
    'getSchema',
    (await viewer.GET('/api/schemas/{schema}', { params: { path: { schema: 'posts' } } })).response,
  );
  noteCall('getGitStatus', await viewer.GET('/api/git/status'));
  noteCall('syncGit', await editor.POST('/api/git/sync')); // no remote here: a clear 4xx/5xx

  // Sessions
  const signedIn = await anonymous.POST('/api/auth/login', { body: login });
  note('login', signedIn.response, signedIn.error);
  const cookie = signedIn.response.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = signedIn.data!.csrfToken;
  const session = createClient<paths>({ baseUrl, headers: { cookie, 'x-csrf-token': csrf } });
  noteCall('getSession', await session.GET('/api/auth/me'));
  noteCall('logout', await session.POST('/api/auth/logout'));

  // Entries: the id holds a "/" (a nested post), sent as one encoded segment.
  const entry = { schema: 'posts', id: '2026/year-in-review' };
  noteCall(
    'listEntries',
    await viewer.GET('/api/collections/{schema}/entries', {
      params: { path: { schema: 'posts' }, query: { limit: 2 } },
    }),
  );
  const one = await viewer.GET('/api/collections/{schema}/entries/{id}', { params: { path: entry } });
  note('getEntry', one.response, one.error);
  const history = await viewer.GET('/api/collections/{schema}/entries/{id}/history', {
    params: { path: entry },
  });
  note('getEntryHistory', history.response, history.error);
  const first = history.data!.items[history.data!.items.length - 1]!.sha;
  noteCall(
    'getEntryRevision',
    await viewer.GET('/api/collections/{schema}/entries/{id}/history/{sha}', {
      params: { path: { ...entry, sha: first } },
    }),
  );
  const created = await editor.POST('/api/collections/{schema}/entries', {
    params: { path: { schema: 'posts' } },
    body: { data: { title: 'Made by a generated client', author: 'ada' }, body: 'Hello.\n' },
  });
  note('createEntry', created.response, created.error);
  const made = { schema: 'posts', id: created.data!.entry.slug };
  const updated = await editor.PUT('/api/collections/{schema}/entries/{id}', {
    params: { path: made, header: { 'if-match': created.data!.entry.version } },
    body: {
      data: { ...created.data!.entry.data, title: 'Renamed by a generated client' },
      body: 'Hello again.\n',
      slug: 'generated/renamed',
    },
  });
  note('updateEntry', updated.response, updated.error);
  const renamed = { schema: 'posts', id: updated.data!.entry.slug };
  const patched = await editor.PATCH('/api/collections/{schema}/entries/{id}', {
    params: { path: renamed, header: { 'if-match': updated.data!.entry.version } },
    body: { data: { summary: 'Patched.' } },
  });
  note('patchEntry', patched.response, patched.error);
  noteCall(
    'revertEntry',
    await editor.POST('/api/collections/{schema}/entries/{id}/revert', {
      params: { path: renamed, header: { 'if-match': patched.data!.entry.version } },
      body: { sha: updated.data!.commit.sha },
    }),
  );
  const current = await viewer.GET('/api/collections/{schema}/entries/{id}', { params: { path: renamed } });
  noteCall(
    'deleteEntry',
    await editor.DELETE('/api/collections/{schema}/entries/{id}', {
      params: { path: renamed, header: { 'if-match': current.data!.version } },
    }),
  );
  noteCall(
    'listDeletedEntries',
    await viewer.GET('/api/collections/{schema}/deleted', { params: { path: { schema: 'posts' } } }),
  );
  noteCall(
    'restoreDeletedEntry',
    await editor.POST('/api/collections/{schema}/restore', {
      params: { path: { schema: 'posts' } },
      body: { slug: renamed.id, message: 'Back again' },
    }),
  );

  // Singletons
  const site = await viewer.GET('/api/singletons/{schema}', { params: { path: { schema: 'site' } } });
  note('getSingleton', site.response, site.error);
  const siteSaved = await editor.PUT('/api/singletons/{schema}', {
    params: { path: { schema: 'site' }, header: { 'if-match': site.data!.version } },
    body: { data: { ...site.data!.data, title: 'Site (generated client)' } },
  });
  note('updateSingleton', siteSaved.response, siteSaved.error);
  const sitePatched = await editor.PATCH('/api/singletons/{schema}', {
    params: { path: { schema: 'site' }, header: { 'if-match': siteSaved.data!.entry.version } },
    body: { data: { title: 'Site (patched)' } },
  });
  note('patchSingleton', sitePatched.response, sitePatched.error);
  const siteHistory = await viewer.GET('/api/singletons/{schema}/history', {
    params: { path: { schema: 'site' } },
  });
  note('getSingletonHistory', siteHistory.response, siteHistory.error);
  const siteFirst = siteHistory.data!.items[siteHistory.data!.items.length - 1]!.sha;
  noteCall(
    'getSingletonRevision',
    await viewer.GET('/api/singletons/{schema}/history/{sha}', {
      params: { path: { schema: 'site', sha: siteFirst } },
    }),
  );
  noteCall(
    'revertSingleton',
    await editor.POST('/api/singletons/{schema}/revert', {
      params: { path: { schema: 'site' }, header: { 'if-match': sitePatched.data!.entry.version } },
      body: { sha: siteFirst },
    }),
  );

  // Media: the path inside the media folder holds "/", sent as one encoded segment.
  const uploaded = await editor.POST('/api/media', {
    body: upload('pixel.png') as never,
    bodySerializer: (body) => body as unknown as FormData,
  });
  note('uploadMedia', uploaded.response, uploaded.error);
  noteCall('listMedia', await viewer.GET('/api/media'));
  const mediaPath = uploaded.data!.items[0]!.path.replace(/^public\/media\//, '');
  note(
    'getMediaFile',
    (await viewer.GET('/media/{path}', { params: { path: { path: mediaPath } }, parseAs: 'blob' })).response,
  );
  note(
    'deleteMedia',
    (await editor.DELETE('/api/media/{path}', { params: { path: { path: mediaPath } } })).response,
  );

  // Page-bundle files
  const inBundle = { schema: 'posts', id: bundle };
  const added = await editor.POST('/api/collections/{schema}/files/{id}', {
    params: { path: inBundle },
    body: upload('figure.png') as never,
    bodySerializer: (body) => body as unknown as FormData,
  });
  note('uploadBundleFiles', added.response, added.error);
  const name = added.data!.items[0]!.name;
  const file = await viewer.GET('/api/collections/{schema}/files/{id}', {
    params: { path: inBundle, query: { name } },
    parseAs: 'blob',
  });
  note('getBundleFile', file.response, file.error);
  noteCall(
    'deleteBundleFile',
    await editor.DELETE('/api/collections/{schema}/files/{id}', {
      params: {
        path: inBundle,
        query: { name },
        header: { 'if-match': file.response.headers.get('etag')! },
      } as never,
    }),
  );

  // Live events: the stream opens (then this client hangs up).
  const hangUp = new AbortController();
  const events = await viewer.GET('/api/events', { parseAs: 'stream', signal: hangUp.signal });
  note('streamEvents', events.response);
  hangUp.abort();

  // Webhook: a signed push for another branch is accepted and ignored.
  const payload = JSON.stringify({ ref: 'refs/heads/not-this-one' });
  const signature = 'sha256=' + createHmac('sha256', webhookSecret).update(payload).digest('hex');
  noteCall(
    'receiveGitWebhook',
    await anonymous.POST('/api/git/webhook', {
      body: JSON.parse(payload) as never,
      bodySerializer: () => payload,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signature,
        'x-github-event': 'push',
        'x-github-delivery': 'generated-client-1',
      },
    }),
  );
  return calls;
}
