import { keepDeviceToken, signIn } from './account';

/** The cookie a form posted without JavaScript hands the token over in (app/auth/[mode]/route.ts). */
export const HANDOFF_COOKIE = 'bb.handoff';
export const HANDOFF_SECONDS = 60;
/** The fragment parameter of the page the form lands on: the nonce the cookie must carry. */
export const HANDOFF_PARAM = 'handoff';
/** The device token of the last log-in through the form (HttpOnly, sent only to /auth). */
export const DEVICE_COOKIE = 'bb.device';
export const DEVICE_COOKIE_SECONDS = 90 * 86_400;
/**
 * Asking without JavaScript (app/ask/form): the student's id and token, HttpOnly and sent only to
 * /ask/form, for as long as a study evening. A logout revokes the token at the API, which ends it
 * too, even when the logout happened with JavaScript on (that page cannot touch an HttpOnly cookie).
 */
export const FORM_COOKIE = 'bb.form';
export const FORM_PATH = '/ask/form';
export const FORM_COOKIE_SECONDS = 12 * 3600;
/**
 * A question the form could not send (refused, or the API out of reach), back in the box for a
 * minute (HttpOnly, /ask/form only, never in an address); one too long for a cookie is not kept.
 */
export const TYPED_QUESTION_COOKIE = 'bb.form-typed';
export const TYPED_QUESTION_MAX = 3800;

/** The email a sign-up by code is waiting on, for the no-JavaScript code form (HttpOnly, sent only to /auth). */
export const SIGNUP_COOKIE = 'bb.signup';
export const AUTH_FAILURES = ['credentials', 'taken', 'limited', 'invalid', 'unavailable', 'code'] as const;
export type AuthFailure = (typeof AUTH_FAILURES)[number];

/** Why the API refused a log-in, sign-up or sign-up code, by its status. */
export const authFailureOf = (status: number, verifying = false): AuthFailure =>
  status === 401
    ? verifying
      ? 'code'
      : 'credentials'
    : status === 409
      ? 'taken'
      : status === 429
        ? 'limited'
        : status === 400
          ? 'invalid'
          : 'unavailable';

/** The cookie's value: the nonce of the page it is for, the student's id, their token and device token. */
export const handoffValue = (nonce: string, student: string, token: string, device = '') =>
  encodeURIComponent([nonce, student, token, device].join(' ').trimEnd());

/**
 * Moves a handed-over token into the page's storage when this page is the one the form sent this
 * browser to (its address carries the cookie's nonce), and deletes the cookie either way: it is
 * used once, by the browser that posted the form, or never.
 */
export function takeHandoff(): boolean {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${HANDOFF_COOKIE}=`));
  const nonce = new URLSearchParams(location.hash.slice(1)).get(HANDOFF_PARAM);
  if (!match) return false;
  // biome-ignore lint/suspicious/noDocumentCookie: Cookie Store is missing from the browsers students have (Firefox, older WebViews)
  document.cookie = `${HANDOFF_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict`;
  const [given, student, token, device] = decodeURIComponent(match.slice(HANDOFF_COOKIE.length + 1)).split(
    ' ',
  );
  if (!nonce || given !== nonce || !student || !token) return false;
  keepDeviceToken(device);
  signIn(token, student);
  return true;
}

/** Takes the used nonce out of the address bar and history (called once the router has hydrated). */
export function forgetHandoffNonce() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (!params.has(HANDOFF_PARAM)) return;
  params.delete(HANDOFF_PARAM);
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
}

/** The email a posted form was refused with, for the form to show again (HttpOnly, that form's path, a minute). */
export const TYPED_EMAIL_COOKIE = 'bb.typed-email';
export const TYPED_EMAIL_SECONDS = 60;

/** The email to show again in a refused form, from the cookie the form route set; undefined if none or garbled. */
/** A cookie's percent-encoded text, or undefined when it is missing or not valid encoding (never a 500). */
export function decodedCookie(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

export function typedEmail(value: string | undefined): string | undefined {
  const email = decodedCookie(value);
  return email && email.length <= 254 && email.includes('@') ? email : undefined;
}
