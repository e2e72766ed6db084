/*
 * BrainBytes' service worker: the app opens without a connection.
 *
 * - Pages (navigations): a kept copy (one per page and language) while this build is the one
 *   deployed (/build-stamp, asked at most once a minute); otherwise from the network, kept as they
 *   arrive; offline, or after NAV_TIMEOUT_MS on a link that has stalled, the kept copy. A page
 *   never visited falls back to the kept /ask.
 * - /_next/static/*: file names carry a content hash, so a kept copy is always right (cache first).
 * - /api/*: never touched; the app keeps questions and past answers itself, per student.
 * - Background Sync (`bb-questions`): questions the page could not send are in the `bb-outbox`
 *   cache (lib/background-send.ts); when the browser says the connection is back, even with the
 *   app closed, they are sent with their own Idempotency-Keys, so the API answers each once.
 *
 * With data saver on (`&saver=1`, or the browser's Save-Data), nothing is fetched ahead: only the
 * pages and scripts the student opens are kept.
 *
 * Registered as /sw.js?v=<build>: each deploy installs a new worker, which keeps the pages and the
 * scripts they use (≈160 kB) before it takes over. It waits until every page of the old version
 * is closed (no skipWaiting), so an open page never loses the scripts it was built with; then it
 * deletes what only the old version used.
 */
import { assetsOf, PACK_HAVE_MAX, PACK_PATH, parsePack, STATIC_PREFIX, STUDY_PAGES } from './pack';

const VERSION = new URL(self.location.href).searchParams.get('v') || 'dev';
const PAGES = `bb-pages-${VERSION}`;
const STATIC = 'bb-static';
/**
 * Kept at install: the pages a student studies with, those open at install from the browser's
 * cache, the others in one pack. A page open at install that is not one of these (often /login, on
 * a first visit) is kept too, from the browser's cache only. A page not kept opens offline as the
 * kept /ask: after a logout with no signal, its visitor's view, with the way to log in once the
 * signal is back (/login ahead would cost every first visit 6.7 kB).
 */
const SHELL = STUDY_PAGES;
const NAV_TIMEOUT_MS = 6000;
/** How often a repeat visit asks whether a new build is out, and how long it waits for the answer. */
const STAMP_CHECK_MS = 60_000;
const STAMP_TIMEOUT_MS = 1500;
/** Data saver (the app's setting, or the browser's): keep pages as they are visited, fetch none ahead. */
const SAVER =
  new URL(self.location.href).searchParams.get('saver') === '1' ||
  self.navigator.connection?.saveData === true;

/**
 * The key a page is kept under: its path, and the language the app renders it in (the `bb.lang`
 * cookie) when the worker can read it. A page of one build in one language is the same for every
 * student (what is theirs loads after), so a kept copy is the page itself.
 */
async function pageKey(path) {
  let lang = '';
  try {
    lang = (await self.cookieStore?.get('bb.lang'))?.value ?? '';
  } catch {
    // no Cookie Store API here: one copy per path, refreshed from the network
  }
  return lang ? `${path}?lang=${encodeURIComponent(lang)}` : path;
}

/** Whether this worker's build is still the one deployed; true when that cannot be learned (offline, slow). */
let checkedAt = 0;
let deployed = true;
async function stillDeployed() {
  if (Date.now() - checkedAt < STAMP_CHECK_MS) return deployed;
  try {
    const res = await Promise.race([
      fetch('/build-stamp', { cache: 'no-store' }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('slow')), STAMP_TIMEOUT_MS)),
    ]);
    if (res.ok) deployed = (await res.text()).trim() === VERSION;
    checkedAt = Date.now();
  } catch {
    return true;
  }
  return deployed;
}

/** Whether a page was rendered by this worker's build (the layout names it: `<meta name="bb-build">`). */
const ofThisBuild = (html) => html.includes(`<meta name="bb-build" content="${VERSION}"`);

/**
 * The study pages not kept yet, and the scripts they run that are not kept either, in one response
 * (worker/pack.ts): a part per page and per script, by URL path. Empty when the pack cannot be had
 * (an older server, a lost connection): the pages are then fetched one by one.
 */
async function fetchPack(paths, kept) {
  const query = new URLSearchParams();
  for (const path of paths) query.append('page', path);
  for (const request of (await kept.keys()).slice(0, PACK_HAVE_MAX))
    query.append('have', new URL(request.url).pathname.slice(STATIC_PREFIX.length));
  try {
    const res = await fetch(`${PACK_PATH}?${query}`, { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) return new Map();
    const parts = parsePack(res.headers.get('content-type') ?? '', await res.text());
    return new Map(
      [...parts].map(([path, { headers, body }]) => [path, new Response(body, { status: 200, headers })]),
    );
  } catch {
    return new Map();
  }
}

/**
 * Keeps the study pages and the scripts they run. The page that registered this worker was
 * downloaded a moment ago and is in the browser's cache (pages are `private, no-cache`): it is
 * kept from there, not downloaded twice, when it is this build's. The other study pages come in one
 * pack, with the scripts not kept yet. With data saver, only the pages open now, from the browser's
 * cache, and nothing from the network.
 */
async function keepShell() {
  const pages = await caches.open(PAGES);
  const kept = await caches.open(STATIC);
  const open = new Set(
    (await self.clients.matchAll({ type: 'window', includeUncontrolled: true }))
      .map((client) => new URL(client.url))
      .filter((url) => !url.search)
      .map((url) => url.pathname),
  );
  const fromBrowser = (path) =>
    fetch(path, { credentials: 'same-origin', mode: 'same-origin', cache: 'only-if-cached' })
      .then((res) => (res.ok ? res : null))
      .catch(() => null);
  /** Keeps `res` as `path` with every script it runs, or not at all; `script(asset)` fetches one not kept. */
  async function keep(path, res, script) {
    const assets = assetsOf(await res.clone().text());
    const scripts = await Promise.all(
      assets.map(async (asset) => {
        const hit = await kept.match(asset);
        return hit ? { hit } : { fresh: await script(asset) };
      }),
    );
    if (scripts.some(({ hit, fresh }) => !(hit ?? fresh)?.ok)) return false;
    // A script kept already is not written again.
    await Promise.all(scripts.map(({ fresh }, i) => fresh && kept.put(assets[i], fresh)));
    await pages.put(await pageKey(path), res);
    return true;
  }
  const done = new Set();
  for (const path of open) {
    const res = await fromBrowser(path);
    if (!res || !ofThisBuild(await res.clone().text())) continue;
    if (await keep(path, res, (asset) => (SAVER ? fromBrowser(asset) : fetch(asset)))) done.add(path);
  }
  if (SAVER) return;
  const ahead = SHELL.filter((path) => !done.has(path));
  if (!ahead.length) return;
  const pack = await fetchPack(ahead, kept);
  for (const path of ahead) {
    const res = pack.get(path) ?? (await fetch(path, { credentials: 'same-origin', cache: 'no-store' }));
    if (res.ok) await keep(path, res, (asset) => pack.get(asset) ?? fetch(asset));
  }
}

self.addEventListener('install', (event) => event.waitUntil(keepShell()));

self.addEventListener('activate', (event) =>
  event.waitUntil(
    (async () => {
      await dropOtherPages();
      // Scripts no kept page uses any more (an older build's).
      const used = new Set();
      const pages = await caches.open(PAGES);
      for (const request of await pages.keys())
        for (const asset of assetsOf(await (await pages.match(request)).text())) used.add(asset);
      const kept = await caches.open(STATIC);
      for (const request of await kept.keys())
        if (!used.has(new URL(request.url).pathname)) await kept.delete(request);
      await self.clients.claim();
    })(),
  ),
);

/**
 * This version's pages, or null once a newer version has deleted them: an old worker still finishing
 * a navigation must not re-create its cache (`caches.open` would), or the phone keeps an orphaned
 * copy of every page for good.
 */
async function ownPages() {
  return (await caches.has(PAGES)) ? caches.open(PAGES) : null;
}

/** Deletes the pages kept by builds that have no worker any more (this one's, and a waiting newer one's, stay). */
async function dropOtherPages() {
  const { active, waiting, installing } = self.registration;
  const live = new Set([PAGES]);
  for (const worker of [active, waiting, installing])
    if (worker) live.add(`bb-pages-${new URL(worker.scriptURL).searchParams.get('v') || 'dev'}`);
  for (const name of await caches.keys())
    if (name.startsWith('bb-pages-') && !live.has(name)) await caches.delete(name);
}

async function page(request) {
  const url = new URL(request.url);
  const pages = await ownPages();
  if (!pages) return fetch(request);
  // Swept again at each page load: an older build's worker still finishing a navigation while a
  // newer one activated can have opened its pages again after they were deleted.
  void dropOtherPages();
  const key = await pageKey(url.pathname);
  // A repeat visit costs no page download while this build is the one deployed; a new build's
  // pages come from the network (and register the new build's worker).
  if (!url.search) {
    const hit = await pages.match(key);
    if (hit && (await stillDeployed())) return hit;
  }
  const network = fetch(request).then(async (res) => {
    // Not a page shown with a one-off message (/login?error=…), nor one marked never to be kept (a
    // student's own, /ask/form).
    if (
      res.ok &&
      res.type === 'basic' &&
      !url.search &&
      !/no-store/.test(res.headers.get('cache-control') ?? '')
    )
      await pages.put(key, res.clone());
    return res;
  });
  network.catch(() => undefined); // the kept copy may have answered first
  const kept = () =>
    pages
      .match(key)
      .then((hit) => hit || pages.match(url.pathname, { ignoreSearch: true }))
      .then((hit) => hit || pages.match('/ask', { ignoreSearch: true }));
  try {
    const timeout = new Promise((resolve) => setTimeout(resolve, NAV_TIMEOUT_MS));
    const res = await Promise.race([network, timeout.then(kept)]);
    if (res) return res;
    return await network;
  } catch {
    const hit = await kept();
    if (hit) return hit;
    throw new Error('offline and this page was never kept');
  }
}

async function asset(request) {
  const kept = await caches.open(STATIC);
  const hit = await kept.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await kept.put(request, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') event.respondWith(page(request));
  else if (url.pathname.startsWith('/_next/static/')) event.respondWith(asset(request));
});

/**
 * Sends the questions the page handed over, oldest first. The page's queue stays the truth (it sends
 * what it still holds at the next visit and gets the stored answers), so a question the API refuses
 * is only dropped here; a lost connection or a 5xx keeps the rest and asks the browser to try later.
 */
async function sendOutbox() {
  const box = await caches.open('bb-outbox');
  const kept = await box.match('/outbox');
  if (!kept) return;
  const { token, saver, items } = await kept.json();
  const post = (path, body, key) =>
    fetch(path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${token}`,
        'Idempotency-Key': key,
        ...(saver ? { 'Save-Data': 'on' } : {}),
      },
      body: JSON.stringify(body),
      referrerPolicy: 'no-referrer',
    });
  const retryLater = (res) => res.status >= 500 || res.status === 429 || res.status === 408;
  const left = [...items];
  while (left.length) {
    const item = left[0];
    let sessionId = item.sessionId;
    let res;
    if (!sessionId) {
      res = await post('/api/sessions', { subject: item.subject }, item.sessionKey);
      if (res.ok) sessionId = (await res.json()).id;
    }
    if (sessionId)
      res = await post(`/api/sessions/${sessionId}/questions`, { question: item.question }, item.key);
    if (res.status === 401) break; // the login ended: the page keeps them for the next login
    if (retryLater(res)) {
      await box.put('/outbox', Response.json({ token, saver, items: left }));
      throw new Error(`the API answered ${res.status}; the browser tries again later`);
    }
    left.shift();
  }
  await caches.delete('bb-outbox');
}

self.addEventListener('sync', (event) => {
  if (event.tag === 'bb-questions') event.waitUntil(sendOutbox());
});
