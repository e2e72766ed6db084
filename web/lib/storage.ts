/** localStorage that never throws (private mode, quota, disabled storage): state is kept in memory then. */
const memory = new Map<string, string>();

export const storage = {
  getItem(key: string): string | null {
    try {
      return globalThis.localStorage?.getItem(key) ?? memory.get(key) ?? null;
    } catch {
      return memory.get(key) ?? null;
    }
  },
  setItem(key: string, value: string) {
    memory.set(key, value);
    try {
      globalThis.localStorage?.setItem(key, value);
    } catch {
      // kept in memory for this page
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
  language: 'bb.lang',
  draft: 'bb.draft',
  session: 'bb.session',
  subject: 'bb.subject',
} as const;
