import type { NextConfig } from 'next';
import { offlineSessions } from './lib/build-settings';

// A bad build-time setting stops the build here, with its name (lib/build-settings.ts).
offlineSessions(process.env.NEXT_PUBLIC_OFFLINE_SESSIONS);

// No third-party origins: scripts, styles and data all come from this app (and its /api proxy).
// Next's App Router inlines its bootstrap scripts, so script-src needs 'unsafe-inline' unless
// every page is rendered per request with a nonce; static pages are worth more on slow links.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const config: NextConfig = {
  poweredByHeader: false,
  // Compressed by the app's own server instead (server/main.ts): brotli, which Next's has not.
  compress: false,
  // Names this build's service worker (/sw.js?v=…): a deploy installs a new one (worker/sw.js).
  env: { NEXT_PUBLIC_BUILD_STAMP: Date.now().toString(36) },
  reactStrictMode: true,
  // `npm run typecheck` checks web/ with the rest of the repo.
  typescript: { ignoreBuildErrors: true },
  // The stylesheet (≈2 kB) in the page itself: a separate file blocks the first paint for one more
  // round trip, 2 s on a slow link (bench: first paint 4.3 s against 2.2 s for a bare page).
  experimental: { inlineCss: true },
  async headers() {
    return [
      // /api answers JSON to this app's own scripts: only what JSON needs (≈800 B less per call).
      { source: '/api/:path*', headers: [{ key: 'X-Content-Type-Options', value: 'nosniff' }] },
      // Scripts the same: a page's policies do nothing on a script (≈600 B per file, 9 files on a
      // first visit, each fetched again by the service worker).
      { source: '/_next/static/:path*', headers: [{ key: 'X-Content-Type-Options', value: 'nosniff' }] },
      {
        // Pages: kept by the browser but asked again each time (Next's default for a page rendered
        // per request also says no-store, which bars it from the back/forward cache: Back to a page
        // would download it again). A page's HTML holds nothing of a student's (it is the same for
        // everyone in one language; what is theirs loads after), so no-store protects nothing. A
        // page shown with a one-off message (/login?error=…, the email typed) keeps Next's no-store.
        source: '/:page(|ask|sessions|subjects|login|signup)',
        missing: [
          { type: 'query', key: 'error' },
          { type: 'query', key: 'step' },
        ],
        headers: [{ key: 'Cache-Control', value: 'private, no-cache' }],
      },
      {
        // The worker: one script per build (/sw.js?v=<build>), so a day in the browser's cache (the
        // longest browsers keep a worker's script) spares the update check after every navigation.
        // Its own policy: what the worker itself may fetch (this app only).
        source: '/sw.js',
        headers: [
          { key: 'Cache-Control', value: 'public, max-age=86400' },
          { key: 'Content-Security-Policy', value: "default-src 'self'" },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
        ],
      },
      {
        // Every page and the manifest (not /api, the scripts, the worker, or the build stamp the
        // service worker asks for).
        source: '/((?!api/|_next/static/|build-stamp$|sw\\.js$).*)',
        headers: [
          { key: 'Content-Security-Policy', value: CSP },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
          { key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' },
        ],
      },
    ];
  },
};

export default config;
