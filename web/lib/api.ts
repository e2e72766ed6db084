import { loginExpired } from './account';
import { dataSaver } from './data-saver';
import type { Messages } from './i18n';
import { KEYS, storage } from './storage';

/** Why a call did not get an answer: the page can tell the student and the RUM reporter can count it. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    /** `offline`, `timeout`, `failed` (network or 5xx/429): worth retrying; `refused`: a 4xx answer. */
    readonly kind: 'offline' | 'timeout' | 'failed' | 'refused',
    /** From a 429: how long the API asked us to wait before trying again. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
  get rateLimited() {
    return this.status === 429;
  }
  get retryable() {
    return this.kind !== 'refused';
  }
}

type Listener = (error: ApiError) => void;
const listeners = new Set<Listener>();
/** Called for every failed call (the RUM reporter counts them). */
export const onApiFailure = (listener: Listener) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

export interface CallOptions {
  method?: string;
  body?: unknown;
  idempotencyKey?: string;
  timeoutMs?: number;
  /** The token to send instead of the one in storage: a drain keeps the student it started with. */
  token?: string | null;
}

/** Same-origin calls to the API (the app proxies /api to it), with the student's token. */
export async function api<T>(
  path: string,
  { method = 'GET', body, idempotencyKey, timeoutMs = 20_000, ...options }: CallOptions = {},
) {
  const token = options.token !== undefined ? options.token : storage.getItem(KEYS.token);
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
        // The standard client hint: the API asks the tutor for a shorter answer.
        ...(dataSaver() ? { 'Save-Data': 'on' } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
      // The API needs no Referer: ≈40 B fewer on every call, on a prepaid plan.
      referrerPolicy: 'no-referrer',
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    const kind = timedOut ? 'timeout' : globalThis.navigator?.onLine === false ? 'offline' : 'failed';
    throw report(new ApiError(timedOut ? 'the request timed out' : 'no connection', 0, kind));
  }
  const data = res.status === 204 ? undefined : await res.json().catch(() => undefined);
  if (res.ok) return data as T;
  const answer = data as { error?: string; retryAfterSeconds?: number } | undefined;
  const message = answer?.error ?? `HTTP ${res.status}`;
  // The login ended on the server (expired, or logged out elsewhere): say so everywhere at once.
  if (res.status === 401 && token && token === storage.getItem(KEYS.token)) loginExpired();
  const retryAfter = Number(res.headers.get('retry-after') ?? answer?.retryAfterSeconds) || undefined;
  throw report(
    new ApiError(
      message,
      res.status,
      res.status >= 500 || res.status === 429 ? 'failed' : 'refused',
      retryAfter,
    ),
  );
}

function report(error: ApiError) {
  for (const listener of listeners) listener(error);
  return error;
}

/** What to tell the student, in their language: never the API's English words. */
export function errorText(error: unknown, t: Messages): string {
  if (!(error instanceof ApiError)) return t.problem.unknown;
  if (error.rateLimited) return t.rateLimited(Math.max(1, Math.ceil((error.retryAfterSeconds ?? 60) / 60)));
  if (error.kind === 'offline' || (error.kind === 'failed' && error.status === 0)) return t.problem.offline;
  if (error.kind === 'timeout') return t.problem.timeout;
  if (error.status === 401) return t.problem.loggedOut;
  if (error.status >= 500) return t.problem.unavailable;
  return t.problem.unknown;
}
