import { readFileSync } from 'node:fs';
import http from 'node:http';
import { MAX_BODY_BYTES } from '@brainbytes/functions/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY_BYTES } from '../lib/proxy';
import { startStack } from './stack';

let stack: Awaited<ReturnType<typeof startStack>>;
beforeAll(async () => {
  // No router in front of the API here: it counts direct callers by the socket (hops 0), as Heroku's router would by what it saw.
  stack = await startStack({ apiEnv: { API_RUM_BATCHES_PER_MINUTE: '2', API_TRUST_PROXY_HOPS: '0' } });
}, 180_000); // the stack waits up to 90 s for a part (web/test/stack.ts)
afterAll(async () => stack?.stop());

const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** POSTs `mebibytes` of zeros chunked (no Content-Length), as fast as the proxy takes them. */
function hugePost(url: string, mebibytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/rum`,
      { method: 'POST', headers: { 'Content-Type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'EPIPE' ||
      (error as NodeJS.ErrnoException).code === 'ECONNRESET'
        ? undefined
        : reject(error),
    );
    const chunk = Buffer.alloc(1024 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < mebibytes) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe("the web app's /api proxy", () => {
  it("takes no more than the API does: its default body limit is the API's", () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(MAX_BODY_BYTES);
  });

  it('refuses four 200 MiB uploads at once with 413, holding no more than a few MiB of them', async () => {
    const pid = stack.web.child.pid!;
    const before = rssMiB(pid);
    let peak = before;
    const watch = setInterval(() => {
      peak = Math.max(peak, rssMiB(pid));
    }, 50);
    const replies = await Promise.all(Array.from({ length: 4 }, () => hugePost(stack.web.url, 200)));
    clearInterval(watch);
    for (const reply of replies) {
      expect(reply.status).toBe(413);
      expect(reply.body).toContain('WEB_API_MAX_BODY_BYTES');
    }
    expect(peak - before, `RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MiB`).toBeLessThan(100);
    const declared = await fetch(`${stack.web.url}/api/rum`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: 'x'.repeat(MAX_BODY_BYTES + 1),
    });
    expect(declared.status).toBe(413);
  }, 120_000);

  it('passes each student on as their own address, by the secret it shares with the API', async () => {
    const beacon = (forwardedFor: string) =>
      fetch(`${stack.web.url}/api/rum`, {
        method: 'POST',
        // Heroku's router appends the address it saw: the last entry; anything before it is the client's word.
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': forwardedFor },
        body: JSON.stringify({
          events: [{ type: 'page_view', page: '/ask', client_type: 'mobile', connection: '3g' }],
        }),
      }).then((r) => r.status);
    expect([await beacon('203.0.113.5'), await beacon('203.0.113.5'), await beacon('203.0.113.5')]).toEqual([
      204, 204, 429,
    ]);
    expect(await beacon('203.0.113.6')).toBe(204); // another student through the same web app
    // Forged entries in front of what the router saw change nothing.
    expect([await beacon('1.1.1.1, 203.0.113.6'), await beacon('2.2.2.2, 203.0.113.6')]).toEqual([204, 429]);
  });

  it('lets no one call the API directly as someone else', async () => {
    const direct = (headers: Record<string, string>) =>
      fetch(`${stack.api.url}/api/rum`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({
          events: [{ type: 'page_view', page: '/ask', client_type: 'mobile', connection: '3g' }],
        }),
      }).then((r) => r.status);
    const statuses = [
      await direct({ 'X-Forwarded-For': '9.9.9.1', 'X-BrainBytes-Client-Address': '9.9.9.1' }),
      await direct({
        'X-Forwarded-For': '9.9.9.2',
        'X-BrainBytes-Client-Address': '9.9.9.2',
        'X-BrainBytes-Proxy-Secret': 'guess'.repeat(8),
      }),
      await direct({ 'X-Forwarded-For': '9.9.9.3' }),
    ];
    // Direct callers are counted by the address the API saw, whatever they claim.
    expect(statuses).toEqual([204, 204, 429]);
  });
});
