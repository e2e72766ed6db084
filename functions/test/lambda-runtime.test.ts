import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type InProcessGateway, startInProcess } from '@brainbytes/pushgateway/in-process';
import { scrape } from '@brainbytes/testkit/exposition';
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
    `{${first}environment="production",function="${fn}",instance="",job="brainbytes-${fn === 'job' ? 'jobs' : fn}",platform="lambda"}`;

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

  it('a cold start observes one INIT, warm invocations none; billed GB-s add INIT and round up to the millisecond; memory is the process peak over the configured size', async () => {
    process.env.PUSHGATEWAY_URL = gateway.url;
    const handler = lambdaRuntime('api').wrap(async (event: { ms: number }) => {
      await new Promise((r) => setTimeout(r, event.ms));
      return 'ok';
    });
    const before = performance.now();
    await handler({ ms: 30 }, { memoryLimitInMB: 512 });
    const after = performance.now();
    for (let i = 0; i < 3; i++) await handler({ ms: 5 }, { memoryLimitInMB: 512 });
    const s = await samples();
    const get = (name: string) => s.get(`${name}${labels('api')}`) ?? Number.NaN;
    // One INIT: the process's start to the first entry (performance.now() then).
    expect(get('brainbytes_function_init_duration_seconds_count')).toBe(1);
    const init = get('brainbytes_function_init_duration_seconds_sum');
    expect(init).toBeGreaterThanOrEqual(before / 1000);
    expect(init).toBeLessThanOrEqual(after / 1000);
    // Billed = 0.5 GB × (INIT + each handler's time, each rounded up to the ms): 4 roundings of < 1 ms.
    const handlerGbSeconds = get('brainbytes_function_gb_seconds_total');
    const billed = get('brainbytes_function_billed_gb_seconds_total');
    const rounding = billed - handlerGbSeconds - 0.5 * init;
    expect(rounding).toBeGreaterThanOrEqual(-1e-9);
    expect(rounding).toBeLessThan(0.5 * (4 / 1000));
    // Memory: 4 observations of the process's peak over 512 MiB, within a few percent of the peak now.
    expect(get('brainbytes_function_memory_used_ratio_count')).toBe(4);
    const ratio = get('brainbytes_function_memory_used_ratio_sum') / 4;
    const peak = process.resourceUsage().maxRSS / 1024 / 512;
    expect(ratio).toBeGreaterThan(0.95 * peak);
    expect(ratio).toBeLessThanOrEqual(peak);
    expect(s.get(`brainbytes_function_timeouts_total${labels('api')}`) ?? 0).toBe(0);
  });

  it('counts a timeout and pushes it before the deadline, billed to the deadline, while the handler still runs', async () => {
    process.env.PUSHGATEWAY_URL = gateway.url;
    process.env.LAMBDA_TIMEOUT_MARGIN_MS = '800';
    try {
      let release = () => {};
      const stuck = new Promise<void>((r) => {
        release = r;
      });
      const handler = lambdaRuntime('job').wrap(async () => {
        await stuck;
        return 'late';
      });
      const deadline = Date.now() + 1_500;
      const invocation = handler(
        {},
        { memoryLimitInMB: 256, getRemainingTimeInMillis: () => deadline - Date.now() },
      );
      // The timer fires at 1,500 − 800 ms; its push lands before the deadline, with the handler still stuck.
      let timeouts = 0;
      while (Date.now() < deadline && timeouts === 0) {
        await new Promise((r) => setTimeout(r, 50));
        timeouts = (await samples()).get(`brainbytes_function_timeouts_total${labels('job')}`) ?? 0;
      }
      expect(Date.now()).toBeLessThan(deadline);
      expect(timeouts).toBe(1);
      const s = await samples();
      const init = s.get(`brainbytes_function_init_duration_seconds_sum${labels('job')}`) ?? Number.NaN;
      // Lambda bills a timed-out invocation to its timeout: INIT + 1.5 s at 0.25 GB, once.
      expect(s.get(`brainbytes_function_billed_gb_seconds_total${labels('job')}`)).toBeCloseTo(
        (Math.ceil(init * 1000 + 1_500) / 1000) * 0.25,
        2,
      );
      release();
      expect(await invocation).toBe('late');
      const after = await samples();
      expect(after.get(`brainbytes_function_timeouts_total${labels('job')}`)).toBe(1);
      expect(after.get(`brainbytes_function_billed_gb_seconds_total${labels('job')}`)).toBe(
        s.get(`brainbytes_function_billed_gb_seconds_total${labels('job')}`),
      );
    } finally {
      delete process.env.LAMBDA_TIMEOUT_MARGIN_MS;
    }
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
