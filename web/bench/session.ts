import type { Browser } from 'playwright-core';
import type { startH2Front } from './h2-front';
import { type Exchange, meter } from './wire';

export interface StudySession {
  /** The API calls of the questions, then the real-user metrics sent when the page was hidden. */
  exchanges: Exchange[];
  /** The answers' text as shown, in bytes. */
  answerBytes: number;
  /** Over the HTTP/2 front: every byte both ways on the phone's connections while it asked. */
  wireBytes?: number;
  /** Through `counter`: every byte both ways after the page was hidden (the real-user metrics). */
  leftBytes?: number;
}

/** Counts what crosses the wire (testkit's TCP proxy). */
interface Counter {
  bytes(): { up: number; down: number };
  resetBytes(): void;
}

/**
 * A student on Slow 3G asks `questions` questions on /ask, one after the other, then switches to
 * another app. Over HTTP/1.1 each request is metered through DevTools; through an HTTP/2 front the
 * front's sockets count the bytes (service workers blocked, so only the studying is on the wire).
 */
export async function studySession(
  browser: Browser,
  {
    url,
    loggedIn,
    questions,
    front,
    counter,
    say,
  }: {
    url: string;
    /** The proxy `url` goes through: it counts what leaves when the page is hidden. */
    counter?: Counter;
    loggedIn: () => void;
    questions: number;
    front?: Awaited<ReturnType<typeof startH2Front>>;
    say: (line: string) => void;
  },
): Promise<StudySession> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 800 },
    isMobile: true,
    ...(front ? { ignoreHTTPSErrors: true, serviceWorkers: 'block' as const } : {}),
  });
  try {
    await context.addInitScript(loggedIn);
    const page = await context.newPage();
    await page.goto(`${url}/ask`, { timeout: 120_000 });
    await page
      .getByRole('button', { name: 'Ask', exact: true })
      .and(page.locator(':enabled'))
      .waitFor({ timeout: 120_000 });
    if (front) {
      const protocol = await page.evaluate(
        () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol,
      );
      if (protocol !== 'h2') throw new Error(`the HTTP/2 front was reached over ${protocol}, not h2`);
    }
    const wire = await meter(page, { cpu: 1 });
    await page.waitForTimeout(1000);
    wire.take();
    const before = front?.wireBytes() ?? 0;
    let answerBytes = 0;
    for (let n = 1; n <= questions; n++) {
      if (n === 1 || n % 5 === 0) say(`  question ${n}/${questions} …`);
      await page.getByLabel('Your question').fill(`What is photosynthesis? (${n})`);
      await page.getByRole('button', { name: 'Ask', exact: true }).click();
      const answered = page.getByTestId('answered').nth(n - 1);
      await answered.waitFor({ timeout: 120_000 });
      answerBytes += Buffer.byteLength((await answered.locator('.a').textContent()) ?? '');
    }
    await page.waitForTimeout(1000);
    const wireBytes = front ? front.wireBytes() - before : undefined;
    const asked = wire.take(front ? { http: 2 } : undefined);
    const stray = asked.filter((x) => !x.path.startsWith('/api/'));
    if (stray.length) throw new Error(`not only the API on the wire: ${stray.map((x) => x.path).join(', ')}`);
    // The student switches to another app: the page is hidden and what it holds goes out now.
    // (Headless Chromium keeps its pages visible; this is what the browser would report.)
    // (A string: tsx would name the getter with a helper the page does not have.)
    counter?.resetBytes();
    await page.evaluate(
      "Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'hidden' }); document.dispatchEvent(new Event('visibilitychange'));",
    );
    // A keepalive request outlives its page, so Chromium reports it to the browser, not to the
    // page's DevTools session: the proxy counts it on the wire.
    let leftBytes: number | undefined;
    if (counter) {
      let seen = -1;
      for (let waited = 0; waited < 15_000; waited += 1000) {
        await page.waitForTimeout(1000);
        const now = counter.bytes().up + counter.bytes().down;
        if (now > 0 && now === seen) break;
        seen = now;
      }
      leftBytes = counter.bytes().up + counter.bytes().down;
    }
    // Sent with fetch and keepalive, answered after a round trip or two of Slow 3G (2 s each).
    const left: Exchange[] = [];
    for (let waited = counter ? 14_500 : 0; waited < 15_000 && !left.length; waited += 500) {
      await page.waitForTimeout(500);
      left.push(...wire.take(front ? { http: 2 } : undefined).filter((x) => x.path === '/api/rum'));
    }
    return { exchanges: [...asked, ...left], answerBytes, wireBytes, ...(counter ? { leftBytes } : {}) };
  } finally {
    await context.close();
  }
}
