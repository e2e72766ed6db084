import { smtpSink } from '@brainbytes/testkit/services';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROMIUM_ARGS, PHONE, requireBinary, startStack } from './stack';

/**
 * Sign-up by email code (API_SIGNUP_SMTP_URL set): a new and a taken email get the same page; the
 * code from the email finishes it, with JavaScript and without.
 */
let stack: Awaited<ReturnType<typeof startStack>>;
let browser: Browser;
let smtp: Awaited<ReturnType<typeof smtpSink>>;

beforeAll(async () => {
  const executablePath = requireBinary('chromium', 'chromium');
  smtp = await smtpSink();
  stack = await startStack({ apiEnv: { API_SIGNUP_SMTP_URL: `smtp://127.0.0.1:${smtp.port}` } });
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}, 180_000); // the stack waits up to 90 s for a part (web/test/stack.ts)

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await smtp?.close();
});

async function codeFor(email: string): Promise<string> {
  await expect.poll(() => smtp.mails.some((m) => m.to.includes(email)), { timeout: 15_000 }).toBe(true);
  const mail = smtp.mails.filter((m) => m.to.includes(email)).at(-1);
  return /\b(\d{6})\b/.exec(mail?.parsed.text ?? '')?.[1] ?? 'no code';
}

async function signUp(javaScriptEnabled: boolean, email: string, password: string) {
  const context = await browser.newContext({ ...PHONE, javaScriptEnabled });
  const page = await context.newPage();
  await page.goto(`${stack.web.url}/signup`);
  await page.getByLabel('Your name').fill('Ana Reyes');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByLabel('Code from the email').waitFor();
  return { context, page, text: (await page.locator('main').first().textContent()) ?? '' };
}

it('finishes a sign-up without JavaScript: the code form, the code from the email and the password again', async () => {
  const email = `nojs-code-${Date.now()}@example.ph`;
  const { context, page } = await signUp(false, email, 'mabuhay-2026-secret');
  expect(page.url()).toMatch(/\/signup\?step=code$/);
  await page.getByLabel('Code from the email').fill(await codeFor(email));
  await page.getByLabel('Password').fill('mabuhay-2026-secret');
  await page.getByRole('button', { name: 'Finish signing up' }).click();
  await page.waitForURL(/\/ask#handoff=/);
  const handoff = (await context.cookies()).find((c) => c.name === 'bb.handoff');
  const token = decodeURIComponent(handoff?.value ?? '').split(' ')[2];
  const sessions = await fetch(`${stack.api.url}/api/sessions`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(sessions.status).toBe(200);
  expect((await context.cookies()).some((c) => c.name === 'bb.signup')).toBe(false); // used up
  await context.close();
}, 60_000);

it('shows the same page for a taken email as for a new one, and finishes a new one with JavaScript', async () => {
  const taken = `taken-${Date.now()}@example.ph`;
  const first = await signUp(true, taken, 'first-password-1');
  await first.page.getByLabel('Code from the email').fill(await codeFor(taken));
  await first.page.getByRole('button', { name: 'Finish signing up' }).click();
  await first.page.waitForURL('**/ask');
  await expect
    .poll(() => first.page.evaluate(() => localStorage.getItem('bb.token')), { timeout: 15_000 })
    .toMatch(/\./);
  await first.context.close();

  const again = await signUp(true, taken, 'someone-elses-pw');
  const fresh = await signUp(true, `fresh-${Date.now()}@example.ph`, 'another-password');
  expect(again.text).toBe(fresh.text);
  expect(again.text).toContain('Check your email');
  await expect.poll(() => smtp.mails.filter((m) => m.to.includes(taken)).length, { timeout: 15_000 }).toBe(2);
  expect(smtp.mails.filter((m) => m.to.includes(taken)).at(-1)?.parsed.subject).toBe(
    'You already have a BrainBytes account',
  );
  await again.context.close();
  await fresh.context.close();
}, 60_000);
