/**
 * Watches: every change to the store becomes a watch event (ADDED for a create, MODIFIED for an
 * update, a status write or a graceful deletion's `deletionTimestamp`, DELETED when the object
 * leaves), kept in order with its resourceVersion so that a watch from a resourceVersion replays what
 * followed it (the API server's watch cache). A watch without one, or from "0", first sends the
 * current objects as ADDED ("list then watch", API concepts "Efficient detection of changes").
 * The stream is newline-delimited JSON `{"type", "object"}`, ended by `timeoutSeconds` or the client.
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../../hooks/lib/k8s';
import type { ApiStore, ChangeRecord } from '../../lifecycle/lib/store';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  rv: number;
  type: EventType;
  object: KubeObject;
}

type Listener = (e: WatchEvent) => void;

export class WatchHub {
  readonly events: WatchEvent[] = [];
  private readonly listeners = new Set<Listener>();

  constructor(store: ApiStore) {
    store.watchers.push((c: ChangeRecord, obj: KubeObject) => {
      const type: EventType = c.verb === 'create' ? 'ADDED' : c.verb === 'delete' ? 'DELETED' : 'MODIFIED';
      const e = { rv: c.rv, type, object: JSON.parse(JSON.stringify(obj)) as KubeObject };
      this.events.push(e);
      for (const l of this.listeners) l(e);
    });
  }

  /** Streams events that `accept` selects to `res` until it closes or `timeoutSeconds` pass. */
  serve(
    res: ServerResponse,
    o: {
      initial: KubeObject[];
      fromRv: number | undefined;
      accept: (o: KubeObject) => boolean;
      timeoutSeconds?: number;
    },
  ): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    const send = (type: EventType, object: KubeObject): void => {
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    if (o.fromRv === undefined) for (const obj of o.initial) send('ADDED', obj);
    else
      for (const e of this.events.filter((x) => x.rv > (o.fromRv ?? 0)))
        if (o.accept(e.object)) send(e.type, e.object);
    const listener: Listener = (e) => {
      if (o.accept(e.object)) send(e.type, e.object);
    };
    this.listeners.add(listener);
    const end = (): void => {
      this.listeners.delete(listener);
      clearTimeout(timer);
      if (!res.writableEnded) res.end();
    };
    const timer = setTimeout(end, (o.timeoutSeconds ?? 1800) * 1000);
    timer.unref();
    res.on('close', end);
  }

  /** Ends every open watch (server shutdown). */
  closeAll(): void {
    this.listeners.clear();
  }
}
