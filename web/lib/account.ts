import { clearOutbox } from './background-send';
import { uuid } from './ids';
import { KEYS, storage } from './storage';

/**
 * Who is logged in on this phone, and the keys their own things are kept under. Phones are
 * shared: a question Ana queued, her draft and her past answers are stored under her student id,
 * so Ben, logging in next on the same phone, neither sees them nor sends them as his.
 */
const AUTH_EVENT = 'bb:auth';

/** The logged-in (or last, when the login expired) student's id. */
export function currentStudent(): string | undefined {
  const id = storage.getItem(KEYS.student);
  if (id) return id;
  // Logged in before per-student keys: whatever was kept so far is this login's.
  if (!storage.getItem(KEYS.token)) return undefined;
  const adopted = `device-${uuid()}`;
  storage.setItem(KEYS.student, adopted);
  for (const key of [KEYS.queue, KEYS.draft, KEYS.session]) {
    const value = storage.getItem(key);
    if (value !== null) storage.setItem(`${key}.${adopted}`, value);
    storage.removeItem(key);
  }
  return adopted;
}

/**
 * The subject last chosen: the logged-in student's own, else one chosen while nobody was logged
 * in (forgotten at logout, so the next student on the phone starts afresh).
 */
export function chosenSubject(): string | null {
  const own = ownKey(KEYS.subject);
  return (own && storage.getItem(own)) || storage.getItem(KEYS.subject);
}

export function chooseSubject(subject: string) {
  storage.setItem(ownKey(KEYS.subject) ?? KEYS.subject, subject);
}

/** The key a student's own item lives under; `undefined` when nobody is logged in. */
export function ownKey(key: string, student = currentStudent()): string | undefined {
  return student ? `${key}.${student}` : undefined;
}

export const signedIn = () => Boolean(storage.getItem(KEYS.token));

const announce = () => globalThis.dispatchEvent?.(new Event(AUTH_EVENT));

/** Called whenever someone logs in, out, or the login expires. */
export function onAuthChange(listener: () => void) {
  addEventListener(AUTH_EVENT, listener);
  return () => removeEventListener(AUTH_EVENT, listener);
}

/** A list of strings kept under `key`, at most `max` of them; anything else stored there reads as none. */
function storedStrings(key: string, max: number): string[] {
  try {
    const list = JSON.parse(storage.getItem(key) ?? '[]');
    return Array.isArray(list) ? list.filter((item) => typeof item === 'string').slice(0, max) : [];
  } catch {
    return [];
  }
}

const MAX_DEVICES = 5;

/** The device tokens this phone holds (one per account logged in here, the newest 5). */
export const deviceTokens = () => storedStrings(KEYS.devices, MAX_DEVICES);

/** Keeps a log-in's device token, newest first. */
export function keepDeviceToken(device: string | undefined) {
  if (!device) return;
  storage.setItem(
    KEYS.devices,
    JSON.stringify([device, ...deviceTokens().filter((d) => d !== device)].slice(0, MAX_DEVICES)),
  );
}

export function signIn(token: string, student: string) {
  storage.setItem(KEYS.token, token);
  storage.setItem(KEYS.student, student);
  // A question typed before signing up becomes the student's draft, unless they had one waiting.
  const typed = storage.getItem(KEYS.draft);
  const own = `${KEYS.draft}.${student}`;
  if (typed && !storage.getItem(own)) storage.setItem(own, typed);
  storage.removeItem(KEYS.draft);
  clearOutbox();
  announce();
}

/**
 * Logs out on this phone. What the student left waiting (queued questions, a draft) stays under
 * their id for their next login unless they chose to delete it; past answers kept for reading
 * offline go either way (they are on the server).
 */
export function signOut({ deleteWaiting }: { deleteWaiting: boolean }) {
  const student = currentStudent();
  if (student) {
    storage.removeItem(`${KEYS.threads}.${student}`);
    if (deleteWaiting)
      for (const key of [KEYS.queue, KEYS.draft, KEYS.session]) storage.removeItem(`${key}.${student}`);
  }
  storage.removeItem(KEYS.token);
  storage.removeItem(KEYS.student);
  storage.removeItem(KEYS.subject);
  storage.removeItem(KEYS.draft);
  clearOutbox();
  announce();
}

const MAX_REVOCATIONS = 5;

/** Tokens logged out while the API could not be reached: revoked when it can (`revokeLeftTokens`). */
export const leftTokens = () => storedStrings(KEYS.revoke, MAX_REVOCATIONS);

export function leaveToken(token: string) {
  const list = [token, ...leftTokens().filter((t) => t !== token)].slice(0, MAX_REVOCATIONS);
  storage.setItem(KEYS.revoke, JSON.stringify(list));
}

export function tokenRevoked(token: string) {
  const list = leftTokens().filter((t) => t !== token);
  if (list.length) storage.setItem(KEYS.revoke, JSON.stringify(list));
  else storage.removeItem(KEYS.revoke);
}

/** The API said the token is no longer good: not logged in any more, but the student's things stay theirs. */
export function loginExpired() {
  storage.removeItem(KEYS.token);
  clearOutbox();
  announce();
}
