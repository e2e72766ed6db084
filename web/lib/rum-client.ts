'use client';
import { clientType, connection } from './client-info';
import { RumBatcher, type RumEvent } from './rum';

type EventBody = RumEvent extends infer E
  ? E extends RumEvent
    ? Omit<E, 'page' | 'client_type' | 'connection'>
    : never
  : never;

function send(body: string): boolean {
  if (navigator.onLine === false) return false; // keep the batch until the connection is back
  if (navigator.sendBeacon?.('/api/rum', new Blob([body], { type: 'text/plain;charset=UTF-8' }))) return true;
  fetch('/api/rum', {
    method: 'POST',
    body,
    keepalive: true,
    headers: { 'Content-Type': 'application/json' },
  }).catch(() => undefined);
  return true;
}

let batcher: RumBatcher | undefined;

/** Records one real-user event, with the page, client type and connection of this moment. */
export function track(event: EventBody, page = location.pathname) {
  batcher ??= new RumBatcher({ send });
  batcher.add({ ...event, page, client_type: clientType(), connection: connection() } as RumEvent);
}

export function flushRum() {
  batcher?.flush();
}
