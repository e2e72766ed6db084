import type { QueuedQuestion } from './offline-queue';

/**
 * Questions still waiting when the page stops trying (offline, timed out, failed) are handed to
 * the service worker through Background Sync: the browser wakes the worker when the connection
 * returns, even after the app was closed, and the worker sends them with the same
 * Idempotency-Keys (`worker/sw.js`). The queue on the phone stays the truth: the page sends what is
 * still in it at the next visit, and the API answers a key it has seen with the stored answer, so
 * each question is answered and billed once. Where there is no Background Sync (Firefox, Safari),
 * the page's own retries are all there is.
 *
 * The hand-over (the worker cannot read localStorage) is one Cache Storage entry: the logged-in
 * student's waiting questions and token, never another student's (dropped at logout).
 */
const OUTBOX = 'bb-outbox';
/** The tag the worker listens for; its name and the entry's are the worker's too. */
const SYNC_TAG = 'bb-questions';

interface SyncRegistration {
  sync?: { register(tag: string): Promise<void> };
}

export async function handToWorker(token: string, items: QueuedQuestion[], saver: boolean) {
  try {
    const registration = (await navigator.serviceWorker?.getRegistration()) as
      | (ServiceWorkerRegistration & SyncRegistration)
      | undefined;
    if (!registration?.sync) return;
    await (await caches.open(OUTBOX)).put('/outbox', Response.json({ token, saver, items }));
    await registration.sync.register(SYNC_TAG);
  } catch {
    // no storage, or no permission: the page sends them at the next visit
  }
}

/** Nothing left to send, or nobody to send it as (logged out, the login ended). */
export function clearOutbox() {
  globalThis.caches?.delete(OUTBOX).catch(() => undefined);
}
