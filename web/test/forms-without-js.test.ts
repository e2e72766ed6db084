import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitForHttp } from '@brainbytes/testkit/ports';
import { trackProcess } from '@brainbytes/testkit/processes';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, requireBinary, startStack, webDir } from './stack';

/**
 * A student who taps "Log in" before the page's JavaScript has arrived (≈3.5 s on Slow 3G) is,
 * to the browser, a student without JavaScript: the form must still work, and never put the
 * password in a URL.
 */
let stack: Awaited<ReturnType<typeof startStack>>;
let browser: Browser;
const email = `nojs-${Date.now()}@example.ph`;
const password = 'mabuhay-2026-secret';

beforeAll(async () => {
  const executablePath = requireBinary('chromium', 'chromium');
  stack = await startStack();
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  await register(email, 'Ana Reyes');
}, 180_000); // the stack waits up to 90 s for a part (web/test/stack.ts)

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Signs a student up through the API itself, with the file's password. */
async function register(who: string, name: string) {
  const res = await fetch(`${stack.api.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: who, password, name }),
  });
  expect(res.status).toBe(201);
}

/** Logs the test's student in through the API itself: a token and student id to hand over. */
async function logInThroughApi() {
  const login = await fetch(`${stack.api.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  return (await login.json()) as { token: string; student: { id: string } };
}

/** The hand-over cookie the form route sets, with `value` as its (unencoded) content. */
const handoffCookie = (value: string) => ({
  name: 'bb.handoff',
  value: encodeURIComponent(value),
  url: stack.web.url,
  sameSite: 'Strict' as const,
});

/** A page with JavaScript off, and every URL it requested or navigated to. */
async function withoutJavaScript() {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    viewport: { width: 360, height: 800 },
  });
  const page = await context.newPage();
  const requests: Array<{ method: string; url: string }> = [];
  page.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
  return { context, page, requests };
}

it('logs in without JavaScript: a POST, the password in no URL, and the student lands on /ask with a working token', async () => {
  const { context, page, requests } = await withoutJavaScript();
  await page.goto(`${stack.web.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/ask#handoff=[\w-]{24}$/);
  expect(requests.find((r) => r.url.endsWith('/auth/login'))?.method).toBe('POST');
  for (const { url } of requests) {
    expect(url).not.toContain(encodeURIComponent(password));
    expect(url).not.toContain(password);
    expect(url).not.toContain(encodeURIComponent(email));
  }
  const handoff = (await context.cookies()).find((c) => c.name === 'bb.handoff');
  expect(handoff?.expires).toBeGreaterThan(Date.now() / 1000);
  expect(handoff?.sameSite).toBe('Strict');
  const [nonce, , token] = decodeURIComponent(handoff?.value ?? '').split(' ');
  expect(page.url()).toContain(`#handoff=${nonce}`); // bound to the page this browser landed on
  const sessions = await fetch(`${stack.api.url}/api/sessions`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(sessions.status).toBe(200);
  // The device token for the next log-in: HttpOnly, sent only to the form's route.
  const device = (await context.cookies()).find((c) => c.name === 'bb.device');
  expect(device).toMatchObject({ httpOnly: true, path: '/auth', sameSite: 'Strict' });
  expect(device?.value).toMatch(/^d1\.\d+\.[\w-]{43}$/);
  await context.close();
}, 60_000);

it('comes back to the form with the reason and the email typed (never in an address): a wrong password, a taken email', async () => {
  const { context, page, requests } = await withoutJavaScript();
  await page.goto(`${stack.web.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL('**/login?error=credentials');
  await expect(page.getByRole('alert').textContent()).resolves.toContain('The email or password is wrong.');
  // Only the password to type again.
  expect(await page.getByLabel('Email').inputValue()).toBe(email);
  expect(await page.getByLabel('Password').inputValue()).toBe('');
  const typed = (await context.cookies()).find((c) => c.name === 'bb.typed-email');
  expect(typed).toMatchObject({ path: '/login', httpOnly: true, sameSite: 'Strict' });

  await page.goto(`${stack.web.url}/signup`);
  await page.getByLabel('Your name').fill('Ana Reyes');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/signup?error=taken');
  await expect(page.getByRole('alert').textContent()).resolves.toContain('already exists');
  expect(await page.getByLabel('Email').inputValue()).toBe(email);
  for (const { url } of requests) expect(url).not.toMatch(/password|not-the-password/);
  expect((await context.cookies()).some((c) => c.name === 'bb.handoff')).toBe(false);
  await context.close();
}, 60_000);

it('once the script runs, the handed-over token moves into the page’s storage and the cookie is gone', async () => {
  const { token, student } = await logInThroughApi();
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  await context.addCookies([handoffCookie(`nonce-of-this-page ${student.id} ${token}`)]);
  const page = await context.newPage();
  await page.goto(`${stack.web.url}/ask#handoff=nonce-of-this-page`);
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem('bb.token')), { timeout: 15_000 })
    .toBe(token);
  expect(await page.evaluate(() => localStorage.getItem('bb.student'))).toBe(student.id);
  expect((await context.cookies()).some((c) => c.name === 'bb.handoff')).toBe(false);
  await page.getByLabel('Your question').waitFor(); // the ask form, not "please log in first"
  // The nonce is gone from the address (and history) once the page has hydrated.
  await expect.poll(() => new URL(page.url()).hash, { timeout: 15_000 }).toBe('');
  await context.close();
}, 60_000);

it('signs the next person on a shared phone in as nobody: a hand-over cookie is taken only by the page its nonce names', async () => {
  const { token, student } = await logInThroughApi();
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
  for (const path of ['/ask', '/ask#handoff=guessed-nonce']) {
    const page = await context.newPage(); // a fresh load each time, as the next person's tap is
    // Ana's form post left the cookie (her page never ran its script); Ben opens the app next.
    await context.addCookies([handoffCookie(`anas-nonce ${student.id} ${token}`)]);
    await page.goto(`${stack.web.url}${path}`);
    await expect
      .poll(async () => (await context.cookies()).some((c) => c.name === 'bb.handoff'), { timeout: 15_000 })
      .toBe(false);
    expect(await page.evaluate(() => localStorage.getItem('bb.token'))).toBeNull();
  }
  await context.close();
}, 60_000);

it('refuses a posted form larger than WEB_API_MAX_BODY_BYTES without reading it all', async () => {
  const res = await fetch(`${stack.web.url}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: stack.web.url },
    body: `email=a%40b.ph&password=${'x'.repeat(64 * 1024)}`,
    redirect: 'manual',
  });
  expect(res.status).toBe(413);
  expect(await res.text()).toContain('WEB_API_MAX_BODY_BYTES');
});

it('accepts a posted form only from its own pages: another site’s form is refused (no login CSRF)', async () => {
  const post = (origin?: string) =>
    fetch(`${stack.web.url}/auth/login`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        ...(origin ? { Origin: origin } : {}),
      },
      body: `email=${encodeURIComponent(email)}&password=${encodeURIComponent(password)}`,
      redirect: 'manual',
    });
  // A malformed Origin is refused as well (it was a 500).
  for (const origin of ['https://evil.example', undefined, 'http://[not-a-host', 'null']) {
    const res = await post(origin);
    expect(res.status, String(origin)).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  }
  expect((await post(stack.web.url)).status).toBe(303);
});

describe('asking without JavaScript', () => {
  /** Logs the test's student in by the form, with JavaScript off, and opens asking by form from /ask. */
  async function askingByForm(who = email) {
    const browsing = await withoutJavaScript();
    const { page } = browsing;
    await page.goto(`${stack.web.url}/login`);
    await page.getByLabel('Email').fill(who);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/ask#handoff=/);
    await page.getByRole('link', { name: 'No JavaScript on this browser? Ask here instead.' }).click();
    await page.waitForURL('**/ask/form');
    return browsing;
  }
  /** The form login's token, as the browser keeps it (HttpOnly: the page itself never sees it). */
  async function formToken(context: BrowserContext): Promise<string> {
    const cookie = (await context.cookies()).find((c) => c.name === 'bb.form');
    return decodeURIComponent(cookie?.value ?? '').split(' ')[1] ?? '';
  }
  const asking = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

  it('asks by form and reads the answers on a page the server renders, in one study session', async () => {
    const { context, page } = await askingByForm();
    const token = await formToken(context);
    const before = ((await (await fetch(`${stack.api.url}/api/sessions`, asking(token))).json()) as unknown[])
      .length;
    await page.getByLabel('Subject').selectOption('science');
    await page.getByLabel('Your question').fill('What is photosynthesis?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.waitForURL(/\/ask\/form\?session=[0-9a-f-]{36}$/);
    const answered = page.getByTestId('answered');
    expect(await answered.count()).toBe(1);
    expect(await answered.textContent()).toContain('What is photosynthesis?');
    expect(await page.getByRole('heading', { name: 'This study session · Science' }).count()).toBe(1);
    await page.getByLabel('Your question').fill('And what do plants need for it?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await expect.poll(() => answered.count()).toBe(2);
    // One new session, both questions in it; the page is the student's own: never stored.
    const sessions = (await (await fetch(`${stack.api.url}/api/sessions`, asking(token))).json()) as Array<{
      id: string;
      questions: number;
    }>;
    expect(sessions.length).toBe(before + 1);
    expect(sessions[0]?.questions).toBe(2);
    // A new session, in another subject.
    await page.getByRole('link', { name: 'New session' }).click();
    await page.getByLabel('Subject').selectOption('history');
    await page.getByLabel('Your question').fill('Who was Rizal?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.waitForURL(/\/ask\/form\?session=[0-9a-f-]{36}$/);
    expect(await page.getByRole('heading', { name: 'This study session · History' }).count()).toBe(1);
    expect(await answered.count()).toBe(1);
    expect(
      ((await (await fetch(`${stack.api.url}/api/sessions`, asking(token))).json()) as unknown[]).length,
    ).toBe(before + 2);
    const own = await page.request.get(page.url());
    expect(own.headers()['cache-control']).toContain('no-store');
    // The same form sent again (a double tap, a resend) is answered once: the page's key is the Idempotency-Key.
    const key = await page.locator('input[name="key"]').inputValue();
    const session = await page.locator('input[name="session"]').inputValue();
    for (let i = 0; i < 2; i++)
      await page.request.post(`${stack.web.url}/ask/form/send`, {
        headers: { Origin: stack.web.url },
        form: { key, session, question: 'Is chlorophyll green?' },
        maxRedirects: 0,
      });
    const questions = (await (
      await fetch(`${stack.api.url}/api/sessions/${session}/questions`, asking(token))
    ).json()) as Array<{ question: string }>;
    expect(questions.map((q) => q.question).filter((q) => q === 'Is chlorophyll green?')).toHaveLength(1);
    // A question the API refuses (the session was ended elsewhere) comes back with the reason, still in the box.
    await fetch(`${stack.api.url}/api/sessions/${session}/end`, { method: 'POST', ...asking(token) });
    await page.reload();
    await page.getByLabel('Your question').fill('Ano ang pandiwa?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.waitForURL(/error=ended/);
    expect(await page.getByTestId('form-refused').textContent()).toBe(
      'That study session has ended; your next question starts a new one.',
    );
    expect(await page.getByLabel('Your question').inputValue()).toBe('Ano ang pandiwa?');
    await context.close();
  }, 60_000);

  it('with the API out of reach, says why the answers are missing instead of showing none, and keeps the form', async () => {
    // A student of their own: the test before used up this minute's questions of the file's student.
    const who = `nojs-apart-${Date.now()}@example.ph`;
    await register(who, 'Ben Cruz');
    const { context, page } = await askingByForm(who);
    await page.getByLabel('Your question').fill('What is a noun?');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    await page.waitForURL(/\/ask\/form\?session=[0-9a-f-]{36}$/);
    const session = new URL(page.url()).searchParams.get('session') as string;
    // The same app with its API gone: a second server of this build, its API address answering nothing.
    const [port, nothing] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, [join(webDir, 'dist', 'server.mjs')], {
      env: { ...process.env, WEB_PORT: String(port), BRAINBYTES_API_URL: `http://127.0.0.1:${nothing}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const apart = trackProcess(child, `http://127.0.0.1:${port}`, port);
    try {
      await waitForHttp(`${apart.url}/login`, 60_000);
      // Cookies are per host, not port: the form login goes along.
      await page.goto(`${apart.url}/ask/form?session=${session}`);
      expect(await page.getByTestId('form-unreachable').textContent()).toBe(
        'BrainBytes could not be reached, so the answers of this session are not shown. You can still send a question.',
      );
      expect(await page.getByLabel('Your question').count()).toBe(1);
      expect(await page.locator('input[name="session"]').inputValue()).toBe(session);
      expect(await page.getByText('Log in first to ask the tutor.').count()).toBe(0);
      // With its API, the same page shows the session's answer and nothing about it.
      await page.goto(`${stack.web.url}/ask/form?session=${session}`);
      expect(await page.getByTestId('answered').count()).toBe(1);
      expect(await page.getByTestId('form-unreachable').count()).toBe(0);
    } finally {
      await apart.stop();
      await context.close();
    }
  }, 90_000);

  it('over the question limit: says so, keeps the question and its key, so sending it again asks it once', async () => {
    const who = `limited-${Date.now()}@example.ph`;
    await register(who, 'Lim');
    const { context, page } = await askingByForm(who);
    // The per-student burst (5 questions, then 3 a minute), asked quickly.
    let limited = '';
    for (let i = 1; i <= 7 && !limited; i++) {
      await page.getByLabel('Your question').fill(`Question ${i}: what is ${i} + ${i}?`);
      await page.getByRole('button', { name: 'Ask', exact: true }).click();
      await page.waitForLoadState();
      if (page.url().includes('error=limited')) limited = `Question ${i}: what is ${i} + ${i}?`;
    }
    expect(limited).not.toBe('');
    expect(await page.getByTestId('form-refused').textContent()).toBe(
      'Too many questions for now. Wait a minute, then ask again.',
    );
    expect(await page.getByLabel('Your question').inputValue()).toBe(limited);
    const key = new URL(page.url()).searchParams.get('key');
    expect(await page.locator('input[name="key"]').inputValue()).toBe(key);
    await context.close();
  }, 60_000);

  it('logs out by form (the token revoked), and a logout elsewhere ends asking by form too', async () => {
    const first = await askingByForm();
    const token = await formToken(first.context);
    // Logged in: the menu offers no "Log in" (its Log out needs JavaScript; the page has its own).
    const menuLogin = first.page.getByRole('navigation').getByRole('link', { name: 'Log in' });
    expect(await menuLogin.count()).toBe(0);
    await first.page.getByRole('button', { name: 'Log out' }).click();
    await first.page.waitForURL('**/login');
    expect((await fetch(`${stack.api.url}/api/sessions`, asking(token))).status).toBe(401);
    await first.page.goto(`${stack.web.url}/ask/form`);
    expect(await first.page.getByText('Log in first to ask the tutor.').count()).toBe(1);
    expect(await menuLogin.count()).toBe(1);
    await first.context.close();
    // Logged out with JavaScript on, or on another page: the token is revoked at the API, and the
    // form's cookie (HttpOnly, out of that page's reach) no longer asks anything.
    const second = await askingByForm();
    const revoked = await fetch(`${stack.api.url}/api/auth/logout`, {
      method: 'POST',
      ...asking(await formToken(second.context)),
    });
    expect(revoked.ok).toBe(true);
    await second.page.reload();
    expect(await second.page.getByText('Log in first to ask the tutor.').count()).toBe(1);
    expect(await second.page.getByLabel('Your question').count()).toBe(0);
    await second.context.close();
  }, 60_000);

  it('takes a question only from its own pages, and the cookie only to /ask/form', async () => {
    const { context } = await askingByForm();
    const cookie = (await context.cookies()).find((c) => c.name === 'bb.form');
    expect(cookie).toMatchObject({ path: '/ask/form', httpOnly: true, sameSite: 'Strict' });
    const res = await fetch(`${stack.web.url}/ask/form/send`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://evil.example',
        Cookie: `bb.form=${cookie?.value}`,
      },
      body: 'key=0b6f1c1e-8a9e-4c43-9d1a-2f4a1f7b9a10&subject=math&question=hi',
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    await context.close();
  }, 60_000);
});
