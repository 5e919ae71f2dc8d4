import fp from 'fastify-plugin';
import type { ServerResponse } from 'node:http';
import type { EntryEvent } from '@mimsy/core';

declare module 'fastify' {
  interface FastifyInstance {
    events: EventHub;
  }
}

/** Fans entry events out to Server-Sent Events clients. */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private nextId = 1;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000) {
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  add(res: ServerResponse): void {
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  publish(event: EntryEvent): void {
    this.write(`id: ${this.nextId++}\nevent: entry\ndata: ${JSON.stringify(event)}\n\n`);
  }

  private write(chunk: string): void {
    for (const res of this.clients) {
      if (!res.writableEnded) res.write(chunk);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

export const eventsPlugin = fp(
  async (app) => {
    const hub = new EventHub();
    app.decorate('events', hub);
    const unsubscribe = app.repo.on((event) => hub.publish(event));
    app.addHook('preClose', async () => {
      unsubscribe();
      hub.close();
    });
  },
  { name: 'mimsy-events', dependencies: ['mimsy-repository'] },
);
