import { KEYS, storage } from './storage';

/** The cookie a form posted without JavaScript hands the token over in (app/auth/[mode]/route.ts). */
export const HANDOFF_COOKIE = 'bb.handoff';
export const HANDOFF_SECONDS = 60;
export const AUTH_FAILURES = ['credentials', 'taken', 'limited', 'invalid', 'unavailable'] as const;
export type AuthFailure = (typeof AUTH_FAILURES)[number];

/** Moves a handed-over token into the page's storage and deletes the cookie (called once the page runs). */
export function takeHandoff(): boolean {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${HANDOFF_COOKIE}=`));
  if (!match) return false;
  storage.setItem(KEYS.token, decodeURIComponent(match.slice(HANDOFF_COOKIE.length + 1)));
  // biome-ignore lint/suspicious/noDocumentCookie: Cookie Store is missing from the browsers students have (Firefox, older WebViews)
  document.cookie = `${HANDOFF_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict`;
  return true;
}
