import { randomBytes } from 'node:crypto';
import type { NextRequest } from 'next/server';
import {
  type AuthFailure,
  authFailureOf,
  DEVICE_COOKIE,
  DEVICE_COOKIE_SECONDS,
  HANDOFF_COOKIE,
  HANDOFF_PARAM,
  HANDOFF_SECONDS,
  handoffValue,
  SIGNUP_COOKIE,
  TYPED_EMAIL_COOKIE,
  TYPED_EMAIL_SECONDS,
} from '../../../lib/auth-handoff';
import { clientAddressOf, proxySettings, readLimitedBody } from '../../../lib/proxy';

/**
 * Log-in and sign-up for a form posted before the page's JavaScript ran (a tap on slow data, or
 * no JavaScript at all): the form posts here — never a GET, so no password in a URL — this logs
 * in through the API and answers 303 to /ask#handoff=<nonce> with the token in a one-minute cookie
 * the page moves into its storage when the nonce matches; a refusal goes back to the form with a reason code, never the input.
 */
export const dynamic = 'force-dynamic';

const ENDPOINT = {
  login: '/api/auth/login',
  signup: '/api/auth/register',
  verify: '/api/auth/verify',
} as const;
const SIGNUP_COOKIE_SECONDS = 30 * 60;

export async function POST(request: NextRequest, { params }: { params: Promise<{ mode: string }> }) {
  const { mode } = await params;
  if (mode !== 'login' && mode !== 'signup' && mode !== 'verify')
    return new Response('no such form', { status: 404 });
  // Only this app's own pages may post here: a form on another site would log the student in as
  // someone else (login CSRF). Browsers send Origin with every form POST.
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (!host || originHost(request.headers.get('origin')) !== host)
    return new Response('forms are accepted from this site’s own pages only', { status: 403 });
  const secure =
    request.nextUrl.protocol === 'https:' || request.headers.get('x-forwarded-proto') === 'https';
  const flags = `SameSite=Strict${secure ? '; Secure' : ''}`;
  // Back to the form with the reason; the email typed goes back too (a cookie for that form's page
  // and one minute, never the address), so the student fixes the password instead of retyping it all.
  const back = (reason: AuthFailure, email?: string) =>
    new Response(null, {
      status: 303,
      headers: {
        Location: mode === 'verify' ? `/signup?step=code&error=${reason}` : `/${mode}?error=${reason}`,
        ...(email && mode !== 'verify'
          ? {
              'Set-Cookie': `${TYPED_EMAIL_COOKIE}=${encodeURIComponent(email.slice(0, 254))}; Path=/${mode}; Max-Age=${TYPED_EMAIL_SECONDS}; HttpOnly; ${flags}`,
            }
          : {}),
      },
    });
  const { apiUrl, secret, trustProxyHops, maxBodyBytes } = proxySettings();
  // Read to WEB_API_MAX_BODY_BYTES and no further (413 past it), as the /api proxy does.
  const raw = await readLimitedBody(request, maxBodyBytes);
  if (raw instanceof Response) return raw;
  const form = new URLSearchParams(new TextDecoder().decode(raw));
  const field = (name: string) => form.get(name) ?? undefined;
  // The device token an earlier log-in from this browser left (an HttpOnly cookie only this route sees).
  const device = request.cookies.get(DEVICE_COOKIE)?.value;
  // The sign-up code form carries no email: the sign-up left it in an HttpOnly cookie.
  const waiting = request.cookies.get(SIGNUP_COOKIE)?.value;
  const body = {
    email: mode === 'verify' ? decoded(waiting) : field('email'),
    password: field('password'),
    ...(mode === 'signup'
      ? { name: field('name') }
      : mode === 'verify'
        ? { code: field('code') }
        : device
          ? { devices: [device] }
          : {}),
  };
  if (!body.email || !body.password) return back('invalid', body.email);
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
  if (!res?.ok) return back(authFailureOf(res?.status ?? 0, mode === 'verify'), body.email);
  if (res.status === 202) {
    // Sign-up by email code: the same answer for a new and a taken email; the code form is next.
    return new Response(null, {
      status: 303,
      headers: {
        Location: '/signup?step=code',
        'Set-Cookie': `${SIGNUP_COOKIE}=${encodeURIComponent(body.email)}; Path=/auth; Max-Age=${SIGNUP_COOKIE_SECONDS}; HttpOnly; ${flags}`,
        'Cache-Control': 'no-store',
      },
    });
  }
  const signed = (await res.json()) as { token: string; student: { id: string }; device?: string };
  // The token goes to the page this browser lands on, and only that page: the nonce in its
  // address (a fragment, never sent to a server) must match the cookie's. Someone opening the
  // site next on a shared phone has no nonce, and the cookie is deleted unused.
  const nonce = randomBytes(18).toString('base64url');
  const answer = new Headers({ Location: `/ask#${HANDOFF_PARAM}=${nonce}`, 'Cache-Control': 'no-store' });
  answer.append(
    'Set-Cookie',
    `${HANDOFF_COOKIE}=${handoffValue(nonce, signed.student.id, signed.token, signed.device)}; Path=/; Max-Age=${HANDOFF_SECONDS}; ${flags}`,
  );
  if (mode === 'verify')
    answer.append('Set-Cookie', `${SIGNUP_COOKIE}=; Path=/auth; Max-Age=0; HttpOnly; ${flags}`);
  if (signed.device)
    answer.append(
      'Set-Cookie',
      `${DEVICE_COOKIE}=${signed.device}; Path=/auth; Max-Age=${DEVICE_COOKIE_SECONDS}; HttpOnly; ${flags}`,
    );
  return new Response(null, { status: 303, headers: answer });
}

/** A cookie's percent-encoded value, or undefined when it is missing or not valid encoding (never a 500). */
function decoded(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
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
