import { afterEach, describe, expect, it } from 'vitest';
import type { GitStatusInfo } from '../api/client.js';
import './dashboard.js';

afterEach(() => {
  document.body.innerHTML = '';
});

async function mount(git: GitStatusInfo | null): Promise<string> {
  const el = document.createElement('mimsy-dashboard');
  el.schemas = [];
  el.git = git;
  document.body.append(el);
  await el.updateComplete;
  return [...el.shadowRoot!.querySelectorAll('.notice')]
    .map((n) => n.textContent.replace(/\s+/g, ' ').trim())
    .join('\n');
}

const calm: GitStatusInfo = {
  remote: 'origin',
  ahead: 0,
  pendingPush: false,
  lastSync: { at: '', ok: true },
  parked: [],
};

describe('the dashboard and the Git remote', () => {
  it('says nothing when all is pushed, or when there is no remote', async () => {
    expect(await mount(calm)).toBe('');
    expect(await mount(null)).toBe('');
    expect(await mount({ ...calm, remote: null, pendingPush: true, ahead: 2 })).toBe('');
  });

  it('tells editors that saved changes wait for the remote, and why', async () => {
    const text = await mount({
      ...calm,
      ahead: 2,
      pendingPush: true,
      lastSync: { at: '', ok: false, error: 'Pushing to origin failed (the remote cannot be reached)' },
    });
    expect(text).toMatch(
      /^2 saved changes are kept on this server and not yet in the Git remote: Pushing to origin failed/,
    );
    expect(text).toMatch(/nothing needs to be saved again/);
  });

  it('names branches of set-aside changes and who should act', async () => {
    const text = await mount({
      ...calm,
      parked: [
        {
          branch: 'mimsy/unpublished-20261128-abc1234',
          at: '',
          files: ['content/posts/first.md'],
          pushed: true,
        },
      ],
    });
    expect(text).toMatch(
      /Changes to content\/posts\/first\.md were set aside on the branch mimsy\/unpublished-20261128-abc1234/,
    );
    expect(text).toMatch(/Ask a developer to merge or delete that branch/);
  });
});

describe('the dashboard and files Mimsy does not serve', () => {
  it('lists each with why, and says nothing when there are none', async () => {
    const el = document.createElement('mimsy-dashboard');
    el.schemas = [];
    el.git = null;
    el.files = [
      {
        path: 'content/posts/leak.md',
        schema: 'posts',
        message:
          '"content/posts/leak.md" goes through a symbolic link (content/posts/leak.md): Mimsy never follows links.',
      },
    ];
    document.body.append(el);
    await el.updateComplete;
    const section = el.shadowRoot!.querySelector('section[aria-labelledby="problems"]')!;
    expect(section.querySelector('h2')!.textContent).toBe('Files Mimsy does not serve');
    const items = [...section.querySelectorAll('li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim());
    expect(items).toHaveLength(1);
    expect(items[0]).toMatch(/^content\/posts\/leak\.md: .*symbolic link/);
    el.files = [];
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('section[aria-labelledby="problems"]')).toBeNull();
  });
});
