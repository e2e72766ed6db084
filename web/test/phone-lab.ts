import type { FakeOpenAi } from '@brainbytes/testkit/fake-openai';
import type { Page } from 'playwright-core';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { CHROMIUM_ARGS, PHONE, requireBinary, startStack } from './stack';

/**
 * The stack and Chromium for the phone tests, and what a student does in them: register, log in,
 * ask, log out. Students here ask more than the per-student default allows (5, then 3 a minute);
 * the limit's own behaviour is tested with the API.
 */
export const PASSWORD = 'mabuhay-2026';

/**
 * `tutor`: the stack's tutor asks this OpenAI-compatible server (the fake from testkit, as a real
 * model would answer: Markdown and math) instead of writing offline answers.
 */
export async function startPhoneLab({ tutor }: { tutor?: FakeOpenAi } = {}) {
  const executablePath = requireBinary('chromium', 'chromium');
  const aiEnv: Record<string, string> = tutor
    ? { OPENAI_API_KEY: 'sk-test-phone-lab', OPENAI_BASE_URL: tutor.url }
    : {};
  const stack = await startStack({ apiEnv: { API_RATE_QUESTIONS: '50,50/1m' }, aiEnv });
  const browser: Browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const actions = studentActions(stack);
  return {
    stack,
    browser,
    ...actions,
    /** A new student on a phone of their own (a fresh context), logged in on /ask. */
    async student(name: string) {
      const email = await actions.register(name);
      const context = await browser.newContext(PHONE);
      const page = await context.newPage();
      await actions.logIn(page, email);
      return { email, context, page };
    },
    async stop() {
      await browser.close();
      await stack.stop();
    },
  };
}

export type PhoneLab = Awaited<ReturnType<typeof startPhoneLab>>;

/**
 * The lab for one test file: started before its tests and stopped after them. The object is
 * filled in `beforeAll`, so read its fields inside tests.
 */
export function phoneLabForThisFile(options: { tutor?: FakeOpenAi } = {}): PhoneLab {
  const lab = {} as PhoneLab;
  beforeAll(async () => {
    await options.tutor?.start();
    Object.assign(lab, await startPhoneLab(options));
  }, 180_000); // the stack waits up to 90 s for a part (web/test/stack.ts)
  afterAll(async () => {
    await lab.stop?.();
    await options.tutor?.stop();
  });
  return lab;
}

function studentActions(stack: Awaited<ReturnType<typeof startStack>>) {
  async function register(name: string) {
    const email = `${name.toLowerCase()}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.ph`;
    const res = await fetch(`${stack.api.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD, name }),
    });
    expect(res.status).toBe(201);
    return email;
  }

  /** Logs in on the app at `web` (the stack's own address, or a front in front of it). */
  async function logIn(page: Page, email: string, web = stack.web.url) {
    await page.goto(`${web}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('main').getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/ask');
    await page.getByLabel('Your question').waitFor();
  }

  /** Waits until the service worker has kept the app and controls the page (after a first visit). */
  async function appKept(page: Page) {
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller)
        await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve));
    });
  }

  async function ask(page: Page, question: string) {
    await page.getByLabel('Your question').fill(question);
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
  }

  /** The student's Authorization header, from a log-in through the API itself. */
  async function authOf(email: string) {
    const login = await fetch(`${stack.api.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    return { Authorization: `Bearer ${token}` };
  }

  /** Questions the student asked elsewhere (another phone, a school computer), one session each. */
  async function askElsewhere(email: string, asks: Array<[subject: string, question: string]>) {
    const headers = { ...(await authOf(email)), 'Content-Type': 'application/json' };
    for (const [subject, question] of asks) {
      const session = await fetch(`${stack.api.url}/api/sessions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ subject }),
      });
      const { id } = (await session.json()) as { id: string };
      const asked = await fetch(`${stack.api.url}/api/sessions/${id}/questions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ question }),
      });
      expect(asked.status).toBe(201);
    }
  }

  /** Every question the API stored for a student, across their sessions. */
  async function questionsOf(email: string): Promise<string[]> {
    const auth = { headers: await authOf(email) };
    const sessions = (await (await fetch(`${stack.api.url}/api/sessions`, auth)).json()) as { id: string }[];
    const all: string[] = [];
    for (const s of sessions) {
      const qs = (await (await fetch(`${stack.api.url}/api/sessions/${s.id}/questions`, auth)).json()) as {
        question: string;
      }[];
      all.push(...qs.map((q) => q.question));
    }
    return all;
  }

  async function logOut(page: Page, choice: 'Log out' | 'Delete them and log out') {
    await page.getByRole('banner').getByRole('button', { name: 'Log out' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: choice, exact: true }).click();
    await page.waitForURL('**/login');
  }

  return { register, logIn, appKept, ask, askElsewhere, questionsOf, logOut };
}
