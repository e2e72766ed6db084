import { BUILD_STAMP } from '../../lib/build-settings';

/**
 * This build's stamp, as plain text: the service worker serves the pages it keeps without
 * downloading them again, and asks this (a few hundred bytes) to learn when a new build is out
 * (worker/sw.js). Rendered at build time.
 */
export const dynamic = 'force-static';

export function GET() {
  return new Response(BUILD_STAMP, {
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' },
  });
}
