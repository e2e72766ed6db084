/**
 * localStorage that never throws (private mode, quota, disabled storage). What could not be written
 * is kept in memory for this page, and read before the stored value; everything else is read from
 * localStorage each time, so what another tab wrote or removed (a logout) is seen here at once.
 */
const memory = new Map<string, string>();

export const storage = {
  getItem(key: string): string | null {
    if (memory.has(key)) return memory.get(key) ?? null;
    try {
      return globalThis.localStorage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  },
  setItem(key: string, value: string) {
    try {
      if (!globalThis.localStorage) throw new Error('no localStorage');
      globalThis.localStorage.setItem(key, value);
      memory.delete(key);
    } catch {
      memory.set(key, value);
    }
  },
  removeItem(key: string) {
    memory.delete(key);
    try {
      globalThis.localStorage?.removeItem(key);
    } catch {
      // nothing stored
    }
  },
};

export const KEYS = {
  token: 'bb.token',
  /** The logged-in student's id: the suffix of the per-student keys below (lib/account.ts). */
  student: 'bb.student',
  language: 'bb.lang',
  /** Device tokens from this phone's log-ins (lib/account.ts): they let an owner past a lock an attacker filled. */
  devices: 'bb.devices',
  /** The subject chosen while nobody was logged in; a student's own choice is per student. */
  subject: 'bb.subject',
  /** Tokens logged out offline, to be revoked when the API can be reached (lib/account.ts). */
  revoke: 'bb.revoke',
  /** Data saver chosen on this phone, `on` or `off` (lib/data-saver.ts); unset: the browser's setting. */
  dataSaver: 'bb.saver',
  /** The subjects' materials as last read, as `<key>.<language>` (app/subjects/page.tsx). */
  subjects: 'bb.subjects',
  /** Usage batches not yet answered by the API (lib/rum-client.ts). */
  rumOutbox: 'bb.rum.outbox',
  // Per student, as `<key>.<student id>`:
  queue: 'bb.queue.v1',
  /** Also unsuffixed: what a visitor typed on /ask before signing up (lib/account.ts adopts it). */
  draft: 'bb.draft',
  session: 'bb.session',
  /** Past sessions and their answers, kept to be read offline. */
  threads: 'bb.threads',
} as const;
