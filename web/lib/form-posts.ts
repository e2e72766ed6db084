import type { NextRequest } from 'next/server';
import { clientAddressOf, proxySettings, readLimitedBody } from './proxy';

/**
 * What every form posted to this app's own routes needs (log-in and sign-up in `app/auth`, asking
 * without JavaScript in `app/ask/form`): only this site's pages may post, cookies as strict as the
 * connection allows, a body read to a limit, and the API called as the /api proxy calls it.
 */

/** 403 unless the form came from one of this site's own pages (browsers send Origin with every form POST). */
export function refuseOtherSites(request: NextRequest): Response | undefined {
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (!host || originHost(request.headers.get('origin')) !== host)
    return new Response('forms are accepted from this site’s own pages only', { status: 403 });
  return undefined;
}

/** The attributes every cookie a form sets carries: strict same-site, and Secure over HTTPS. */
export function cookieFlags(request: NextRequest): string {
  const secure =
    request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  return `SameSite=Strict${secure ? '; Secure' : ''}`;
}

/** The form's fields, read to WEB_API_MAX_BODY_BYTES and no further (413 past it), as the /api proxy does. */
export async function readForm(request: NextRequest): Promise<URLSearchParams | Response> {
  const raw = await readLimitedBody(request, proxySettings().maxBodyBytes);
  if (raw instanceof Response) return raw;
  return new URLSearchParams(new TextDecoder().decode(raw));
}

/**
 * A call to the API on the student's behalf, with their address (when a proxy in front vouches for
 * it) and their data-saver wish; undefined when the API cannot be reached in 15 s.
 */
export async function callApi(
  request: NextRequest,
  path: string,
  {
    body,
    token,
    idempotencyKey,
    method = 'POST',
  }: { body?: unknown; token?: string; idempotencyKey?: string; method?: string } = {},
): Promise<Response | undefined> {
  const { apiUrl, secret, trustProxyHops } = proxySettings();
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  if (request.headers.get('save-data') === 'on') headers['Save-Data'] = 'on';
  if (secret) {
    headers['x-brainbytes-proxy-secret'] = secret;
    headers['x-brainbytes-client-address'] = clientAddressOf(
      request.headers.get('x-forwarded-for'),
      trustProxyHops,
    );
  }
  return fetch(`${apiUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  }).catch(() => undefined);
}

/** The host of an Origin header, or undefined when it is missing, "null" or not a URL. */
function originHost(origin: string | null): string | undefined {
  if (!origin || origin === 'null') return undefined;
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
