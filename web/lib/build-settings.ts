/**
 * The app's settings fixed at build time (`next build` writes NEXT_PUBLIC_* into the pages' scripts),
 * read here and nowhere else. next.config.ts reads them too, so a bad value fails the build with its
 * name, never a student's page.
 */

/** The most past sessions a phone keeps to read offline (lib/learning.ts bounds them in bytes too). */
export const MAX_KEPT_SESSIONS = 20;

/** Names this build: its service worker (/sw.js?v=…), /build-stamp, and `<meta name="bb-build">`. */
export const BUILD_STAMP = process.env.NEXT_PUBLIC_BUILD_STAMP ?? 'dev';

/** NEXT_PUBLIC_OFFLINE_SESSIONS: how many of the newest sessions are kept to read offline once the list was seen online. */
export function offlineSessions(text: string | undefined): number {
  const value = Number(text?.trim() || 5);
  if (!Number.isInteger(value) || value < 0 || value > MAX_KEPT_SESSIONS)
    throw new Error(
      `NEXT_PUBLIC_OFFLINE_SESSIONS="${text}" must be a whole number from 0 to ${MAX_KEPT_SESSIONS} (the sessions a phone keeps)`,
    );
  return value;
}

export const OFFLINE_SESSIONS = offlineSessions(process.env.NEXT_PUBLIC_OFFLINE_SESSIONS);
