import { startTcpProxy, type TcpProxy } from '@brainbytes/testkit/tcp-proxy';
import type { Browser, Page } from 'playwright-core';
import { PHONE } from '../test/stack';

/** Quiet: no byte on the wire for this long after the page (and its worker) settled. */
const QUIET_MS = 2000;

/** What counts a visit's bytes: a TCP proxy, or the HTTP/2 front's own sockets. */
type Counter = Pick<TcpProxy, 'bytes' | 'resetBytes'>;

async function quiet(proxy: Counter) {
  let last = -1;
  for (;;) {
    const now = proxy.bytes().down + proxy.bytes().up;
    if (now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, QUIET_MS));
  }
}

/**
 * What a phone downloads for a first visit to `url` (everything: the page, its scripts, and what a
 * service worker fetches to keep the app, until the wire is quiet) and for a repeat visit in the
 * same browser, counted by a TCP proxy in front of the server: bytes as they cross the network,
 * whoever asked for them (DevTools misses what the worker fetches).
 */
export async function visitBytes(
  browser: Browser,
  url: string,
  {
    init,
    settle = async () => {},
    front,
  }: {
    /** Runs in the page before its scripts (a logged-in student's storage). */
    init?: (() => void) | undefined;
    /** Waits for what the page starts after loading (its service worker taking control). */
    settle?: (page: Page) => Promise<void>;
    /**
     * An HTTP/2 front already before `url`'s server (bench/h2-front.ts), counting on its own
     * sockets; the browser must trust its certificate. Without it, a TCP proxy counts HTTP/1.1.
     */
    front?: Counter & { url: string };
  } = {},
): Promise<{ first: number; repeat: number }> {
  const target = new URL(url);
  const tcp = front ? undefined : await startTcpProxy(Number(target.port));
  const proxy: Counter = front ?? (tcp as TcpProxy);
  const context = await browser.newContext(PHONE);
  try {
    if (init) await context.addInitScript(init);
    const page = await context.newPage();
    const through = front
      ? `${front.url}${target.pathname}`
      : `http://127.0.0.1:${tcp?.port}${target.pathname}`;
    proxy.resetBytes();
    await page.goto(through, { waitUntil: 'load' });
    await settle(page);
    await quiet(proxy);
    const first = proxy.bytes().down;
    proxy.resetBytes();
    await page.goto(through, { waitUntil: 'load' });
    await quiet(proxy);
    return { first, repeat: proxy.bytes().down };
  } finally {
    await context.close();
    await tcp?.close();
  }
}

/** A page of this app: settled once its service worker controls it (the app kept for offline). */
export async function workerInControl(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve));
  });
}
