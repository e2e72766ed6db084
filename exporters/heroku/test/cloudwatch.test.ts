import { CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { lambdaReportNamespace, LAMBDA_REPORT_METRICS as REPORT } from '@brainbytes/telemetry/metrics';
import { createLogger } from '@brainbytes/telemetry/service';
import { type Moto, startMoto } from '@brainbytes/testkit/moto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createExporter } from '../src/exporter';
import { CloudWatchPoller } from '../src/lambda/cloudwatch';

/**
 * The CloudWatch poller against moto's server mode, which speaks CloudWatch's real protocol: the
 * data is seeded with PutMetricData and read back by the real SDK client, as on AWS.
 */
let moto: Moto;
let endpoint: string;
const region = 'ap-southeast-1';

beforeAll(async () => {
  moto = await startMoto();
  endpoint = moto.endpoint;
}, 40_000);
afterAll(() => moto?.stop());

const client = () => new CloudWatchClient({ region, endpoint, credentials: moto.credentials });
const seed = (fn: string, data: Omit<MetricDatum, 'Dimensions'>[]) => moto.seedLambda(fn, data);

const logger = createLogger('error');
const at = (iso: string) => new Date(iso);

describe('the CloudWatch poller, against moto', () => {
  // "Now" is 10:07 UTC on 20 November: the last complete 5-minute period is 10:00–10:05.
  const now = Date.parse('2026-11-20T10:07:00Z');
  const fn = 'brainbytes-prod-api';

  beforeAll(async () => {
    const recent = at('2026-11-20T10:02:00Z');
    await seed(fn, [
      { MetricName: 'Invocations', Timestamp: recent, Value: 120, Unit: 'Count' },
      { MetricName: 'Errors', Timestamp: recent, Value: 6, Unit: 'Count' },
      { MetricName: 'Throttles', Timestamp: recent, Value: 2, Unit: 'Count' },
      { MetricName: 'ConcurrentExecutions', Timestamp: recent, Value: 7, Unit: 'Count' },
      ...[200, 400, 29_000].map((ms) => ({
        MetricName: 'Duration',
        Timestamp: recent,
        Value: ms,
        Unit: 'Milliseconds' as const,
      })),
      // The period still filling in (10:05–10:10): not read.
      { MetricName: 'Invocations', Timestamp: at('2026-11-20T10:06:00Z'), Value: 5, Unit: 'Count' },
      // Last month: never in this month's sums.
      {
        MetricName: 'Duration',
        Timestamp: at('2026-10-31T23:00:00Z'),
        Value: 9_999_999,
        Unit: 'Milliseconds',
      },
      { MetricName: 'Invocations', Timestamp: at('2026-10-31T23:00:00Z'), Value: 99_999, Unit: 'Count' },
      // Each day since the 1st: 1,000,000 ms of duration and 2,000 invocations.
      ...Array.from({ length: 19 }, (_, day) => [
        {
          MetricName: 'Duration',
          Timestamp: at(`2026-11-${String(day + 1).padStart(2, '0')}T08:00:00Z`),
          Value: 1_000_000,
          Unit: 'Milliseconds' as const,
        },
        {
          MetricName: 'Invocations',
          Timestamp: at(`2026-11-${String(day + 1).padStart(2, '0')}T08:00:00Z`),
          Value: 2_000,
          Unit: 'Count' as const,
        },
      ]).flat(),
    ]);
  });

  it('reads the last complete period and the month so far in GB-seconds, with the real SDK', async () => {
    const poller = new CloudWatchPoller(
      client(),
      [{ name: fn, memoryMb: 512, timeoutSeconds: 29 }],
      300,
      [], // moto 5.2 answers percentile statistics (p50, p95) with a 500: asked for only on AWS
      logger,
      undefined,
      () => now,
    );
    await poller.poll();
    expect(poller.lastPollOk).toBe(true);
    expect(poller.recent.get(fn)).toMatchObject({
      invocations: 120,
      errors: 6,
      throttles: 2,
      concurrentExecutions: 7,
    });
    expect(Object.fromEntries(poller.recent.get(fn)?.durationSeconds ?? [])).toEqual({ max: 29 });
    // 19 days × 1,000 s × 0.5 GB (the recent period's 29.6 s too), and the invocations with it.
    const month = poller.monthToDate.get(fn);
    expect(month?.month).toBe('2026-11');
    expect(month?.gbSeconds).toBeCloseTo((19 * 1_000 + 29.6) * 0.5, 6);
    expect(month?.invocations).toBe(19 * 2_000 + 120 + 5);
  });

  it('reads each REPORT metric back exactly: billed GB-s with INIT since the 1st, INIT, peak memory, timeouts, out-of-memory kills', async () => {
    const ai = 'brainbytes-prod-ai';
    const ns = lambdaReportNamespace(ai);
    const recent = at('2026-11-20T10:03:00Z');
    await moto.seed(ns, [
      // Three cold starts in the last complete period, and the invocations' peaks.
      ...[850, 1_200, 2_400].map((ms) => ({
        MetricName: REPORT.init,
        Timestamp: recent,
        Value: ms,
        Unit: 'Milliseconds' as const,
      })),
      ...[300, 410, 380].map((mb) => ({
        MetricName: REPORT.maxMemory,
        Timestamp: recent,
        Value: mb,
        Unit: 'Megabytes' as const,
      })),
      { MetricName: REPORT.timeouts, Timestamp: recent, Value: 1, Unit: 'Count' },
      { MetricName: REPORT.timeouts, Timestamp: recent, Value: 1, Unit: 'Count' },
      { MetricName: REPORT.outOfMemory, Timestamp: recent, Value: 1, Unit: 'Count' },
      // Billed duration: 600,000 ms a day for 19 days, INIT included; October's never counts.
      ...Array.from({ length: 19 }, (_, day) => ({
        MetricName: REPORT.billed,
        Timestamp: at(`2026-11-${String(day + 1).padStart(2, '0')}T09:00:00Z`),
        Value: 600_000,
        Unit: 'Milliseconds' as const,
      })),
      {
        MetricName: REPORT.billed,
        Timestamp: at('2026-10-31T22:00:00Z'),
        Value: 5_000_000,
        Unit: 'Milliseconds',
      },
    ]);
    const poller = new CloudWatchPoller(
      client(),
      [{ name: ai, memoryMb: 512, timeoutSeconds: 30 }],
      300,
      [],
      logger,
      undefined,
      () => now,
    );
    await poller.poll();
    expect(poller.lastPollOk).toBe(true);
    const stats = poller.recent.get(ai);
    expect(Object.fromEntries(stats?.initDurationSeconds ?? [])).toEqual({ max: 2.4 });
    expect(stats).toMatchObject({ maxMemoryUsedMb: 410, timeouts: 2, outOfMemory: 1 });
    // 19 days × 600 s × 0.5 GB: what AWS bills, INIT and rounding included.
    expect(poller.monthToDate.get(ai)?.billedGbSeconds).toBeCloseTo(19 * 600 * 0.5, 9);
    // A function with no REPORT metrics (no cold starts, nothing killed): zeros and gaps, never errors.
    const quiet = new CloudWatchPoller(
      client(),
      [{ name: 'brainbytes-prod-none', memoryMb: 256, timeoutSeconds: 60 }],
      300,
      [],
      logger,
      undefined,
      () => now,
    );
    await quiet.poll();
    expect(quiet.recent.get('brainbytes-prod-none')).toMatchObject({
      maxMemoryUsedMb: undefined,
      timeouts: 0,
      outOfMemory: 0,
    });
    expect(quiet.recent.get('brainbytes-prod-none')?.initDurationSeconds.size).toBe(0);
    // No REPORT metrics this month: no billed figure (the rules fall back to Duration), not a false 0.
    expect(quiet.monthToDate.get('brainbytes-prod-none')?.billedGbSeconds).toBeUndefined();
  });

  it('asks once per poll (plus once an hour for the month), percentiles in the same call', async () => {
    const calls: {
      MetricDataQueries?: { MetricStat?: { Metric?: { MetricName?: string }; Stat?: string } }[];
    }[] = [];
    const counting = client();
    counting.middlewareStack.add(
      (next) => async (args) => {
        calls.push(args.input as (typeof calls)[number]);
        // moto answers percentiles with a 500: the recent call is answered here, the month by moto.
        if (calls.length === 1) return { output: { MetricDataResults: [], $metadata: {} }, response: {} };
        return next(args);
      },
      { step: 'initialize' },
    );
    let clock = now;
    const poller = new CloudWatchPoller(
      counting,
      [
        { name: fn, memoryMb: 512, timeoutSeconds: 29 },
        { name: 'brainbytes-prod-ai', memoryMb: 512, timeoutSeconds: 40 },
      ],
      300,
      ['p50', 'p95'],
      logger,
      undefined,
      () => clock,
    );
    await poller.poll();
    expect(calls.length).toBe(2);
    const stats = calls[0]?.MetricDataQueries?.map(
      (q) => `${q.MetricStat?.Metric?.MetricName}:${q.MetricStat?.Stat}`,
    );
    expect(stats?.filter((s) => s.startsWith('Duration'))).toEqual([
      'Duration:Maximum',
      'Duration:p50',
      'Duration:p95',
      'Duration:Maximum',
      'Duration:p50',
      'Duration:p95',
    ]);
    clock += 300_000;
    calls.length = 0;
    await poller.poll().catch(() => undefined);
    expect(calls.length, 'the month is read again only after an hour').toBe(1);
  });

  it('keeps the last good data when CloudWatch fails, and says so', async () => {
    let broken = false;
    const flaky = client();
    flaky.middlewareStack.add(
      (next) => async (args) => {
        if (broken) throw new Error('ServiceUnavailable: CloudWatch is down');
        return next(args);
      },
      { step: 'initialize' },
    );
    const poller = new CloudWatchPoller(
      flaky,
      [{ name: fn, memoryMb: 512, timeoutSeconds: 29 }],
      300,
      [], // moto 5.2 answers percentile statistics (p50, p95) with a 500: asked for only on AWS
      logger,
      undefined,
      () => now,
    );
    await poller.poll();
    const good = poller.lastSuccessMs;
    broken = true;
    await poller.poll();
    expect(poller.lastPollOk).toBe(false);
    expect(poller.lastSuccessMs).toBe(good);
    expect(poller.recent.get(fn)?.invocations).toBe(120);
  });
});

describe('the exporter with LAMBDA_FUNCTIONS', () => {
  it('refuses a function list it cannot read, or one without a region', () => {
    expect(() => loadConfig({ LAMBDA_FUNCTIONS: 'brainbytes-prod-api' })).toThrow(
      /name:memoryMB:timeoutSeconds/,
    );
    expect(() => loadConfig({ LAMBDA_FUNCTIONS: 'brainbytes-prod-api:512:29' })).toThrow(/AWS_REGION/);
    expect(() => loadConfig({ CLOUDWATCH_PERIOD_SECONDS: '90' })).toThrow(/CLOUDWATCH_PERIOD_SECONDS/);
  });

  it('exposes brainbytes_lambda_* from CloudWatch on /metrics', async () => {
    const fn = 'brainbytes-staging-job';
    const minute = Date.now() - (Date.now() % 60_000);
    // Seeded in the period before the current one, whatever the time is now.
    const period = 300_000;
    const lastComplete = minute - (minute % period) - period + 60_000;
    await seed(fn, [
      { MetricName: 'Invocations', Timestamp: new Date(lastComplete), Value: 12, Unit: 'Count' },
      { MetricName: 'Duration', Timestamp: new Date(lastComplete), Value: 60_000, Unit: 'Milliseconds' },
    ]);
    await moto.seed(lambdaReportNamespace(fn), [
      { MetricName: REPORT.init, Timestamp: new Date(lastComplete), Value: 1_500, Unit: 'Milliseconds' },
      { MetricName: REPORT.maxMemory, Timestamp: new Date(lastComplete), Value: 192, Unit: 'Megabytes' },
      { MetricName: REPORT.timeouts, Timestamp: new Date(lastComplete), Value: 1, Unit: 'Count' },
      // This minute: always this month, whatever day it is.
      { MetricName: REPORT.billed, Timestamp: new Date(minute), Value: 64_000, Unit: 'Milliseconds' },
    ]);
    // In a month's first minutes (UTC, as AWS bills) that period belongs to the month before: the
    // month-to-date then gets its own minute of this month, inside the period still running.
    const monthStart = Date.UTC(new Date(minute).getUTCFullYear(), new Date(minute).getUTCMonth(), 1);
    if (lastComplete < monthStart)
      await seed(fn, [
        { MetricName: 'Duration', Timestamp: new Date(monthStart), Value: 60_000, Unit: 'Milliseconds' },
      ]);
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_CLOUDWATCH: endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    });
    const exporter = createExporter(
      loadConfig({
        HEROKU_EXPORTER_PORT: '0',
        HEROKU_EXPORTER_HOST: '127.0.0.1',
        LAMBDA_FUNCTIONS: `${fn}:256:60`,
        AWS_REGION: region,
        CLOUDWATCH_DURATION_PERCENTILES: '',
      }),
      logger,
    );
    try {
      const { port } = await exporter.listen();
      await exporter.cloudWatch?.poll();
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toContain(`brainbytes_lambda_invocations{function="${fn}"} 12`);
      expect(text).toContain(`brainbytes_lambda_duration_seconds{function="${fn}",statistic="max"} 60`);
      expect(text).toContain(`brainbytes_lambda_timeout_seconds{function="${fn}"} 60`);
      expect(text).toMatch(
        new RegExp(`brainbytes_lambda_gb_seconds_month_to_date\\{function="${fn}"\\} 15\\b`),
      );
      expect(text).toContain(`brainbytes_lambda_init_duration_seconds{function="${fn}",stat="max"} 1.5`);
      expect(text).toContain(`brainbytes_lambda_max_memory_used_ratio{function="${fn}"} 0.75`);
      expect(text).toContain(`brainbytes_lambda_memory_megabytes{function="${fn}"} 256`);
      expect(text).toContain(`brainbytes_lambda_timeouts{function="${fn}"} 1`);
      expect(text).toContain(`brainbytes_lambda_out_of_memory{function="${fn}"} 0`);
      expect(text).toContain(`brainbytes_lambda_billed_gb_seconds_month_to_date{function="${fn}"} 16`);
      expect(text).toContain('brainbytes_cloudwatch_up 1');
    } finally {
      await exporter.close();
      process.env = saved;
    }
  });
});
