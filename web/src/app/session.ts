import { ContextConsumer } from '@lit/context';
import type { LitElement, ReactiveController } from 'lit';
import type { ApiClient, SessionUser } from '../api/client.js';
import { apiContext, entryEventsContext, userContext } from './context.js';

/** What a live entry event says (see the API's /api/events). */
export interface EntryEventDetail {
  schema: string;
  slug: string;
  version: string | null;
}

/**
 * A view's link to the session `<mimsy-app>` provides (@lit/context): the API client, the
 * signed-in user, and live entry events, listened to while the view is connected.
 */
export class SessionController implements ReactiveController {
  private readonly apiConsumer: ContextConsumer<typeof apiContext, LitElement>;
  private readonly userConsumer: ContextConsumer<typeof userContext, LitElement>;
  private events: EventTarget | undefined;
  private readonly listener = (e: Event): void =>
    this.onEntryEvent?.((e as CustomEvent<EntryEventDetail>).detail);

  constructor(
    host: LitElement,
    private readonly onEntryEvent?: (detail: EntryEventDetail) => void,
  ) {
    host.addController(this);
    this.apiConsumer = new ContextConsumer(host, { context: apiContext, subscribe: true });
    this.userConsumer = new ContextConsumer(host, { context: userContext, subscribe: true });
    new ContextConsumer(host, {
      context: entryEventsContext,
      subscribe: true,
      callback: (target) => this.listen(target),
    });
  }

  get api(): ApiClient {
    const api = this.apiConsumer.value;
    if (!api) throw new Error('no API client: this view must be inside <mimsy-app>');
    return api;
  }

  /** The signed-in user; a view shown without one acts as a viewer. */
  get user(): SessionUser {
    return this.userConsumer.value ?? { name: '', email: '', role: 'viewer' };
  }

  hostDisconnected(): void {
    this.listen(undefined);
  }

  private listen(target: EventTarget | undefined): void {
    this.events?.removeEventListener('mimsy-entry-event', this.listener);
    this.events = target;
    target?.addEventListener('mimsy-entry-event', this.listener);
  }
}
