import path from 'node:path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { type InProcessGateway, startInProcess } from '@brainbytes/pushgateway/in-process';
import { scrape } from '@brainbytes/testkit/exposition';
import { afterAll, expect, it } from 'vitest';
import { type Offline, root, startOffline } from './serverless-offline';

/**
 * The runtime wrapper inside serverless-offline 13 (worker threads, Lambda's context with
 * getRemainingTimeInMillis, a timeout that terminates the worker), pushing to a real gateway.
 */
let offline: Offline | undefined;
let gateway: InProcessGateway | undefined;
afterAll(async () => {
  offline?.stop();
  await gateway?.close();
});

it('a cold start observes one INIT, warm ones none; a handler that outlives its 2 s timeout is counted before it is killed', {
  timeout: 150_000,
}, async () => {
  gateway = await startInProcess();
  const url = gateway.url;
  offline = await startOffline(
    path.join(root, 'functions/test/fixtures/slow-lambda'),
    () => ({ PUSHGATEWAY_URL: url, LAMBDA_TIMEOUT_MARGIN_MS: '700' }),
    'runtime-fixture-dev-slow',
  );
  const invoke = async (ms: number) => {
    const out = await offline!.client.send(
      new InvokeCommand({
        FunctionName: 'runtime-fixture-dev-slow',
        Payload: Buffer.from(JSON.stringify({ ms })),
      }),
    );
    return {
      error: out.FunctionError,
      payload: JSON.parse(Buffer.from(out.Payload ?? []).toString() || 'null'),
    };
  };
  const samples = async () => (await scrape(url, (name) => name.startsWith('brainbytes_function_'))).samples;
  const get = (s: Map<string, number>, name: string, extra = '') =>
    s.get(
      `${name}{${extra}environment="development",function="job",instance="",job="brainbytes-jobs",platform="lambda"}`,
    );

  const answers = [await invoke(10), await invoke(10), await invoke(10)];
  let s = await samples();
  expect(get(s, 'brainbytes_function_invocations_total', 'cold_start="true",')).toBe(1);
  expect(get(s, 'brainbytes_function_invocations_total', 'cold_start="false",')).toBe(2);
  expect(get(s, 'brainbytes_function_init_duration_seconds_count')).toBe(1);
  const init = get(s, 'brainbytes_function_init_duration_seconds_sum') ?? 0;
  expect(init).toBeGreaterThan(0);
  expect(init).toBeLessThan(10); // Lambda's INIT cap
  // Billed: INIT plus three handlers of ≥ 10 ms, rounded up, at 256 MB.
  const billed = get(s, 'brainbytes_function_billed_gb_seconds_total') ?? 0;
  expect(billed).toBeGreaterThanOrEqual(0.25 * (init + 0.03));
  expect(billed).toBeLessThan(0.25 * (init + 3 * 0.1));
  // The ratio: the process's peak over 256 MB, within a few percent of what the handler saw.
  const ratio = (get(s, 'brainbytes_function_memory_used_ratio_sum') ?? 0) / 3;
  const peak = answers.reduce((n, a) => n + a.payload.maxRssMb / 256, 0) / 3;
  expect(Math.abs(ratio - peak) / peak).toBeLessThan(0.05);
  expect(get(s, 'brainbytes_function_timeouts_total') ?? 0).toBe(0);

  // 5 s of work against a 2 s timeout: serverless-offline gives up and terminates the worker,
  // as Lambda would; the timeout was pushed 0.7 s before that.
  const started = Date.now();
  const late = await invoke(5_000).catch((error: Error) => ({ error: error.message, payload: null }));
  expect(Date.now() - started).toBeLessThan(4_500);
  expect(JSON.stringify(late)).toMatch(/timeout/i);
  s = await samples();
  expect(get(s, 'brainbytes_function_timeouts_total')).toBe(1);
  // Billed to the deadline: 2 s more at 256 MB.
  expect((get(s, 'brainbytes_function_billed_gb_seconds_total') ?? 0) - billed).toBeCloseTo(0.25 * 2, 1);
});
