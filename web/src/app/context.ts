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

/** The page bundle an entry editor has open (its files beside the page), or null. */
export interface BundleInfo {
  schema: string;
  slug: string;
  /** Its files' names inside the bundle folder (photo.jpg, images/map.png). */
  files: string[];
}

/**
 * Provided by `<mimsy-entry-editor>` while the entry is a page bundle: its image and file fields
 * upload into the bundle and offer its files (by name, as Hugo's page resources are named).
 */
export const bundleContext = createContext<BundleInfo | null>(Symbol('mimsy-bundle'));
