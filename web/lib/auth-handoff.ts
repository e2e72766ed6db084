import { signIn } from './account';

/** The cookie a form posted without JavaScript hands the token over in (app/auth/[mode]/route.ts). */
export const HANDOFF_COOKIE = 'bb.handoff';
export const HANDOFF_SECONDS = 60;
export const AUTH_FAILURES = ['credentials', 'taken', 'limited', 'invalid', 'unavailable'] as const;
export type AuthFailure = (typeof AUTH_FAILURES)[number];

/** Why the API refused a log-in or sign-up, by its status. */
export const authFailureOf = (status: number): AuthFailure =>
  status === 401
    ? 'credentials'
    : status === 409
      ? 'taken'
      : status === 429
        ? 'limited'
        : status === 400
          ? 'invalid'
          : 'unavailable';

/** The cookie's value: the student's id and their token (the id keeps their own things theirs). */
export const handoffValue = (student: string, token: string) => encodeURIComponent(`${student} ${token}`);

/** Moves a handed-over token into the page's storage and deletes the cookie (called once the page runs). */
export function takeHandoff(): boolean {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${HANDOFF_COOKIE}=`));
  if (!match) return false;
  const value = decodeURIComponent(match.slice(HANDOFF_COOKIE.length + 1));
  const space = value.indexOf(' ');
  if (space > 0) signIn(value.slice(space + 1), value.slice(0, space));
  // biome-ignore lint/suspicious/noDocumentCookie: Cookie Store is missing from the browsers students have (Firefox, older WebViews)
  document.cookie = `${HANDOFF_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict`;
  return true;
}
