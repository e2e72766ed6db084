import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, PHONE, requireBinary, SCREENSHOTS, startStack } from './stack';

let stack: Awaited<ReturnType<typeof startStack>>;
let browser: Browser;
let phone: BrowserContext;
let page: Page;
const email = `e2e-${Date.now()}@example.ph`;

async function signUp(p: Page) {
  await p.goto(`${stack.web.url}/signup`);
  await p.getByLabel('Your name').fill('Maria Santos');
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password').fill('mabuhay-2026');
  await p.getByRole('button', { name: 'Create account' }).click();
  await p.waitForURL('**/ask');
}

async function ask(p: Page, question: string) {
  await p.getByLabel('Your question').fill(question);
  await p.getByRole('button', { name: 'Ask', exact: true }).click();
}

async function storedQuestions(p: Page): Promise<{ question: string; answer: string }[]> {
  const { token, session } = await p.evaluate(() => ({
    token: localStorage.getItem('bb.token'),
    session: JSON.parse(localStorage.getItem(`bb.session.${localStorage.getItem('bb.student')}`) ?? '{}') as {
      id?: string;
    },
  }));
  const res = await fetch(`${stack.api.url}/api/sessions/${session.id}/questions`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ question: string; answer: string }[]>;
}

beforeAll(async () => {
  const executablePath = requireBinary('chromium', 'chromium');
  stack = await startStack();
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  phone = await browser.newContext(PHONE);
  page = await phone.newPage();
}, 180_000); // the stack waits up to 90 s for a part (web/test/stack.ts)

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/**
 * Saves a full-page screenshot and asserts what it shows: the viewport's width (nothing wider than
 * the phone, no sideways scrolling), the page's own height, and the answer's text on the page.
 */
async function expectShot(page: Page, file: string, width: number) {
  const png = await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: true });
  // PNG: the IHDR chunk holds width and height as big-endian 32-bit numbers at bytes 16 and 20.
  expect(png.subarray(1, 4).toString('latin1'), file).toBe('PNG');
  expect(png.readUInt32BE(16), `${file}: width`).toBe(width);
  const { scrollWidth, clientWidth, scrollHeight } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    scrollHeight: document.documentElement.scrollHeight,
  }));
  expect(scrollWidth, `${file}: no horizontal overflow`).toBeLessThanOrEqual(clientWidth);
  expect(png.readUInt32BE(20), `${file}: height`).toBe(scrollHeight);
  expect(await page.getByTestId('answered').first().textContent(), file).toContain('Offline tutor');
}

describe('the student app in Chromium, against the real API and gateway', () => {
  it('signs up, asks, sees the offline tutor’s answer, and finds it again after a reload', async () => {
    await signUp(page);
    await page.getByLabel('Subject').selectOption('science');
    await ask(page, 'What is photosynthesis?');
    const answer = page.getByTestId('answered').first();
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain('Offline tutor');
    await page.reload();
    await page.getByTestId('answered').first().waitFor();
    expect(await page.getByTestId('answered').count()).toBe(1);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await expectShot(page, 'ask-360x800.png', 360);
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const wide = await desktop.newPage();
    await wide.goto(`${stack.web.url}/login`);
    await wide.evaluate(
      (stored) => {
        for (const [key, value] of Object.entries(stored)) localStorage.setItem(key, value);
      },
      await page.evaluate(() => {
        const student = localStorage.getItem('bb.student') ?? '';
        return {
          'bb.token': localStorage.getItem('bb.token') ?? '',
          'bb.student': student,
          [`bb.session.${student}`]: localStorage.getItem(`bb.session.${student}`) ?? '',
        };
      }),
    );
    await wide.goto(`${stack.web.url}/ask`);
    await wide.getByTestId('answered').first().waitFor();
    await expectShot(wide, 'ask-1280x800.png', 1280);
    await desktop.close();
  }, 60_000);

  it('keeps what is typed across a reload', async () => {
    await page.getByLabel('Your question').fill('Half a thought about fractions');
    await page.reload();
    // The draft comes back from storage once the page has hydrated, not at the load event.
    await expect
      .poll(() => page.getByLabel('Your question').inputValue())
      .toBe('Half a thought about fractions');
    await page.getByLabel('Your question').fill('');
  });

  it('queues a question asked offline and sends it exactly once when the connection returns', async () => {
    await phone.setOffline(true);
    await ask(page, 'Ano ang pangngalan?');
    await page.getByTestId('queued').waitFor();
    expect(await page.getByTestId('queued').textContent()).toContain('Saved on this phone');
    expect(await page.getByText('You are offline').count()).toBe(1);
    await page.waitForTimeout(500);
    await phone.setOffline(false);
    await page.getByTestId('queued').waitFor({ state: 'detached', timeout: 15_000 });
    await expect.poll(() => page.getByTestId('answered').count(), { timeout: 10_000 }).toBe(2);
    const stored = await storedQuestions(page);
    expect(stored.filter((q) => q.question === 'Ano ang pangngalan?')).toHaveLength(1);
  }, 45_000);

  it('switches to Filipino and remembers it', async () => {
    await page.getByLabel('Language').selectOption('fil');
    await page.getByRole('heading', { name: 'Magtanong' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Magtanong' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('fil');
    await page.getByLabel('Wika').selectOption('en');
  });

  it('sends real-user metrics that reach the gateway with page, client type and connection', async () => {
    const effectiveType = await page.evaluate(
      () =>
        (navigator as Navigator & { connection?: { effectiveType?: string } }).connection?.effectiveType ??
        'unknown',
    );
    await page.goto(`${stack.web.url}/sessions`);
    await page.goto(`${stack.web.url}/ask`);
    await page.close(); // leaving: the last batch goes with a keepalive fetch, and the next page sends it again
    page = await phone.newPage();
    await page.goto(`${stack.web.url}/ask`);
    const common = {
      client_type: 'mobile',
      environment: 'development',
      job: 'brainbytes-api',
      platform: 'local',
    };
    const wanted: [string, Record<string, string>][] = [
      ['brainbytes_web_page_views_total', { ...common, page: '/ask', connection: effectiveType }],
      ['brainbytes_web_user_actions_total', { ...common, page: '/ask', action: 'ask' }],
      ['brainbytes_web_user_actions_total', { ...common, page: '/ask', action: 'language_switch' }],
      ['brainbytes_web_connection_events_total', { ...common, event: 'offline' }],
      ['brainbytes_web_connection_events_total', { ...common, event: 'replayed' }],
      [
        'brainbytes_web_vitals_seconds_count',
        { ...common, page: '/ask', connection: effectiveType, metric: 'TTFB' },
      ],
      ['brainbytes_web_page_transfer_bytes_count', { ...common, page: '/ask', connection: effectiveType }],
    ];
    const missing = async () => {
      const lines = (await (await fetch(`${stack.gateway.url}/metrics`)).text()).split('\n');
      return wanted
        .filter(
          ([name, labels]) =>
            !lines.some(
              (line) =>
                line.startsWith(`${name}{`) &&
                Number(line.split(' ').at(-1)) > 0 &&
                Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)),
            ),
        )
        .map(([name, labels]) => `${name}${JSON.stringify(labels)}`);
    };
    // The API pushes every 10 s.
    await expect.poll(missing, { timeout: 25_000, interval: 1000 }).toEqual([]);
  }, 45_000);

  it('has no serious or critical accessibility violations on any page (axe-core)', async () => {
    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    const found: string[] = [];
    for (const path of ['/', '/login', '/signup', '/ask', '/sessions', '/subjects']) {
      await page.goto(`${stack.web.url}${path}`);
      await page.waitForLoadState('networkidle');
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async () => {
        const result = await (
          window as unknown as {
            axe: { run: () => Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> };
          }
        ).axe.run();
        return result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.nodes.length})`);
      });
      found.push(...violations.map((v) => `${path}: ${v}`));
    }
    expect(found).toEqual([]);
  }, 60_000);

  it('sends security headers with every page', async () => {
    const res = await fetch(`${stack.web.url}/ask`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
