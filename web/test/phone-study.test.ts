import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRumBatch } from '@brainbytes/functions/contracts';
import { chromium, type Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD, phoneLabForThisFile } from './phone-lab';
import { CHROMIUM_ARGS, PHONE, requireBinary } from './stack';

/**
 * Studying on the phone (issue 26): the app installs to the home screen, the sessions list says
 * what each session was about, and switching subject never hides the answers read so far.
 */
const lab = phoneLabForThisFile();

/** Width and height a PNG says in its IHDR chunk. */
function pngSize(bytes: Buffer) {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

describe('on the home screen', () => {
  it('Chromium finds the app installable: a manifest that opens on /ask, icons of the sizes it names, a worker', async () => {
    // Chromium never offers to install from an incognito context (what newContext makes): a profile.
    const profile = mkdtempSync(join(tmpdir(), 'bb-install-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: requireBinary('chromium', 'chromium'),
      args: CHROMIUM_ARGS,
      ...PHONE,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await lab.logIn(page, await lab.register('Nilo'));
    await lab.appKept(page);
    // A page load, as Android checks on one (after the client-side move from /login to /ask, the
    // head's manifest link is re-rendered and Chromium can look while it is away).
    await page.reload();
    await page.getByLabel('Your question').waitFor();
    const cdp = await context.newCDPSession(page);
    await expect
      .poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, {
        timeout: 10_000,
      })
      .toEqual([]);
    const { url, data } = await cdp.send('Page.getAppManifest');
    expect(url).toMatch(/\/manifest\.webmanifest$/);
    const manifest = JSON.parse(data as string) as {
      start_url: string;
      display: string;
      icons: { src: string; sizes: string; purpose: string }[];
    };
    expect(manifest).toMatchObject({ start_url: '/ask', display: 'standalone' });
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`).sort()).toEqual([
      '192x192 any',
      '192x192 maskable',
      '512x512 any',
      '512x512 maskable',
    ]);
    for (const icon of manifest.icons) {
      const res = await page.request.get(`${lab.stack.web.url}${icon.src}`);
      expect(res.headers()['content-type']).toBe('image/png');
      expect(pngSize(await res.body())).toBe(icon.sizes);
    }
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }, 60_000);
});

describe('before signing up', () => {
  it('"Start asking" opens the question box, not a login wall; what was typed is there to send after signing up', async () => {
    const context = await lab.browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(lab.stack.web.url);
    await page.getByRole('link', { name: 'Start asking' }).click();
    await page.waitForURL('**/ask');
    await page.getByTestId('visitor').waitFor();
    expect(await page.getByText('Please log in first.').count()).toBe(0);
    const question = 'Ano ang photosynthesis?';
    await page.getByLabel('Subject').selectOption('science');
    await page.getByLabel('Your question').fill(question);
    await page.getByRole('link', { name: 'Sign up to ask' }).click();
    await page.waitForURL('**/signup');
    const email = `quin-${Date.now()}@example.ph`;
    await page.getByLabel('Your name').fill('Quin');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('main').getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/ask');
    await expect.poll(() => page.getByLabel('Your question').inputValue()).toBe(question);
    expect(await page.getByLabel('Subject').inputValue()).toBe('science');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.getByTestId('answered').waitFor({ timeout: 15_000 });
    expect(await lab.questionsOf(email)).toEqual([question]);
    // The visitor's copy went with the sign-up: the next visitor on this phone starts with an empty box.
    expect(await page.evaluate(() => localStorage.getItem('bb.draft'))).toBeNull();
    await context.close();
  }, 60_000);

  it("shows a visitor the way in from the first paint, and a student the ask button, before the app's script has loaded", async () => {
    const context = await lab.browser.newContext(PHONE);
    // A slow link: the app's scripts have not arrived (the page's own inline ones have).
    await context.route('**/_next/static/**/*.js', (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${lab.stack.web.url}/ask`);
    expect(await page.getByTestId('visitor').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Sign up to ask' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Ask', exact: true }).isVisible()).toBe(false);
    expect(await page.getByRole('heading', { name: 'This study session' }).isVisible()).toBe(false);
    // A phone with a login: its controls (disabled until the script runs), no invitation to sign up.
    await page.evaluate(() => {
      localStorage.setItem('bb.token', 'kept-from-an-earlier-visit');
      localStorage.setItem('bb.student', 'a-student');
    });
    await page.reload();
    expect(await page.getByRole('button', { name: 'Ask', exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Ask', exact: true }).isDisabled()).toBe(true);
    expect(await page.getByTestId('visitor').isVisible()).toBe(false);
    await context.close();
  });
});

describe('offline', () => {
  it('a question asked without signal is brought into view below the offline notice, not left under the fold', async () => {
    const { context, page } = await lab.student('Tess');
    // A thread as long as a study session gets: the box is far above its end.
    for (const [i, question] of [
      'How do I add fractions?',
      'What is photosynthesis?',
      'Who is Rizal?',
    ].entries()) {
      await lab.ask(page, question);
      await expect.poll(() => page.getByTestId('answered').count(), { timeout: 15_000 }).toBe(i + 1);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await context.setOffline(true);
    await page.getByText('You are offline.').waitFor();
    await lab.ask(page, 'Ano ang pangngalan? Magbigay ng tatlong halimbawa.');
    const waiting = page.getByTestId('queued');
    await waiting.waitFor();
    await expect
      .poll(
        async () => {
          const box = await waiting.boundingBox();
          return box ? box.y >= 0 && box.y + box.height <= 800 : false;
        },
        { timeout: 5000 },
      )
      .toBe(true);
    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('answered').count(), { timeout: 20_000 }).toBe(4);
    await context.close();
  }, 60_000);
});

describe('subjects', () => {
  it('shows each lesson rendered (math as MathML) in the language chosen, and opens offline from the copy kept', async () => {
    const { context, page } = await lab.student('Uma');
    await lab.appKept(page);
    await page.getByRole('banner').getByRole('combobox').selectOption('fil');
    await page.goto(`${lab.stack.web.url}/subjects`);
    const math = page.locator('section', { has: page.getByRole('heading', { name: 'Matematika' }) });
    await math.locator('.lesson math').first().waitFor();
    expect(await math.textContent()).toContain('Para magdagdag ng praksiyon');
    // Offline within the hour the API lets it be cached: the browser's copy, no notice needed…
    await context.setOffline(true);
    await page.reload();
    await math.locator('.lesson math').first().waitFor();
    // …and once that copy is gone, the one the page kept, saying so.
    await (await context.newCDPSession(page)).send('Network.clearBrowserCache');
    await page.reload();
    await page.getByText('Offline ka: ito ang naka-save sa teleponong ito.').waitFor();
    expect(await math.locator('.lesson math').count()).toBeGreaterThan(0);
    await context.close();
  }, 60_000);
});

describe('past sessions', () => {
  it('each session shows the start of its first question, two lines at most and never wider than the phone', async () => {
    const { context, page } = await lab.student('Oca');
    const first = `Paano mag-divide ng fractions? ${'Pakipaliwanag nang mahaba. '.repeat(8)}`;
    await lab.ask(page, first);
    await page.getByTestId('answered').waitFor({ timeout: 15_000 });
    await page.goto(`${lab.stack.web.url}/sessions`);
    const preview = page.locator('.cards .preview');
    await preview.waitFor();
    expect(await preview.textContent()).toBe(first.slice(0, 100));
    const box = await preview.evaluate((el) => ({
      lines: Math.round(
        el.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(el).lineHeight),
      ),
      right: el.getBoundingClientRect().right,
    }));
    expect(box.lines).toBeLessThanOrEqual(2);
    expect(box.right).toBeLessThanOrEqual(360);
    // Beside it, the Open button keeps its word on one line (a 44 px target, not "Op / en").
    const open = await page.getByRole('button', { name: 'Open' }).boundingBox();
    expect(open?.height).toBeLessThan(50);
    // A screen reader hears it with the Open button.
    const described = await page
      .getByRole('button', { name: 'Open' })
      .evaluate((b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent);
    expect(described).toContain('Paano mag-divide ng fractions?');
    await context.close();
  }, 60_000);
});

describe('past sessions offline', () => {
  it('after the sessions list was seen online once, the newest sessions open offline, never opened before', async () => {
    const email = await lab.register('Vic');
    // Asked on another phone (a school computer): this phone has kept nothing of them.
    await lab.askElsewhere(email, [
      ['math', 'How do I add fractions?'],
      ['history', 'Who is Rizal?'],
    ]);
    const context = await lab.browser.newContext(PHONE);
    const page = await context.newPage();
    await lab.logIn(page, email);
    await lab.appKept(page);
    await page.goto(`${lab.stack.web.url}/sessions`);
    await page.locator('.cards .preview').first().waitFor();
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const key = Object.keys(localStorage).find((k) => k.startsWith('bb.threads.'));
            return Object.keys(JSON.parse(localStorage.getItem(key ?? '') ?? '{}').threads ?? {}).length;
          }),
        { timeout: 10_000 },
      )
      .toBe(2);
    await context.setOffline(true);
    await page.reload();
    await page.getByText('You are offline: this is what was saved on this phone.').waitFor();
    const math = page.locator('.cards li', { hasText: 'How do I add fractions?' });
    await math.getByRole('button', { name: 'Open' }).click();
    await math.getByTestId('past-thread').locator('.lesson math').first().waitFor();
    await context.close();
  }, 60_000);
});

describe('a login that ended', () => {
  it('on past sessions says why and offers the way back in, not only a red line', async () => {
    const { context, page } = await lab.student('Wen');
    // The token is no longer good (expired, or logged out on another phone).
    await page.evaluate(() => localStorage.setItem('bb.token', 'ended.token'));
    await page.goto(`${lab.stack.web.url}/sessions`);
    await page.getByText('Your login has ended. Log in again.').waitFor();
    await page.getByRole('main').getByRole('link', { name: 'Log in' }).click();
    await page.waitForURL('**/login');
    await context.close();
  }, 60_000);
});

describe('switching subject', () => {
  it('keeps the answers so far in view, marked with their subject, and says the next question starts a new session', async () => {
    const { context, page } = await lab.student('Pia');
    await lab.ask(page, 'What is a prime number?');
    await page.getByTestId('answered').waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('#thread-title').textContent()).toBe('This study session · Math');
    await page.getByLabel('Subject').selectOption('science');
    await expect
      .poll(() => page.getByTestId('new-session-next').textContent())
      .toBe(
        'Your next question starts a new Science session. The answers so far stay here and in Past sessions.',
      );
    const kept = page.getByTestId('answered');
    expect(await kept.count()).toBe(1);
    expect(await kept.textContent()).toContain('Answered in your Math session');
    expect(await kept.textContent()).toContain('What is a prime number?');
    // The next question starts the Science session below the Math answer; the notice has done its job.
    await lab.ask(page, 'What is photosynthesis?');
    await expect.poll(() => kept.count(), { timeout: 15_000 }).toBe(2);
    expect(await page.getByTestId('new-session-next').count()).toBe(0);
    await expect.poll(() => page.locator('#thread-title').textContent()).toBe('This study session · Science');
    await context.close();
  }, 60_000);
});

describe('data saver', () => {
  it('switched on: questions carry Save-Data (shorter answers), and the app reports its use no more', async () => {
    const context = await lab.browser.newContext(PHONE);
    const page = await context.newPage();
    const sent: Request[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().includes('/api/') && sent.push(r));
    await lab.logIn(page, await lab.register('Rey'));
    await page.getByRole('checkbox', { name: 'Data saver' }).check();
    await lab.ask(page, 'What is a noun?');
    await page.getByTestId('answered').waitFor({ timeout: 15_000 });
    await page.goto(`${lab.stack.web.url}/sessions`); // leaving the page sends what it kept
    await page.getByRole('heading', { name: 'Past study sessions' }).waitFor();
    await page.waitForTimeout(3000); // and the next page re-sends what was left
    const asked = sent.find((r) => /\/questions$/.test(r.url()));
    expect(asked?.headers()['save-data']).toBe('on');
    const events = sent
      .filter((r) => r.url().endsWith('/api/rum'))
      .flatMap((r) => parseRumBatch(JSON.parse(r.postData() ?? '{}')));
    expect(events.filter((e) => e.type === 'action' && e.action === 'ask')).toEqual([]);
    // Kept on the phone: the next page (and visit) has it on.
    expect(await page.getByRole('checkbox', { name: 'Data saver' }).isChecked()).toBe(true);
    await context.close();
  }, 60_000);

  it('on from the first visit: the worker keeps the pages the student opens (the first from the browser’s cache), and fetches none ahead', async () => {
    const context = await lab.browser.newContext(PHONE);
    await context.addInitScript(
      () => localStorage.getItem('bb.saver') ?? localStorage.setItem('bb.saver', 'on'),
    );
    const page = await context.newPage();
    const asked: string[] = [];
    context.on('request', (r) => r.isNavigationRequest() || asked.push(new URL(r.url()).pathname));
    await lab.logIn(page, await lab.register('Sol'));
    await lab.appKept(page);
    const kept = () =>
      page.evaluate(async () => {
        const name = (await caches.keys()).find((n) => n.startsWith('bb-pages-'));
        const pages = name ? await caches.open(name) : undefined;
        return (await pages?.keys())?.map((r) => new URL(r.url).pathname).sort();
      });
    // The page open when the worker installed (/login, or /ask once logged in) is kept from the
    // browser's cache: the next visit costs no page download either.
    const opened = ['/ask', '/login'];
    await expect.poll(async () => (await kept())?.length ?? 0, { timeout: 5000 }).toBeGreaterThan(0);
    expect((await kept())?.filter((path) => !opened.includes(path))).toEqual([]);
    expect(asked.filter((path) => ['/sessions', '/subjects'].includes(path))).toEqual([]);
    await page.reload(); // a navigation the worker now sees
    await page.getByLabel('Your question').waitFor();
    expect(await kept()).toContain('/ask');
    expect((await kept())?.filter((path) => !opened.includes(path))).toEqual([]);
    await context.close();
  }, 60_000);
});

describe('without JavaScript', () => {
  it('/sessions and /subjects say the page needs JavaScript, instead of "Loading…" for ever', async () => {
    const context = await lab.browser.newContext({ ...PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    for (const path of ['/sessions', '/subjects']) {
      await page.goto(`${lab.stack.web.url}${path}`);
      await page.getByText('This page needs JavaScript to load.').waitFor();
    }
    await context.close();
    // With the script, just "Loading…" until the list is there.
    const scripted = await lab.browser.newContext(PHONE);
    const live = await scripted.newPage();
    await live.goto(`${lab.stack.web.url}/subjects`);
    await live.getByRole('heading', { name: 'Math' }).waitFor();
    expect(await live.getByText('This page needs JavaScript').count()).toBe(0);
    await scripted.close();
  });
});
