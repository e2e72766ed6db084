import type { NextRequest } from 'next/server';
import {
  type AuthFailure,
  authFailureOf,
  HANDOFF_COOKIE,
  HANDOFF_SECONDS,
  handoffValue,
} from '../../../lib/auth-handoff';
import { clientAddressOf, proxySettings, readLimitedBody } from '../../../lib/proxy';

/**
 * Log-in and sign-up for a form posted before the page's JavaScript ran (a tap on slow data, or
 * no JavaScript at all): the form posts here — never a GET, so no password in a URL — this logs
 * in through the API and answers 303 to /ask with the token in a one-minute cookie the page moves
 * into its storage; a refusal goes back to the form with a reason code, never the input.
 */
export const dynamic = 'force-dynamic';

const ENDPOINT = { login: '/api/auth/login', signup: '/api/auth/register' } as const;

export async function POST(request: NextRequest, { params }: { params: Promise<{ mode: string }> }) {
  const { mode } = await params;
  if (mode !== 'login' && mode !== 'signup') return new Response('no such form', { status: 404 });
  // Only this app's own pages may post here: a form on another site would log the student in as
  // someone else (login CSRF). Browsers send Origin with every form POST.
  const origin = request.headers.get('origin');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (!origin || origin === 'null' || new URL(origin).host !== host)
    return new Response('forms are accepted from this site’s own pages only', { status: 403 });
  const back = (reason: AuthFailure) =>
    new Response(null, { status: 303, headers: { Location: `/${mode}?error=${reason}` } });
  const { apiUrl, secret, trustProxyHops, maxBodyBytes } = proxySettings();
  // Read to WEB_API_MAX_BODY_BYTES and no further (413 past it), as the /api proxy does.
  const raw = await readLimitedBody(request, maxBodyBytes);
  if (raw instanceof Response) return raw;
  const form = new URLSearchParams(new TextDecoder().decode(raw));
  const field = (name: string) => form.get(name) ?? undefined;
  const body = {
    email: field('email'),
    password: field('password'),
    ...(mode === 'signup' ? { name: field('name') } : {}),
  };
  if (!body.email || !body.password) return back('invalid');
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (secret) {
    headers['x-brainbytes-proxy-secret'] = secret;
    headers['x-brainbytes-client-address'] = clientAddressOf(
      request.headers.get('x-forwarded-for'),
      trustProxyHops,
    );
  }
  const res = await fetch(`${apiUrl}${ENDPOINT[mode]}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  }).catch(() => undefined);
  if (!res?.ok) return back(authFailureOf(res?.status ?? 0));
  const { token, student } = (await res.json()) as { token: string; student: { id: string } };
  const secure =
    request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  return new Response(null, {
    status: 303,
    headers: {
      Location: '/ask',
      'Set-Cookie': `${HANDOFF_COOKIE}=${handoffValue(student.id, token)}; Path=/; Max-Age=${HANDOFF_SECONDS}; SameSite=Strict${secure ? '; Secure' : ''}`,
      'Cache-Control': 'no-store',
    },
  });
}
