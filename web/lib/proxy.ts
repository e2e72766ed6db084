import { isIP } from 'node:net';

/** The API takes at most 16 KiB of JSON on any route (RUM batches too: functions/src/api/app.ts). */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

export interface ProxySettings {
  /** BRAINBYTES_API_URL, read at run time so one build serves every environment. */
  apiUrl: string;
  /** API_PROXY_SECRET: sent with the student's address; the API believes the address only with it. */
  secret: string | undefined;
  /**
   * WEB_TRUST_PROXY_HOPS: proxies in front that append to X-Forwarded-For: Heroku's router (1, the
   * default on a dyno) or none (0, the default elsewhere: the header is the client's word and is
   * ignored; the API then counts every student by the web app's own address).
   */
  trustProxyHops: number;
  /** WEB_API_MAX_BODY_BYTES: the most of a request body read before answering 413. */
  maxBodyBytes: number;
}

function wholeNumber(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
) {
  const text = env[name]?.trim();
  const value = Number(text || fallback);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(
      `${name}="${text}" must be a whole number ${max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `≥ ${min}`}`,
    );
  return value;
}

/** The proxy's settings, in one place, checked: a bad value names its variable. */
export function proxySettings(env: Record<string, string | undefined> = process.env): ProxySettings {
  const secret = env.API_PROXY_SECRET?.trim() || undefined;
  if (secret && secret.length < 32)
    throw new Error('API_PROXY_SECRET must be at least 32 characters (the same as the API)');
  return {
    apiUrl: (env.BRAINBYTES_API_URL?.trim() || 'http://127.0.0.1:3000').replace(/\/$/, ''),
    secret,
    trustProxyHops: wholeNumber(env, 'WEB_TRUST_PROXY_HOPS', env.DYNO ? 1 : 0, 0, 1),
    maxBodyBytes: wholeNumber(env, 'WEB_API_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1024),
  };
}

/**
 * The student's address from X-Forwarded-For: the entry the last `hops` proxies appended.
 * Next.js fills the header with the socket's address when no proxy set it, so without a proxy the
 * last entry is the peer itself.
 */
export function clientAddressOf(forwardedFor: string | null, hops: number): string {
  if (hops === 0) return 'unknown';
  const entries = (forwardedFor ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const entry = entries[Math.max(0, entries.length - hops)] ?? '';
  return isIP(entry) ? entry : 'unknown';
}

/**
 * The request body, read to at most `limit` bytes: a larger one is answered 413 before more is
 * read, so no upload can make this process hold more than the limit.
 */
export async function readLimitedBody(
  request: Request,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | Response> {
  const tooLarge = () =>
    Response.json(
      { error: `request body is larger than ${limit} bytes (WEB_API_MAX_BODY_BYTES)`, code: 'too_large' },
      { status: 413 },
    );
  if (Number(request.headers.get('content-length') ?? 0) > limit) {
    void request.body?.cancel().catch(() => undefined);
    return tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  if (!reader) return new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => undefined);
      return tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
