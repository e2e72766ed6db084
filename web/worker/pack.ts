/**
 * The offline pack: the study pages a new service worker keeps, with the scripts they run, in one
 * response (`GET /offline-pack?page=/sessions&page=/subjects&have=chunks/….js`), written by the web
 * server (server/offline-pack.ts) and read by the worker (worker/sw.js).
 *
 * Why one response: the pages are ≈20 kB each and 90 % the same (the layout, the stylesheet, Next's
 * data), so compressed together the second costs ≈0.5 kB where alone it costs 3.7 kB, and the
 * scripts come without a response's headers each. The format is MIME's multipart/mixed (RFC 2046):
 * each part is one response, its URL path in `Content-Location`, its own headers, then its body.
 */

/** The pages a student studies with, kept for offline at install (the worker's shell). */
export const STUDY_PAGES = ['/ask', '/sessions', '/subjects'];

/** Where the server answers the pack. */
export const PACK_PATH = '/offline-pack';

/** At most this many kept scripts are named in `have` (the server refuses more with a 400). */
export const PACK_HAVE_MAX = 64;

/** Where a build's scripts and stylesheets are served from; `have` names them without it. */
export const STATIC_PREFIX = '/_next/static/';

/**
 * Every /_next/static file a page loads (scripts and the stylesheet); not the `nomodule` fallback
 * for browsers without modules (≈40 kB no browser that runs the worker ever executes). Each once:
 * a page names some twice (a script tag and its own data).
 */
export function assetsOf(html: string): string[] {
  const assets = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="(\/_next\/static\/[^"]+)"[^>]*>/g)]
    .filter((m) => !/\bnomodule\b/i.test(m[0]))
    .map((m) => m[1] as string);
  return [...new Set(assets)];
}

export interface PackPart {
  /** Header names in lower case. */
  headers: [string, string][];
  body: string;
}

/**
 * The parts of a pack by their `Content-Location`. Throws on anything that is not a whole pack (not
 * multipart/mixed, no boundary, a part without its headers, or no closing delimiter: a pack cut
 * short keeps nothing, rather than half a page).
 */
export function parsePack(contentType: string, text: string): Map<string, PackPart> {
  const boundary = /^multipart\/mixed\s*;.*\bboundary="?([^";\s]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new Error(`not a pack: Content-Type ${JSON.stringify(contentType)}`);
  const sections = `\r\n${text}`.split(`\r\n--${boundary}`);
  const last = sections.at(-1) ?? '';
  if (sections.length < 2 || !last.startsWith('--')) throw new Error('the pack was cut short');
  const parts = new Map<string, PackPart>();
  for (const section of sections.slice(1, -1)) {
    const end = section.indexOf('\r\n\r\n');
    if (!section.startsWith('\r\n') || end < 0) throw new Error('a part of the pack has no headers');
    const headers = section
      .slice(2, end)
      .split('\r\n')
      .filter(Boolean)
      .map((line): [string, string] => {
        const colon = line.indexOf(':');
        if (colon < 1) throw new Error(`a part of the pack has a bad header line: ${JSON.stringify(line)}`);
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      });
    const location = headers.find(([name]) => name === 'content-location')?.[1];
    if (!location) throw new Error('a part of the pack has no Content-Location');
    parts.set(location, { headers, body: section.slice(end + 4) });
  }
  return parts;
}
