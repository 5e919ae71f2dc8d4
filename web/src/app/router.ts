/** The admin's routes, as parsed from a path. */
/**
 * Path prefixes the API answers (a proxy or the Ingress sends them to it, not to the admin): no
 * page of the admin may live under one, or a reload or a shared link of it would reach the API.
 */
export const API_PREFIXES = ['api', 'media'] as const;

export type Route =
  | { name: 'login' }
  | { name: 'dashboard' }
  | { name: 'list'; schema: string }
  | { name: 'deleted'; schema: string }
  | { name: 'new'; schema: string }
  | { name: 'entry'; schema: string; slug: string }
  | { name: 'singleton'; schema: string }
  | { name: 'media' }
  | { name: 'not-found' };

export function parseRoute(pathname: string): Route {
  const parts = pathname
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map(decodeURIComponent);
  if (parts.length === 1 && parts[0] === '') return { name: 'dashboard' };
  if (parts[0] === 'login') return { name: 'login' };
  if (parts[0] === 'library' && parts.length === 1) return { name: 'media' };
  if (parts[0] === 'collections' && parts[1]) {
    if (parts.length === 2) return { name: 'list', schema: parts[1] };
    if (parts[2] === 'new' && parts.length === 3) return { name: 'new', schema: parts[1] };
    if (parts[2] === 'deleted' && parts.length === 3) return { name: 'deleted', schema: parts[1] };
    if (parts[2] === 'entries' && parts.length > 3)
      return { name: 'entry', schema: parts[1], slug: parts.slice(3).join('/') };
  }
  if (parts[0] === 'singletons' && parts[1] && parts.length === 2)
    return { name: 'singleton', schema: parts[1] };
  return { name: 'not-found' };
}

export function href(route: Route): string {
  switch (route.name) {
    case 'login':
      return '/login';
    case 'dashboard':
      return '/';
    case 'list':
      return `/collections/${encodeURIComponent(route.schema)}`;
    case 'new':
      return `/collections/${encodeURIComponent(route.schema)}/new`;
    case 'deleted':
      return `/collections/${encodeURIComponent(route.schema)}/deleted`;
    case 'entry':
      return `/collections/${encodeURIComponent(route.schema)}/entries/${route.slug.split('/').map(encodeURIComponent).join('/')}`;
    case 'singleton':
      return `/singletons/${encodeURIComponent(route.schema)}`;
    case 'media':
      return '/library';
    default:
      return '/';
  }
}

/**
 * Where sign-in goes on to: the address asked for before it (`?next=`), when that is a page of
 * the admin — never another site (`//host`, `/\host`) or the API.
 */
export function returnTo(search: string): string {
  const next = new URLSearchParams(search).get('next') ?? '';
  const top = next.split(/[/?#]/)[1] ?? '';
  return /^\/(?![/\\])/.test(next) && !(API_PREFIXES as readonly string[]).includes(top) ? next : '/';
}
