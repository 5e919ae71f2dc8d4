// Every error and log line that could hold a URL passes through here: Git prints remote URLs, and
// a remote URL may carry a token (https://user:token@host/…, ?access_token=…).

const SECRET_PARAM = /token|secret|password|passwd|pwd|key|sig|signature|auth|credential|session|code/i;
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>`]+/gi;

/** One URL without credentials: userinfo becomes `***`, secret-looking query values `***`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');
  }
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
    changed = true;
  }
  for (const [name] of [...parsed.searchParams]) {
    if (SECRET_PARAM.test(name)) {
      parsed.searchParams.set(name, '***');
      changed = true;
    }
  }
  if (!changed) return url;
  // URL serialisation percent-encodes the asterisks; keep them readable.
  return parsed.href.replace(/%2A%2A%2A/g, '***');
}

/** Text with every URL in it redacted (see redactUrl); anything else is left as it is. */
export function redact(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => {
    // A sentence's full stop or closing bracket is not part of the URL.
    const trail = /[.,;:)\]]+$/.exec(url)?.[0] ?? '';
    return redactUrl(url.slice(0, url.length - trail.length)) + trail;
  });
}

/** Splits `user:password@` off a remote URL: the URL to store, and the credential to hand Git. */
export function splitCredentials(url: string): {
  url: string;
  username: string | null;
  password: string | null;
} {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, username: null, password: null };
  }
  if (!parsed.username && !parsed.password) return { url, username: null, password: null };
  const username = decodeURIComponent(parsed.username) || null;
  const password = decodeURIComponent(parsed.password) || null;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, username, password };
}
