import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { scrape } from '@brainbytes/testkit/exposition';
import { type InProcessGateway, startInProcess } from '@brainbytes/testkit/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaRuntime } from '../src/lambda/runtime';

/** What every Lambda of ours shares (runtime.ts): cold starts, GB-seconds, the push before return. */
describe('the Lambda runtime wrapper, pushing to a real gateway', () => {
  let gateway: InProcessGateway;
  beforeAll(async () => {
    gateway = await startInProcess();
    process.env.IS_OFFLINE = 'true';
    process.env.BRAINBYTES_ENVIRONMENT = 'production';
  });
  afterAll(() => gateway?.close());

  const samples = async () =>
    (await scrape(gateway.url, (name) => name.startsWith('brainbytes_function_'))).samples;
  /** The gateway's scrape has labels in name order: cold_start sorts first. */
  const labels = (fn: string, first = '') =>
    `{${first}environment="production",function="${fn}",instance="",job="brainbytes-${fn}",platform="lambda"}`;

  it('counts the cold start once, adds GB-seconds from the configured memory, and has pushed before it returns', async () => {
    process.env.PUSHGATEWAY_URL = gateway.url;
    const runtime = lambdaRuntime('ai');
    const handler = runtime.wrap(async (event: { n: number }) => {
      await new Promise((r) => setTimeout(r, 200));
      return { answer: event.n };
    });
    const started = performance.now();
    expect(await handler({ n: 1 }, { memoryLimitInMB: 512 })).toEqual({ answer: 1 });
    const took = (performance.now() - started) / 1000;
    // No waiting: the push is part of the invocation.
    let s = await samples();
    expect(s.get(`brainbytes_function_invocations_total${labels('ai', 'cold_start="true",')}`)).toBe(1);
    const gbSeconds = s.get(`brainbytes_function_gb_seconds_total${labels('ai')}`) ?? 0;
    // 0.5 GB × the handler's time: about its 200 ms at least, at most the whole call as measured here.
    expect(gbSeconds).toBeGreaterThanOrEqual(0.5 * 0.195); // timers may fire a millisecond early
    expect(gbSeconds).toBeLessThanOrEqual(0.5 * took);
    await handler({ n: 2 }, { memoryLimitInMB: 512 });
    s = await samples();
    expect(s.get(`brainbytes_function_invocations_total${labels('ai', 'cold_start="true",')}`)).toBe(1);
    expect(s.get(`brainbytes_function_invocations_total${labels('ai', 'cold_start="false",')}`)).toBe(1);
  });

  it('returns within the push bound when the gateway hangs', async () => {
    const hung: http.ServerResponse[] = [];
    const server = http.createServer((_req, res) => void hung.push(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.PUSHGATEWAY_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const handler = lambdaRuntime('job').wrap(async () => 'done');
      const started = performance.now();
      expect(await handler({}, { memoryLimitInMB: 256 })).toBe('done');
      const took = performance.now() - started;
      // The push client's bound is 500 ms: a dead gateway costs a student at most that.
      expect(took).toBeGreaterThanOrEqual(450);
      expect(took).toBeLessThan(1_500); // the bound and some scheduling, not a hang
    } finally {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      server.close();
    }
  });
});
