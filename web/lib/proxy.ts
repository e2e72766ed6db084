import { isIP } from 'node:net';

/** The API takes at most 16 KiB of JSON on any route (RUM batches too: functions/src/api/app.ts). */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;

function setting(name: string, fallback: number, min: number): number {
  const text = process.env[name]?.trim();
  const value = Number(text || fallback);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name}="${text}" must be a whole number ≥ ${min}`);
  return value;
}

/**
 * The student's address from X-Forwarded-For: the entry the last WEB_TRUST_PROXY_HOPS proxies
 * appended (Heroku's router: 1, the default). Next.js fills the header with the socket's address
 * when no proxy set it, so without a proxy the last entry is the peer itself.
 */
export function clientAddressOf(forwardedFor: string | null): string {
  const hops = setting('WEB_TRUST_PROXY_HOPS', 1, 1);
  const entries = (forwardedFor ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const entry = entries[Math.max(0, entries.length - hops)] ?? '';
  return isIP(entry) ? entry : 'unknown';
}

/**
 * The request body, read to at most WEB_API_MAX_BODY_BYTES: a larger one is answered 413 before
 * more is read, so no upload can make this process hold more than the limit.
 */
export async function readLimitedBody(request: Request): Promise<Uint8Array<ArrayBuffer> | Response> {
  const limit = setting('WEB_API_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1024);
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
