import { mkdirSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { parseRumBatch } from '@brainbytes/functions/contracts';
import { chromium, type Page, type Request, type Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Language, MESSAGES } from '../lib/i18n';
import { AUTH_MESSAGES } from '../lib/i18n-auth';
import { READING_MESSAGES } from '../lib/i18n-reading';
import { PACK_PATH, parsePack, STATIC_PREFIX } from '../worker/pack';
import { PASSWORD, phoneLabForThisFile } from './phone-lab';
import { CHROMIUM_ARGS, PHONE, requireBinary, SCREENSHOTS } from './stack';

/**
 * The app on prepaid data and patchy signal: it opens offline after one visit, a new build
 * never breaks an open page, the bytes it spends, a tap before the script; and screenshots.
 */
const lab = phoneLabForThisFile();

describe('the app offline (item 3)', () => {
  it('after one online visit, /ask, /sessions and a past session open with the network off', async () => {
    const { context, page } = await lab.student('Ivy');
    await lab.ask(page, 'What is photosynthesis?');
    await page.getByTestId('answered').waitFor({ timeout: 15_000 });
    await page.goto(`${lab.stack.web.url}/sessions`);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByTestId('past-thread').getByText('What is photosynthesis?').waitFor();
    // The worker has kept the app's pages and scripts.
    const kept = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      let bytes = 0;
      let entries = 0;
      for (const name of await caches.keys())
        for (const request of await (await caches.open(name)).keys()) {
          bytes += (await (await caches.match(request))?.arrayBuffer())?.byteLength ?? 0;
          entries++;
        }
      return { bytes, entries };
    });
    console.log(`service worker keeps ${entries(kept)}`);
    expect(kept.entries).toBeGreaterThan(6);

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Past study sessions' }).waitFor();
    await page.getByText('You are offline: this is what was saved on this phone.').waitFor();
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByTestId('past-thread').getByText('What is photosynthesis?').waitFor();

    await page.getByRole('banner').getByRole('link', { name: 'Ask' }).click();
    await page.waitForURL('**/ask');
    await page.getByText('You are offline.').waitFor();
    await page.getByTestId('answered').getByText('What is photosynthesis?').waitFor();
    await lab.ask(page, 'Asked with no signal');
    await page.getByTestId('queued').waitFor();
    await page.reload();
    await page.getByTestId('queued').getByText('Asked with no signal').waitFor();
    await context.close();
  }, 60_000);
});

const entries = (k: { bytes: number; entries: number }) =>
  `${k.entries} responses, ${(k.bytes / 1000).toFixed(1)} kB (uncompressed)`;

describe('bytes on prepaid data (item 10) and a tap before the script (item 1)', () => {
  it('paints without waiting for a stylesheet, answers /api and serves scripts without page headers, and sends RUM once per page hide', async () => {
    const context = await lab.browser.newContext(PHONE);
    const page = await context.newPage();
    const requests: { type: string; url: string; request: Request }[] = [];
    page.on('request', (r) => requests.push({ type: r.resourceType(), url: r.url(), request: r }));
    await lab.logIn(page, await lab.register('Jun'));
    expect(requests.filter((r) => r.type === 'stylesheet').map((r) => r.url)).toEqual([]);
    for (const q of ['What is photosynthesis?', 'What are fractions?']) {
      const before = await page.getByTestId('answered').count();
      await lab.ask(page, q);
      await expect.poll(() => page.getByTestId('answered').count(), { timeout: 15_000 }).toBe(before + 1);
    }
    await page.waitForTimeout(1000);
    expect(requests.filter((r) => r.url.endsWith('/api/rum'))).toEqual([]); // nothing while studying
    await page.evaluate(
      "Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'hidden' }); document.dispatchEvent(new Event('visibilitychange'));",
    );
    await expect.poll(() => requests.filter((r) => r.url.endsWith('/api/rum')).length).toBe(1);
    const beacon = requests.find((r) => r.url.endsWith('/api/rum'))?.request;
    expect((await beacon?.response())?.status()).toBe(204); // the API took it
    const body = beacon?.postData();
    const events = parseRumBatch(JSON.parse(body ?? '{}'));
    expect(events.filter((e) => e.type === 'action' && e.action === 'ask')).toHaveLength(2);
    // Under a third of the plain form of the same events.
    expect(3 * Buffer.byteLength(body ?? '')).toBeLessThan(Buffer.byteLength(JSON.stringify({ events })));

    const api = await fetch(`${lab.stack.web.url}/api/health`);
    const html = await (await fetch(`${lab.stack.web.url}/ask`)).text();
    const script = await fetch(
      `${lab.stack.web.url}${html.match(/src="(\/_next\/static\/[^"]+\.js)"/)?.[1]}`,
    );
    expect(script.status).toBe(200);
    for (const res of [api, script]) {
      expect(res.headers.get('content-security-policy')).toBeNull();
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('permissions-policy')).toBeNull();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    await context.close();
  }, 60_000);

  it('keeps the page the student is on without downloading it again, and the other study pages once, in one pack', async () => {
    // Not /login: nobody on /ask needs it offline (logging in needs the signal anyway).
    expect(await firstVisitThenOffline('/ask', (page) => page.getByLabel('Your question').waitFor())).toEqual(
      {
        '/ask': 1,
        '/sessions': 1,
        '/subjects': 1,
        '/login': 0,
      },
    );
  }, 60_000);

  it('keeps /login when a first visit starts there, from the browser’s cache, and it opens offline', async () => {
    expect(await firstVisitThenOffline('/login', (page) => page.getByLabel('Password').waitFor())).toEqual({
      '/ask': 1,
      '/sessions': 1,
      '/subjects': 1,
      '/login': 1,
    });
  }, 60_000);

  it('logging out with no signal where /login was never kept opens /ask as a visitor, with the way to log in', async () => {
    const email = await lab.register('Noel');
    const login = await fetch(`${lab.stack.api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const { token, student } = (await login.json()) as { token: string; student: { id: string } };
    const context = await lab.browser.newContext(PHONE);
    // Logged in on this phone before (a deploy ago): this build's first page is /ask.
    await context.addInitScript(
      ([t, id]) => {
        if (!sessionStorage.getItem('seeded')) {
          localStorage.setItem('bb.token', t as string);
          localStorage.setItem('bb.student', id as string);
          sessionStorage.setItem('seeded', '1');
        }
      },
      [token, student.id],
    );
    const page = await context.newPage();
    await page.goto(`${lab.stack.web.url}/ask`);
    await page.getByLabel('Your question').waitFor();
    await lab.appKept(page);
    await context.setOffline(true);
    await lab.logOut(page, 'Log out');
    await page.getByTestId('visitor').waitFor();
    await page.getByRole('main').getByRole('link', { name: 'Log in' }).waitFor();
    await context.close();
  }, 60_000);

  it("keeps the scripts this build's pages run, not the nomodule fallback no phone that runs the worker executes", async () => {
    const context = await lab.browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${lab.stack.web.url}/login`);
    await lab.appKept(page);
    const html = await (await fetch(`${lab.stack.web.url}/login`)).text();
    const fallback = [...html.matchAll(/<script[^>]*src="([^"]+)"[^>]*noModule/gi)].map((m) => m[1]);
    expect(fallback.length).toBeGreaterThan(0);
    const kept = await page.evaluate(async () =>
      (await (await caches.open('bb-static')).keys()).map((r) => new URL(r.url).pathname),
    );
    expect(kept.length).toBeGreaterThan(3);
    for (const script of fallback) expect(kept).not.toContain(script);
    await context.close();
  }, 60_000);

  it('serves a repeat visit from the kept page, asking only whether a new build is out', async () => {
    // What reached the server, whoever asked: the page, its worker, or the browser checking the
    // worker's script for an update (which DevTools does not show).
    const { asked, url, close } = await countingFront();
    const context = await lab.browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      await page.goto(`${url}/login`);
      await lab.appKept(page);
      asked.length = 0;
      await page.goto(`${url}/sessions`);
      await page
        .getByRole('heading', { name: 'Log in' })
        .or(page.getByRole('heading', { name: 'Please log in first.' }))
        .waitFor();
      await expect.poll(() => asked, { timeout: 5000 }).toContain('/build-stamp');
      await page.waitForTimeout(4000); // the browser's update check follows the navigation
      // Not the page, and not the worker's script: its URL names its build, so the copy in the
      // browser's cache is right for a day (updateViaCache 'all'); it cost ≈740 B on every visit.
      expect(asked.filter((path) => !path.startsWith('/api/'))).toEqual(['/build-stamp']);
    } finally {
      await context.close();
      close();
    }
  }, 60_000);

  it('keeps the ask button unusable until the script runs: a tap cannot reload the page and lose the question', async () => {
    const context = await lab.browser.newContext({ ...PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${lab.stack.web.url}/ask`);
    await page.getByLabel('Your question').fill('Ano ang pandiwa?');
    // Nothing in the form can post it (a visitor is shown the way in; a student's button waits for
    // the script: phone-study.test.ts), so a tap or Enter leaves the page and the text as they are.
    expect(await page.locator('form button:not([disabled])').filter({ visible: true }).count()).toBe(0);
    expect(await page.locator('form button[type="submit"]').isDisabled()).toBe(true);
    await page.getByLabel('Your question').press('Enter');
    expect(await page.getByLabel('Your question').inputValue()).toBe('Ano ang pandiwa?\n');
    await context.close();
  });
});

/**
 * Saves a screenshot and asserts what it shows: the viewport's width (no sideways scrolling), the
 * viewport's or the whole page's height, the page in the language chosen, and its heading.
 */
async function shot(page: Page, path: string, language: Language, heading: string, fullPage = false) {
  const png = await page.screenshot({ path, fullPage });
  const view = page.viewportSize()!;
  const seen = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    scrollHeight: document.documentElement.scrollHeight,
    lang: document.documentElement.lang,
    headings: [...document.querySelectorAll('main h1')].map((h) => h.textContent?.trim()),
  }));
  // PNG: the IHDR chunk holds width and height as big-endian 32-bit numbers at bytes 16 and 20.
  expect(png.readUInt32BE(16), `${path}: width`).toBe(view.width);
  expect(png.readUInt32BE(20), `${path}: height`).toBe(fullPage ? seen.scrollHeight : view.height);
  expect(seen.scrollWidth, `${path}: no horizontal overflow`).toBeLessThanOrEqual(seen.clientWidth);
  expect(seen.lang, path).toBe(language);
  expect(seen.headings, path).toContain(heading);
}

describe('questions sent with the app closed (Background Sync)', () => {
  it('a question asked offline is sent by the worker when the connection returns, with the app closed, and answered once', async () => {
    const { email, context, page } = await lab.student('Gino');
    await lab.appKept(page);
    // No signal, for the worker too (the page's offline switch leaves the worker's requests and the
    // browser's own idea of the connection alone, so the browser fires the sync at once).
    const noSignal = (route: Route) => route.abort('internetdisconnected');
    await context.route('**/api/**', noSignal);
    await context.setOffline(true);
    const question = 'Ano ang bahagi ng pananalita?';
    await lab.ask(page, question);
    await page.getByTestId('queued').waitFor();
    // Handed to the worker, with a sync asked of the browser.
    await expect.poll(() => page.evaluate(() => caches.has('bb-outbox')), { timeout: 5000 }).toBe(true);
    const tab = await context.newPage(); // another site's tab: the app itself is closed
    await page.close();
    expect(await lab.questionsOf(email)).toEqual([]);
    await context.unroute('**/api/**', noSignal);
    await context.setOffline(false);
    // The connection is back: the browser fires the sync (as Chromium does when the network
    // returns, and DevTools' Background Services panel does on demand).
    const cdp = await context.newCDPSession(tab);
    const registrations = new Promise<string>((resolve) =>
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const live = registrations.find((r) => !r.isDeleted && r.scopeURL.startsWith(lab.stack.web.url));
        if (live) resolve(live.registrationId);
      }),
    );
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.dispatchSyncEvent', {
      origin: lab.stack.web.url,
      registrationId: await registrations,
      tag: 'bb-questions',
      lastChance: false,
    });
    await expect.poll(() => lab.questionsOf(email), { timeout: 20_000 }).toEqual([question]);
    // The app opened again: the answer is there, the question no longer waits, and it was asked once.
    const again = await context.newPage();
    await again.goto(`${lab.stack.web.url}/ask`);
    await again.getByTestId('answered').waitFor({ timeout: 15_000 });
    expect(await again.getByTestId('queued').count()).toBe(0);
    expect(await lab.questionsOf(email)).toEqual([question]);
    expect(await again.evaluate(() => caches.has('bb-outbox'))).toBe(false);
    await context.close();
  }, 90_000);

  it("logging out takes back what was handed to the worker: no question leaves as the last student's", async () => {
    const { context, page } = await lab.student('Hana');
    await lab.appKept(page);
    await context.setOffline(true);
    await lab.ask(page, 'What is a fraction?');
    await expect.poll(() => page.evaluate(() => caches.has('bb-outbox')), { timeout: 5000 }).toBe(true);
    await lab.logOut(page, 'Log out');
    await expect.poll(() => page.evaluate(() => caches.has('bb-outbox')), { timeout: 5000 }).toBe(false);
    await context.close();
  }, 60_000);
});

describe('Back and Forward', () => {
  /** A phone whose Chromium keeps pages for Back, as Chrome on Android does (Playwright turns that off). */
  async function phoneWithBackForwardCache() {
    const browser = await chromium.launch({
      executablePath: requireBinary('chromium', 'chromium'),
      args: CHROMIUM_ARGS,
      ignoreDefaultArgs: ['--disable-back-forward-cache'],
    });
    const context = await browser.newContext(PHONE);
    // Whether the last page shown came out of the back/forward cache.
    await context.addInitScript(() =>
      addEventListener('pageshow', (event) => {
        (window as unknown as { restored: boolean }).restored = event.persisted;
      }),
    );
    return { browser, context };
  }
  const restored = (page: Page) =>
    page.evaluate(() => (window as unknown as { restored?: boolean }).restored);
  const outside = () => `${lab.stack.api.url}/health`; // another site the student opened

  it('Back to any page of the app shows it as it was left, downloading nothing', async () => {
    const { browser, context } = await phoneWithBackForwardCache();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Page.enable');
    const notRestored: string[] = [];
    cdp.on('Page.backForwardCacheNotUsed', (e) =>
      notRestored.push(...e.notRestoredExplanations.map((x) => `${x.reason}`)),
    );
    await lab.logIn(page, await lab.register('Lea'));
    await lab.ask(page, 'What is a verb?');
    await page.getByTestId('answered').waitFor({ timeout: 15_000 });
    for (const path of ['/ask', '/sessions', '/subjects', '/login']) {
      if (path !== '/ask') await page.goto(`${lab.stack.web.url}${path}`);
      await page.locator('main h1').waitFor();
      await page.goto(outside());
      const downloads: string[] = [];
      const onRequest = (r: Request) => r.isNavigationRequest() && downloads.push(r.url());
      page.on('request', onRequest);
      // A page from the cache fires no load event: only the commit is waited for.
      await page.goBack({ waitUntil: 'commit' });
      await expect.poll(() => restored(page), { timeout: 5000 }).toBe(true);
      page.off('request', onRequest);
      expect(downloads, path).toEqual([]);
    }
    expect(notRestored).toEqual([]);
    // /ask came back with the answer read before leaving.
    await page.goBack({ waitUntil: 'commit' }); // /subjects
    await page.goBack({ waitUntil: 'commit' }); // /sessions
    await page.goBack({ waitUntil: 'commit' }); // /ask
    await expect.poll(() => page.getByTestId('answered').count(), { timeout: 5000 }).toBe(1);
    await browser.close();
  }, 90_000);

  it('a student who logs out in another tab leaves no page showing their answers, open or kept for Back', async () => {
    const { browser, context } = await phoneWithBackForwardCache();
    const kept = await context.newPage();
    await lab.logIn(kept, await lab.register('Noel'));
    await lab.ask(kept, 'What is a sentence?');
    await kept.getByTestId('answered').waitFor({ timeout: 15_000 });
    await kept.goto(outside());
    const open = await context.newPage();
    await open.goto(`${lab.stack.web.url}/ask`);
    await open.getByTestId('answered').waitFor();
    const other = await context.newPage();
    await other.goto(`${lab.stack.web.url}/sessions`);
    await lab.logOut(other, 'Log out');
    // The open tab loads afresh as a visitor's.
    await open.getByTestId('visitor').waitFor({ timeout: 5000 });
    expect(await open.getByTestId('answered').count()).toBe(0);
    // Back in the first tab: the kept page is not shown as it was.
    await kept.goBack({ waitUntil: 'commit' });
    await kept.getByTestId('visitor').waitFor({ timeout: 5000 });
    expect(await kept.getByTestId('answered').count()).toBe(0);
    // A fresh load: its pageshow (persisted false) comes at the load's end, after the first paint.
    await expect.poll(() => restored(kept), { timeout: 5000 }).toBe(false);
    await browser.close();
  }, 90_000);
});

describe('screenshots (web/test-results/screenshots)', () => {
  it('of /ask, /sessions and /login at 360×800 and 1280×800, in English and Filipino', async () => {
    const email = await lab.register('Kim');
    const sizes = [
      { width: 360, height: 800 },
      { width: 1280, height: 800 },
    ];
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const language of ['en', 'fil'] as const)
      for (const viewport of sizes) {
        const context = await lab.browser.newContext({ ...PHONE, viewport, isMobile: viewport.width < 600 });
        await context.addCookies([{ name: 'bb.lang', value: language, url: lab.stack.web.url }]);
        const page = await context.newPage();
        const name = (path: string) =>
          join(SCREENSHOTS, `${path}-${language}-${viewport.width}x${viewport.height}.png`);
        const t = MESSAGES[language];
        await page.goto(`${lab.stack.web.url}/login`);
        await shot(page, name('login'), language, AUTH_MESSAGES[language].login);
        await page.getByLabel('Email').fill(email);
        await page.getByLabel('Password').fill(PASSWORD);
        await page.locator('main button[type=submit]').click();
        await page.waitForURL('**/ask');
        if (language === 'en' && viewport.width === 360) {
          await lab.ask(page, 'What is photosynthesis?');
          await page.getByTestId('answered').waitFor({ timeout: 15_000 });
        }
        await page.waitForLoadState('networkidle');
        await shot(page, name('ask'), language, t.navAsk);
        await page.goto(`${lab.stack.web.url}/sessions`);
        await page.locator('.cards button').first().click();
        await page.getByTestId('past-thread').waitFor();
        await shot(page, name('sessions'), language, READING_MESSAGES[language].sessionsTitle, true);
        await context.close();
      }
  }, 90_000);
});

describe('a new build while a page is open (item 3)', () => {
  it('installs the new worker beside the open page and takes over only when the old pages are closed', async () => {
    const { context, page } = await lab.student('Lea');
    await lab.appKept(page);
    const first = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    expect(first).toMatch(/\/sw\.js\?v=/);
    // A deploy: the page of the next build registers its own worker.
    const state = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.register('/sw.js?v=next-build');
      const worker = registration.installing ?? registration.waiting;
      await new Promise<void>((resolve) => {
        if (!worker || worker.state === 'installed') return resolve();
        worker.addEventListener('statechange', () => worker.state === 'installed' && resolve());
      });
      return {
        waiting: registration.waiting?.state,
        controller: navigator.serviceWorker.controller?.scriptURL,
      };
    });
    // It waits: the open page keeps the worker (and scripts) it was built with, and still works.
    expect(state).toEqual({ waiting: 'installed', controller: first });
    await lab.ask(page, 'Asked during a deploy');
    await page.getByTestId('answered').waitFor({ timeout: 15_000 });
    await page.close();
    // With the old build's last page closed, the browser activates the waiting worker. A page opened
    // before it has (CI once did) is still the old worker's, and keeps it in place while it is open.
    const nextWorker = context.serviceWorkers().find((w) => w.url().endsWith('v=next-build'));
    expect(nextWorker, 'the next build’s worker, seen by the browser').toBeDefined();
    await expect
      .poll(
        () =>
          nextWorker?.evaluate(
            () =>
              (self as unknown as { registration: ServiceWorkerRegistration }).registration.active?.scriptURL,
          ),
        { timeout: 15_000 },
      )
      .toMatch(/v=next-build$/);
    // Pages from now on are the next build's: they register its worker, not this build's (which
    // would install again beside it, with its pages, and make the clean-up below look undone).
    await context.addInitScript(() => {
      const register = navigator.serviceWorker.register.bind(navigator.serviceWorker);
      navigator.serviceWorker.register = (_url, options) => register('/sw.js?v=next-build', options);
    });
    const next = await context.newPage();
    await next.goto(`${lab.stack.web.url}/login`);
    await expect
      .poll(() => next.evaluate(() => navigator.serviceWorker.controller?.scriptURL), { timeout: 15_000 })
      .toMatch(/v=next-build$/);
    // The new worker controls the page as soon as it activates; its clean-up of the old build's
    // cache runs in that same activation and can finish a moment later.
    await expect
      .poll(() => next.evaluate(async () => (await caches.keys()).sort()), { timeout: 15_000 })
      .toEqual(['bb-pages-next-build', 'bb-static']);
    await context.close();
  }, 60_000);

  it('an old worker still serving a page does not keep again the pages a newer version deleted', async () => {
    const { context, page } = await lab.student('Mara');
    await lab.appKept(page);
    const own = await page.evaluate(async () =>
      (await caches.keys()).find((name) => name.startsWith('bb-pages-')),
    );
    expect(own).toMatch(/^bb-pages-/);
    // What a newer version's activation does to this one's pages while this page stays open…
    await page.evaluate((name) => caches.delete(name), own as string);
    // …then this page navigates, still served by its old worker.
    await page.reload();
    await page.getByRole('main').waitFor();
    expect(await page.evaluate(() => caches.keys())).not.toContain(own);
    await context.close();
  }, 60_000);
});

/**
 * A first visit to `path` through a counting front: how often each study page reached the server
 * until the worker had kept the app; then the page reloaded with no signal must pass `offline` (it
 * is this build's page that was kept).
 */
async function firstVisitThenOffline(path: string, offline: (page: Page) => Promise<void>) {
  const { asked, delivered, url, close } = await countingFront();
  const context = await lab.browser.newContext(PHONE);
  try {
    const page = await context.newPage();
    await page.goto(`${url}${path}`);
    await lab.appKept(page);
    const fetched = Object.fromEntries(
      ['/ask', '/sessions', '/subjects', '/login'].map((p) => [p, delivered.filter((a) => a === p).length]),
    );
    // The pages not open came in one pack, and no script came twice (on its own or in the pack).
    expect(asked.filter((a) => a.startsWith(PACK_PATH))).toHaveLength(1);
    const scripts = delivered.filter((a) => a.startsWith(STATIC_PREFIX));
    expect(scripts.length).toBeGreaterThan(3);
    expect(new Set(scripts).size).toBe(scripts.length);
    await context.setOffline(true);
    await page.reload();
    await offline(page);
    // The pages kept from the pack open offline as they were served: their headers, and scripts that run.
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    for (const study of ['/sessions', '/subjects']) {
      const res = await page.goto(`${url}${study}`);
      expect(res?.headers()['content-security-policy'], study).toContain("frame-ancestors 'none'");
      await page.getByRole('heading', { level: 1 }).waitFor();
      // Hydrated: React listens on the document once the page's scripts have run.
      await page.waitForFunction(() =>
        Object.keys(document).some((key) => key.startsWith('_reactListening')),
      );
    }
    expect(errors).toEqual([]);
    return fetched;
  } finally {
    await context.close();
    close();
  }
}

/**
 * A front to the web app that notes the path of every request reaching it, whoever sent it
 * (`asked`), and what came back (`delivered`): each path answered, and each part of an offline pack.
 */
async function countingFront() {
  const asked: string[] = [];
  const delivered: string[] = [];
  const target = new URL(lab.stack.web.url);
  const front = createServer((req, res) => {
    const path = req.url ?? '';
    asked.push(path);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const body: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => body.push(chunk));
        answer.on('end', () => {
          if (!path.startsWith(PACK_PATH)) return void delivered.push(path.split('?')[0] as string);
          const packed = Buffer.concat(body);
          const plain = answer.headers['content-encoding'] === 'br' ? brotliDecompressSync(packed) : packed;
          for (const part of parsePack(answer.headers['content-type'] ?? '', plain.toString()).keys())
            delivered.push(part);
        });
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  return {
    asked,
    delivered,
    url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    close: () => front.close(),
  };
}
