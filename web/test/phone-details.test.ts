import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { FakeOpenAi } from '@brainbytes/testkit/fake-openai';
import { startTcpProxy } from '@brainbytes/testkit/tcp-proxy';
import { describe, expect, it } from 'vitest';
import { phoneLabForThisFile } from './phone-lab';
import { PHONE, raw, webDir } from './stack';

/**
 * Small things a student on a 360 px phone meets (issue 26's audit): a long unbroken string, a
 * question at the length limit, links too small for a thumb.
 */
/** A model's answers, as a real one writes them (set per test). */
const tutor = new FakeOpenAi();
const lab = phoneLabForThisFile({ tutor });

/** How far the page scrolls sideways (0: it fits the screen). */
const sideways = (page: import('playwright-core').Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('on a 360 px phone', () => {
  it('a long unbroken string (a URL, a pasted formula) wraps instead of widening the page', async () => {
    const { context, page } = await lab.student('Dana');
    const long = `https://example.ph/${'x'.repeat(300)}`;
    await lab.ask(page, long);
    await page.getByTestId('answered').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('answered').locator('.q').textContent()).toContain(long);
    expect(await sideways(page)).toBe(0);
    await context.close();
  }, 60_000);

  it('says how much is left near the 2,000-character limit, instead of cutting the question without a word', async () => {
    const { context, page } = await lab.student('Eli');
    const box = page.getByLabel('Your question');
    await box.fill('a'.repeat(100));
    expect(await page.getByTestId('question-length').count()).toBe(0); // far from the limit: nothing to say
    await box.fill('b'.repeat(1900));
    await expect
      .poll(() => page.getByTestId('question-length').textContent())
      .toBe('1,900 of 2,000 characters');
    // Pasting more than fits keeps the first 2,000 and says so.
    await box.fill('');
    await box.focus();
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData('text/plain', 'c'.repeat(2500));
      document.activeElement?.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    });
    await expect.poll(() => box.inputValue().then((v) => v.length)).toBe(2000);
    expect(await page.getByTestId('question-length').textContent()).toBe(
      '2,000 of 2,000 characters: 500 did not fit',
    );
    // Asked: the box is empty, and so is what was said about it.
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect.poll(() => page.getByTestId('question-length').count()).toBe(0);
    await context.close();
  }, 60_000);

  it('the Sign up and Log in links beside the forms are at least 24 px tall, a thumb’s minimum target', async () => {
    const context = await lab.browser.newContext(PHONE);
    const page = await context.newPage();
    for (const [path, name] of [
      ['/login', 'Sign up'],
      ['/signup', 'Log in'],
    ] as const) {
      await page.goto(`${lab.stack.web.url}${path}`);
      const link = page.getByRole('main').getByRole('link', { name, exact: true });
      const box = await link.boundingBox();
      expect(box?.height, `${name} on ${path}`).toBeGreaterThanOrEqual(24);
    }
    await context.close();
  }, 60_000);
});

describe('after logging in', () => {
  it('Back from /ask goes to the page before the login form, not to the form again', async () => {
    const email = await lab.register('Gio');
    const context = await lab.browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${lab.stack.web.url}/subjects`);
    await lab.logIn(page, email);
    await page.goBack();
    await page.waitForURL('**/subjects');
    expect(new URL(page.url()).pathname).toBe('/subjects');
    await context.close();
  }, 60_000);
});

describe('with a screen reader', () => {
  it('each session’s Open button says which session it opens, and the menu is named in the language chosen', async () => {
    const { context, page } = await lab.student('Fe');
    const token = await page.evaluate(() => localStorage.getItem('bb.token'));
    for (const subject of ['math', 'science'])
      await fetch(`${lab.stack.api.url}/api/sessions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ subject }),
      });
    await page.goto(`${lab.stack.web.url}/sessions`);
    const buttons = page.getByRole('button', { name: 'Open', exact: true });
    await expect.poll(() => buttons.count()).toBe(2);
    const described = await buttons.evaluateAll((list) =>
      list.map((b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent ?? ''),
    );
    expect(described.map((d) => d.split(' · ')[0]).sort()).toEqual(['Math', 'Science']);
    expect(await page.getByRole('navigation').getAttribute('aria-label')).toBe('Main');
    await page.getByLabel('Language').selectOption('fil');
    await expect.poll(() => page.getByRole('navigation').getAttribute('aria-label')).toBe('Pangunahin');
    await context.close();
  }, 60_000);
});

describe('in Filipino from the first byte', () => {
  it('the 404 page and every page’s description follow the language chosen', async () => {
    const get = (path: string, lang: string) =>
      fetch(`${lab.stack.web.url}${path}`, { headers: { Cookie: `bb.lang=${lang}` } });
    const missing = await get('/walang-ganito', 'fil');
    expect(missing.status).toBe(404);
    const page = await missing.text();
    expect(page).toContain('Walang pahina rito.');
    expect(page).toContain('Pumunta sa Itanong');
    expect(page).not.toContain('could not be found');
    const description = (html: string) => /<meta name="description" content="([^"]*)"/.exec(html)?.[1];
    expect(description(await (await get('/login', 'fil')).text())).toMatch(/^Magtanong sa tutor/);
    expect(description(await (await get('/login', 'en')).text())).toMatch(/^Ask the tutor/);
    expect(await (await get('/walang-ganito', 'en')).text()).toContain('There is no page here.');
  });
});

describe('on the wire', () => {
  const PAGES = ['/ask', '/sessions', '/subjects', '/login'];
  const brotli = (bytes: Buffer, quality: number) =>
    brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: quality } });

  it('each page is as small as compressing it whole, though it is streamed in parts (its data repeats its HTML)', async () => {
    for (const path of PAGES) {
      const gz = await raw(`${lab.stack.web.url}${path}`, { 'Accept-Encoding': 'gzip' });
      expect(gz.headers['content-encoding'], path).toBe('gzip');
      // Flushed with zlib's default full flush: 1.39× for /sessions (5.7 kB for 4.1 kB).
      expect(gz.body.length / gzipSync(gunzipSync(gz.body), { level: 6 }).length, path).toBeLessThan(1.03);
      const br = await raw(`${lab.stack.web.url}${path}`, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
      expect(br.headers['content-encoding'], path).toBe('br');
      const html = brotliDecompressSync(br.body);
      expect(html.equals(gunzipSync(gz.body)), path).toBe(true);
      expect(br.body.length / brotli(html, 5).length, path).toBeLessThan(1.03);
      // Brotli at quality 5: /sessions 3.7 kB where gzip takes 4.1 kB.
      expect(br.body.length, path).toBeLessThan(0.95 * gz.body.length);
    }
  });

  it("a phone gets every script in brotli made at build time: the file's own bytes, 13 % fewer than gzip", async () => {
    // A first visit: its scripts come from the network (later ones from the worker's copies).
    const context = await lab.browser.newContext(PHONE);
    const page = await context.newPage();
    const scripts = new Map<string, string | null>();
    page.on('response', async (res) => {
      const path = new URL(res.url()).pathname;
      if (path.startsWith('/_next/static/') && !res.fromServiceWorker())
        scripts.set(path, await res.headerValue('content-encoding'));
    });
    await page.goto(`${lab.stack.web.url}/ask`, { waitUntil: 'load' });
    await context.close();
    expect(scripts.size).toBeGreaterThan(4);
    let [brBytes, gzBytes] = [0, 0];
    for (const [path, encoding] of scripts) {
      expect(encoding, path).toBe('br');
      const file = readFileSync(join(webDir, '.next', path.replace('/_next/', '')));
      const br = await raw(`${lab.stack.web.url}${path}`, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
      expect(br.headers, path).toMatchObject({
        'content-encoding': 'br',
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
        vary: 'Accept-Encoding',
      });
      expect(brotliDecompressSync(br.body).equals(file), path).toBe(true);
      expect(br.body.length, path).toBe(brotli(file, 11).length);
      brBytes += br.body.length;
      gzBytes += gzipSync(file).length;
    }
    expect(brBytes / gzBytes).toBeLessThan(0.9);
  }, 60_000);

  it('a browser that takes no brotli gets gzip or the plain file from Next, as before; HEAD and ranges too', async () => {
    const html = await (await fetch(`${lab.stack.web.url}/ask`)).text();
    const path = html.match(/<script src="(\/_next\/static\/chunks\/[^"]+\.js)"/)?.[1] as string;
    const file = readFileSync(join(webDir, '.next', path.replace('/_next/', '')));
    const url = `${lab.stack.web.url}${path}`;
    for (const refused of ['gzip, br;q=0', 'gzip, BR;q=0.000', 'gzip', 'br;q=0, *']) {
      const gz = await raw(url, { 'Accept-Encoding': refused });
      expect(gz.headers['content-encoding'], refused).toBe('gzip');
      expect(gunzipSync(gz.body).equals(file), refused).toBe(true);
    }
    const plain = await raw(url, {});
    expect([plain.headers['content-encoding'], plain.body.equals(file)]).toEqual([undefined, true]);
    // `*` stands for brotli when brotli is not named; a query (a deployment id) changes nothing.
    for (const [accept, to] of [
      ['identity, *;q=0.5', url],
      ['br', `${url}?dpl=1`],
    ] as const)
      expect((await raw(to, { 'Accept-Encoding': accept })).headers['content-encoding'], accept).toBe('br');
    const head = await raw(url, { 'Accept-Encoding': 'br' }, 'HEAD');
    expect([head.status, head.headers['content-encoding'], head.body.length]).toEqual([200, 'br', 0]);
    expect(Number(head.headers['content-length'])).toBe(brotli(file, 11).length);
    const range = await raw(url, { 'Accept-Encoding': 'br', Range: 'bytes=0-9' });
    expect([range.status, range.body.equals(file.subarray(0, 10))]).toEqual([206, true]);
    // A name the build does not have is Next's 404, whatever it tries.
    for (const bad of [
      '/_next/static/chunks/nope.js',
      '/_next/static/chunks/../../BUILD_ID',
      '/_next/static/%2e%2e/BUILD_ID',
    ])
      expect((await raw(`${lab.stack.web.url}${bad}`, { 'Accept-Encoding': 'br' })).status, bad).toBe(404);
  });
});

describe('a phone shared by students, and leaving', () => {
  it('the next student starts on the first subject, not the one the last student chose; each gets theirs back', async () => {
    const [ana, ben] = [await lab.register('Ana'), await lab.register('Ben')];
    const context = await lab.browser.newContext(PHONE);
    const page = await context.newPage();
    const subject = page.getByLabel('Subject');
    await lab.logIn(page, ana);
    const first = await subject.inputValue();
    await subject.selectOption('science');
    await lab.logOut(page, 'Log out');
    await lab.logIn(page, ben);
    expect(await subject.inputValue()).toBe(first);
    await lab.logOut(page, 'Log out');
    await lab.logIn(page, ana);
    expect(await subject.inputValue()).toBe('science');
    await context.close();
  }, 60_000);

  it('the logout dialog opens on Cancel, and Escape gives focus back to the Log out button', async () => {
    const { context, page } = await lab.student('Caloy');
    const opener = page.getByRole('banner').getByRole('button', { name: 'Log out' });
    await opener.click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.textContent);
    expect(await focused()).toBe('Cancel'); // Enter on a slipped thumb keeps the student in
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(focused).toBe('Log out');
    expect(await opener.getAttribute('aria-expanded')).toBe('false');
    await context.close();
  }, 60_000);

  it('logging out with no signal revokes the token once the signal is back', async () => {
    // No signal for real: the phone reaches the app through a front that refuses every connection.
    // (Offline emulation with the API's requests aborted let the logout through in some runs.)
    const front = await startTcpProxy(Number(new URL(lab.stack.web.url).port));
    const web = `http://127.0.0.1:${front.port}`;
    const context = await lab.browser.newContext({ ...PHONE, serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      await lab.logIn(page, await lab.register('Dodong'), web);
      const token = await page.evaluate(() => localStorage.getItem('bb.token'));
      const sessions = () =>
        fetch(`${lab.stack.api.url}/api/sessions`, { headers: { Authorization: `Bearer ${token}` } }).then(
          (r) => r.status,
        );
      /** What this phone keeps, read from outside the page (it may be on the browser's offline page). */
      const kept = async (key: string) =>
        (await context.storageState()).origins
          .flatMap((o) => o.localStorage)
          .find((item) => item.name === key)?.value;
      expect(await sessions()).toBe(200);
      front.refuse();
      await context.setOffline(true);
      await page.getByRole('banner').getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Log out', exact: true }).click();
      await expect.poll(() => kept('bb.token')).toBeUndefined(); // logged out on the phone
      expect(JSON.parse((await kept('bb.revoke')) ?? '[]')).toEqual([token]); // the phone could not tell the API
      expect(await sessions()).toBe(200); // nor did anything reach it
      front.open();
      await context.setOffline(false);
      await page.goto(`${web}/login`); // the next page the student opens
      await expect.poll(sessions, { timeout: 20_000 }).toBe(401);
      await expect.poll(() => kept('bb.revoke')).toBeUndefined();
    } finally {
      await context.close();
      await front.close();
    }
  }, 60_000);

  it('leaving a page sends one usage beacon, not one before the web vitals reported on the way out and one after', async () => {
    const { context, page } = await lab.student('Eden');
    await page.goto(`${lab.stack.web.url}/subjects`);
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    // What leaving /ask kept has been sent again and answered.
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('bb.rum.outbox')), { timeout: 10_000 })
      .toBeNull();
    // A request made while the page unloads is not seen by DevTools: the page counts its own
    // where the next page can read them.
    await page.evaluate(() => {
      const send = window.fetch.bind(window);
      window.fetch = (url, init) => {
        const sent = JSON.parse(localStorage.getItem('test.beacons') ?? '[]');
        localStorage.setItem('test.beacons', JSON.stringify([...sent, String(url)]));
        return send(url, init);
      };
    });
    await page.goto(`${lab.stack.web.url}/sessions`); // leaves /subjects
    const beacons = JSON.parse((await page.evaluate(() => localStorage.getItem('test.beacons'))) ?? '[]');
    expect(beacons).toEqual(['/api/rum']);
    // The leaving page never saw the answer: this one sends the same batch again, once, after its load
    // (the API counts a batch id once), and forgets it when answered.
    const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('bb.rum.outbox') ?? '[]'));
    expect(kept).toHaveLength(1);
    const again = await page.waitForRequest((r) => r.url().endsWith('/api/rum'), { timeout: 10_000 });
    expect(JSON.parse(again.postData() ?? '{}').i).toBe(kept[0].id);
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('bb.rum.outbox')), { timeout: 10_000 })
      .toBeNull();
    await context.close();
  }, 60_000);
});

describe('the header at 360 px', () => {
  for (const language of ['English', 'Filipino'] as const) {
    it(`takes at most two rows of 44 px targets in ${language}, logged in`, async () => {
      const context = await lab.browser.newContext(PHONE);
      const page = await context.newPage();
      await lab.logIn(page, await lab.register('Fe'));
      await page.getByLabel('Language').selectOption({ label: language });
      const height = await page.getByRole('banner').evaluate((el) => el.getBoundingClientRect().height);
      expect(height).toBeLessThanOrEqual(2 * 44 + 8 + 16); // two rows, one gap, the padding
      expect(await sideways(page)).toBe(0); // the menu scrolls inside itself, not the page
      const logOut = language === 'English' ? 'Log out' : 'Mag-log out';
      await page.getByRole('banner').getByRole('button', { name: logOut }).click(); // reachable
      await page.getByRole('alertdialog').waitFor();
      await context.close();
    }, 60_000);
  }
});

describe('an answer as a lesson', () => {
  it('shows a real model’s Markdown and math: bold, a list, fractions in MathML, raw HTML as text, here and in past sessions', async () => {
    tutor.answer = [
      '**Fractions** are parts of a whole.',
      '',
      '1. A half: $\\frac{1}{2}$',
      '2. A quarter: $\\frac{1}{4}$',
      '',
      '$$\\frac{1}{2} + \\frac{1}{4} = \\frac{3}{4}$$',
      '',
      'Not a lesson: <img src=x onerror="window.__xss=1"> [click](javascript:window.__xss=2) and `x < y`.',
    ].join('\n');
    const { context, page } = await lab.student('Gabby');
    await lab.ask(page, 'What are fractions?');
    const lesson = page.getByTestId('answered').locator('.lesson');
    await lesson.waitFor({ timeout: 15_000 });
    expect(await lesson.locator('strong').textContent()).toBe('Fractions');
    expect(await lesson.locator('ol > li').count()).toBe(2);
    expect(await lesson.locator('math mfrac').count()).toBe(5);
    expect(await lesson.locator('math[display="block"]').count()).toBe(1);
    // MathML laid out by the browser: a fraction stands taller than the line around it.
    const line = await lesson.locator('ol > li').first().boundingBox();
    const fraction = await lesson.locator('ol > li math').first().boundingBox();
    expect(fraction!.height).toBeGreaterThan(0.8 * line!.height);
    expect(await lesson.locator('img, a[href^="javascript"], script').count()).toBe(0);
    expect(await lesson.textContent()).toContain('<img src=x onerror=');
    expect(await lesson.locator('code').textContent()).toBe('x < y');
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    expect(await sideways(page)).toBe(0);

    await page.goto(`${lab.stack.web.url}/sessions`);
    await page.getByRole('button', { name: 'Open' }).first().click();
    const past = page.getByTestId('past-thread').locator('.lesson');
    await past.waitFor();
    expect(await past.locator('math mfrac').count()).toBe(5);
    await context.close();
  }, 60_000);
});

describe('before the script has run', () => {
  it('keeps what the student typed into the question box while the page was still loading its script', async () => {
    // No service worker: its copy of the scripts would run at once, whatever the network.
    const context = await lab.browser.newContext({ ...PHONE, serviceWorkers: 'block' });
    const page = await context.newPage();
    await lab.logIn(page, await lab.register('Hiraya'));
    await page.getByLabel('Your question').fill('an older draft'); // kept on the phone
    // A slow network: the page's scripts arrive only when let through.
    let release!: () => void;
    const scripts = new Promise<void>((r) => {
      release = r;
    });
    await page.route('**/_next/static/chunks/**', async (route) => {
      await scripts;
      await route.continue();
    });
    await page.goto(`${lab.stack.web.url}/ask`, { waitUntil: 'commit' });
    const box = page.getByLabel('Your question');
    await box.waitFor();
    await box.pressSequentially('Bakit asul ang langit?');
    release();
    // Live: the Ask button works once the script has run.
    await expect.poll(() => page.getByRole('button', { name: 'Ask', exact: true }).isEnabled()).toBe(true);
    await page.waitForTimeout(300);
    expect(await box.inputValue()).toBe('Bakit asul ang langit?'); // was the older draft
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page
      .getByTestId('answered')
      .locator('.q', { hasText: 'Bakit asul ang langit?' })
      .waitFor({ timeout: 15_000 });
    await context.close();
  }, 60_000);
});

describe('copying an answer', () => {
  it('puts the answer’s text on the clipboard and says so', async () => {
    tutor.answer = 'A **noun** names a person, place, thing or idea: *Maria*, *Cebu*, $x$.';
    const context = await lab.browser.newContext({
      ...PHONE,
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const page = await context.newPage();
    await lab.logIn(page, await lab.register('Isko'));
    await lab.ask(page, 'What is a noun?');
    const answered = page.getByTestId('answered').last();
    await answered.locator('.lesson').waitFor({ timeout: 15_000 });
    await answered.getByRole('button', { name: 'Copy answer' }).click();
    await expect.poll(() => answered.getByRole('status').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(tutor.answer);
    await context.close();
  }, 60_000);
});
