import { randomBytes } from 'node:crypto';
import type { NextRequest } from 'next/server';
import {
  type AuthFailure,
  authFailureOf,
  DEVICE_COOKIE,
  DEVICE_COOKIE_SECONDS,
  decodedCookie,
  FORM_COOKIE,
  FORM_COOKIE_SECONDS,
  FORM_PATH,
  HANDOFF_COOKIE,
  HANDOFF_PARAM,
  HANDOFF_SECONDS,
  handoffValue,
  SIGNUP_COOKIE,
  TYPED_EMAIL_COOKIE,
  TYPED_EMAIL_SECONDS,
} from '../../../lib/auth-handoff';
import { callApi, cookieFlags, readForm, refuseOtherSites } from '../../../lib/form-posts';

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
  // someone else (login CSRF).
  const foreign = refuseOtherSites(request);
  if (foreign) return foreign;
  const flags = cookieFlags(request);
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
  const form = await readForm(request);
  if (form instanceof Response) return form;
  const field = (name: string) => form.get(name) ?? undefined;
  // The device token an earlier log-in from this browser left (an HttpOnly cookie only this route sees).
  const device = request.cookies.get(DEVICE_COOKIE)?.value;
  // The sign-up code form carries no email: the sign-up left it in an HttpOnly cookie.
  const waiting = request.cookies.get(SIGNUP_COOKIE)?.value;
  const body = {
    email: mode === 'verify' ? decodedCookie(waiting) : field('email'),
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
  const res = await callApi(request, ENDPOINT[mode], { body });
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
  // Without JavaScript the hand-over is never taken: /ask offers asking by form, with this.
  answer.append(
    'Set-Cookie',
    `${FORM_COOKIE}=${encodeURIComponent(`${signed.student.id} ${signed.token}`)}; Path=${FORM_PATH}; Max-Age=${FORM_COOKIE_SECONDS}; HttpOnly; ${flags}`,
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
