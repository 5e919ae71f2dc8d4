import { describe, expect, it } from 'vitest';
import { redact, redactUrl, splitCredentials } from './redact.js';

const TOKEN = 'ghp_0123456789abcdefSECRET';

describe('redact', () => {
  it.each([
    [`https://x-access-token:${TOKEN}@github.com/acme/site.git`, 'https://***@github.com/acme/site.git'],
    [`https://${TOKEN}@github.com/acme/site.git`, 'https://***@github.com/acme/site.git'],
    [`https://oauth2:${TOKEN}@gitlab.example:8443/a/b.git`, 'https://***@gitlab.example:8443/a/b.git'],
    [`http://user:p%40ss${TOKEN}@127.0.0.1:3000/repo`, 'http://***@127.0.0.1:3000/repo'],
    [`ssh://git:${TOKEN}@git.example/repo.git`, 'ssh://***@git.example/repo.git'],
    [
      `https://git.example/repo.git?access_token=${TOKEN}&ref=main`,
      'https://git.example/repo.git?access_token=***&ref=main',
    ],
    [`https://git.example/archive?private_token=${TOKEN}`, 'https://git.example/archive?private_token=***'],
    [`https://hooks.example/x?sig=${TOKEN}#frag`, 'https://hooks.example/x?sig=***#frag'],
    ['https://github.com/acme/site.git', 'https://github.com/acme/site.git'],
    ['git@github.com:acme/site.git', 'git@github.com:acme/site.git'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
    expect(redact(`fatal: unable to access '${url}': The requested URL returned error: 403`)).toBe(
      `fatal: unable to access '${expected}': The requested URL returned error: 403`,
    );
  });

  it('finds URLs anywhere in a message, several per line, and keeps the punctuation around them', () => {
    const text = `Cloning https://u:${TOKEN}@a.example/x.git failed (see https://b.example/?token=${TOKEN}).`;
    const out = redact(text);
    expect(out).not.toContain(TOKEN);
    expect(out).toBe('Cloning https://***@a.example/x.git failed (see https://b.example/?token=***).');
  });

  it('handles URLs it cannot parse without leaking', () => {
    expect(redact(`https://user:${TOKEN}@[bad`)).not.toContain(TOKEN);
  });

  it('splits credentials off a remote URL', () => {
    expect(splitCredentials(`https://x-access-token:${TOKEN}@github.com/a/b.git`)).toEqual({
      url: 'https://github.com/a/b.git',
      username: 'x-access-token',
      password: TOKEN,
    });
    expect(splitCredentials('https://github.com/a/b.git')).toEqual({
      url: 'https://github.com/a/b.git',
      username: null,
      password: null,
    });
    expect(splitCredentials('/srv/git/site.git').url).toBe('/srv/git/site.git');
  });
});
