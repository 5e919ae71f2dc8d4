import { createContext } from '@lit/context';
import type { ApiClient, SessionUser } from '../api/client.js';

/** The API client of the signed-in session, provided by `<mimsy-app>` to every view. */
export const apiContext = createContext<ApiClient>(Symbol('mimsy-api'));

/** Who is signed in (null before sign-in), provided by `<mimsy-app>`. */
export const userContext = createContext<SessionUser | null>(Symbol('mimsy-user'));

/**
 * The server's live entry events (`mimsy-entry-event`, detail: {schema, slug, version, …}),
 * re-dispatched by `<mimsy-app>` on this target for views that show entries.
 */
export const entryEventsContext = createContext<EventTarget>(Symbol('mimsy-entry-events'));
