import type { Page } from 'playwright-core';

/** DevTools' Slow 3G: 2 s round trip, 50 kB/s each way. */
export const SLOW_3G = {
  offline: false,
  latency: 2000,
  downloadThroughput: 50_000,
  uploadThroughput: 50_000,
};

export interface Exchange {
  method: string;
  path: string;
  sent: number;
  received: number;
}

/** Bytes on the wire both ways, per request, from the DevTools protocol. */
export async function meter(page: Page, { cpu }: { cpu: number }) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  if (cpu > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  const open = new Map<string, Exchange>();
  const done: (Exchange & { id: string })[] = [];
  // The request's headers as sent (ExtraInfo), by request: this event may come before or after
  // requestWillBeSent, so they are added up when the exchanges are taken.
  const headerBytes = new Map<string, number>();
  cdp.on('Network.requestWillBeSent', (e) => {
    const url = new URL(e.request.url);
    open.set(e.requestId, {
      method: e.request.method,
      path: url.pathname,
      // Request line and body; the headers arrive with ExtraInfo.
      sent:
        `${e.request.method} ${url.pathname}${url.search} HTTP/1.1\r\n\r\n`.length +
        Buffer.byteLength(e.request.postData ?? ''),
      received: 0,
    });
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    let bytes = 0;
    for (const [k, v] of Object.entries(e.headers)) bytes += Buffer.byteLength(`${k}: ${v}\r\n`);
    headerBytes.set(e.requestId, bytes);
  });
  cdp.on('Network.loadingFinished', (e) => {
    const x = open.get(e.requestId);
    if (!x) return;
    x.received = e.encodedDataLength;
    done.push({ ...x, id: e.requestId });
    open.delete(e.requestId);
  });
  return {
    /** The exchanges finished since the last call. Over HTTP/2 only their paths mean anything (the sizes assume HTTP/1.1). */
    take({ http = 1 }: { http?: 1 | 2 } = {}): Exchange[] {
      return done.splice(0, done.length).map(({ id, ...x }) => {
        const headers = headerBytes.get(id);
        // A page served by the service worker sends nothing; an API call always does.
        if (headers === undefined && x.path.startsWith('/api/') && http === 1)
          throw new Error(`no request headers seen for ${x.method} ${x.path}`);
        headerBytes.delete(id);
        return { ...x, sent: x.sent + (headers ?? 0) };
      });
    },
  };
}
