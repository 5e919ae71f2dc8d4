import { afterEach, describe, expect, it } from 'vitest';
import { ContextProvider } from '@lit/context';
import type { Entry } from '@mimsy/core/types';
import type { ApiClient, SchemaInfo } from '../api/client.js';
import { apiContext, entryEventsContext, userContext } from '../app/context.js';
import './entry-editor.js';

afterEach(() => {
  document.body.innerHTML = '';
});

const schema = {
  name: 'posts',
  label: 'Posts',
  kind: 'collection',
  format: 'json',
  fields: [{ name: 'title', type: 'string', label: 'Title' }],
  count: 2,
} as unknown as SchemaInfo;

function entry(slug: string): Entry {
  return {
    schema: 'posts',
    slug,
    path: `content/posts/${slug}.json`,
    version: `v-${slug}`,
    data: { title: `Title of ${slug}` },
  };
}

/** A shell that provides what <mimsy-app> provides, with an API whose answers the test releases. */
function shell(): { host: HTMLElement; answer: (slug: string) => void } {
  const pending = new Map<string, (e: Entry) => void>();
  const api = {
    get: (_schema: string, slug: string) => new Promise<Entry>((resolve) => pending.set(slug, resolve)),
  } as unknown as ApiClient;
  const host = document.createElement('div');
  new ContextProvider(host, { context: apiContext, initialValue: api });
  new ContextProvider(host, {
    context: userContext,
    initialValue: { name: 'e', email: 'e@x', role: 'editor' },
  });
  new ContextProvider(host, { context: entryEventsContext, initialValue: new EventTarget() });
  document.body.append(host);
  return { host, answer: (slug) => pending.get(slug)!(entry(slug)) };
}

describe('<mimsy-entry-editor>', () => {
  it('shows the entry last opened, even when an earlier one answers late', async () => {
    const { host, answer } = shell();
    const editor = document.createElement('mimsy-entry-editor');
    editor.schema = schema;
    editor.schemas = [schema];
    editor.slug = 'first';
    host.append(editor);
    await editor.updateComplete;
    editor.slug = 'second'; // the editor moves on before the first answer arrives
    await editor.updateComplete;
    // Zero-delay turns, not waits for time: each lets the answer just released run through the
    // task's promise chain before the next is released, so the order of arrival is the test.
    answer('second');
    await new Promise((r) => setTimeout(r, 0));
    answer('first'); // late: must not replace what is shown
    await new Promise((r) => setTimeout(r, 0));
    await editor.updateComplete;
    const title = editor.shadowRoot!.querySelector('h1')!.textContent;
    expect(title).toBe('Title of second');
  });
});
