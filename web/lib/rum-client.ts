'use client';
import { clientType, connection } from './client-info';
import { dataSaver } from './data-saver';
import { RumBatcher, type RumEvent } from './rum';
import { KEYS, storage } from './storage';

type EventBody = RumEvent extends infer E
  ? E extends RumEvent
    ? Omit<E, 'page' | 'client_type' | 'connection'>
    : never
  : never;

/**
 * Batches on their way, kept until the API has answered them: a page leaving (a reload, a link
 * out of the app) never sees the answer, and a browser may drop a request made while leaving
 * (seen in Chromium: 1–2 of 7 batches). The next page sends what is still kept, with the same
 * ids, and the API counts each id once (functions/src/api/rum.ts). Bounded in bytes.
 */
const OUTBOX_BYTES = 8 * 1024;
interface Kept {
  id: string;
  body: string;
}

function outbox(): Kept[] {
  try {
    const list = JSON.parse(storage.getItem(KEYS.rumOutbox) ?? '[]');
    return Array.isArray(list)
      ? list.filter((k) => typeof k?.id === 'string' && typeof k?.body === 'string')
      : [];
  } catch {
    return [];
  }
}

function keepOutbox(list: Kept[]) {
  // The oldest go first when the batches would not fit.
  while (list.length && JSON.stringify(list).length > OUTBOX_BYTES) list.shift();
  if (list.length) storage.setItem(KEYS.rumOutbox, JSON.stringify(list));
  else storage.removeItem(KEYS.rumOutbox);
}

const answered = (id: string) => keepOutbox(outbox().filter((k) => k.id !== id));

/** Posts a kept batch; once the API has answered (taken, or refused for good) it is not kept any more. */
function post({ id, body }: Kept, keepalive: boolean) {
  fetch('/api/rum', {
    method: 'POST',
    body,
    keepalive,
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
    referrerPolicy: 'no-referrer',
  })
    .then((res) => {
      if (res.status < 500 && res.status !== 429) answered(id);
    })
    .catch(() => undefined); // still kept: sent again by the next page, or when the signal is back
}

const batchId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => (b % 36).toString(36)).join('');

function send(body: string): boolean {
  if (navigator.onLine === false) return false; // keep the batch until the connection is back
  const id = batchId();
  const kept = { id, body: `{"i":"${id}",${body.slice(1)}` }; // the batch is `{"g":…}`
  keepOutbox([...outbox(), kept]);
  post(kept, true); // keepalive: it may outlive the page
  return true;
}

/** Sends again the batches no page saw answered (called when a page has loaded, and when back online). */
export function resendRum() {
  if (navigator.onLine === false) return;
  for (const kept of outbox()) post(kept, false);
}

let batcher: RumBatcher | undefined;

/** Records one real-user event, with the page, client type and connection of this moment. */
export function track(event: EventBody, page = location.pathname) {
  if (dataSaver() && event.type !== 'error') return; // data saver: errors only
  batcher ??= new RumBatcher({ send });
  batcher.add({ ...event, page, client_type: clientType(), connection: connection() } as RumEvent);
}

export function flushRum() {
  batcher?.flush();
}
