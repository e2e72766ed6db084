import type { NextRequest } from 'next/server';
import { clientAddressOf, proxySettings, readLimitedBody } from '../../../lib/proxy';

/**
 * The same-origin door to the API: the browser talks to /api on this app, and this handler
 * forwards to BRAINBYTES_API_URL (read at run time, so one build serves every environment).
 * Bodies are read up to WEB_API_MAX_BODY_BYTES and no further; the student's address is passed on
 * in a header the API believes only with the secret both share (API_PROXY_SECRET).
 */
export const dynamic = 'force-dynamic';

// Read once per process, when the first request arrives (at run time, not at build time).
let settings: ReturnType<typeof proxySettings> | undefined;
const FORWARDED = [
  'authorization',
  'content-type',
  'idempotency-key',
  'user-agent',
  'accept',
  'accept-language',
  'save-data',
];
const RETURNED = ['content-type', 'retry-after', 'cache-control'];

async function forward(request: NextRequest): Promise<Response> {
  settings ??= proxySettings();
  const { apiUrl, secret, trustProxyHops, maxBodyBytes } = settings;
  const url = `${apiUrl}${request.nextUrl.pathname}${request.nextUrl.search}`;
  const headers = new Headers();
  for (const name of FORWARDED) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const forwardedFor = request.headers.get('x-forwarded-for');
  if (forwardedFor) headers.set('x-forwarded-for', forwardedFor);
  if (secret) {
    headers.set('x-brainbytes-proxy-secret', secret);
    headers.set('x-brainbytes-client-address', clientAddressOf(forwardedFor, trustProxyHops));
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  const body = hasBody ? await readLimitedBody(request, maxBodyBytes) : undefined;
  if (body instanceof Response) return body;
  try {
    const res = await fetch(url, {
      method: request.method,
      headers,
      ...(body ? { body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(60_000),
    });
    const out = new Headers();
    for (const name of RETURNED) {
      const value = res.headers.get(name);
      if (value) out.set(name, value);
    }
    return new Response(res.status === 204 ? null : res.body, { status: res.status, headers: out });
  } catch {
    return Response.json({ error: 'the API cannot be reached; try again in a moment' }, { status: 502 });
  }
}

export { forward as GET, forward as POST, forward as PUT, forward as DELETE };
