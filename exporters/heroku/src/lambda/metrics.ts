import type { MetricDefinition } from '@brainbytes/telemetry/metrics';
import type { Registry } from 'prom-client';
import { gauges } from '../gauges';
import { LAMBDA_METRICS as M } from './catalog';
import type { CloudWatchPoller, RecentStats } from './cloudwatch';

/**
 * `brainbytes_lambda_*`: CloudWatch's view of each function, labelled by its full name (a bounded,
 * configured list). Filled at scrape time from the poller's last good data.
 */
export function registerLambdaMetrics(registry: Registry, poller: CloudWatchPoller, periodSeconds: number) {
  const gauge = gauges(registry).dynamicGauge;
  const perFunction = (d: MetricDefinition<'function'>, value: (s: RecentStats) => number | undefined) =>
    gauge(d, (g) => {
      for (const [fn, stats] of poller.recent) {
        const v = value(stats);
        if (v !== undefined) g.set({ function: fn }, v);
      }
    });

  gauge(M.lambdaPeriodSeconds, (g) => g.set(periodSeconds));
  perFunction(M.lambdaInvocations, (s) => s.invocations);
  perFunction(M.lambdaErrors, (s) => s.errors);
  perFunction(M.lambdaThrottles, (s) => s.throttles);
  perFunction(M.lambdaConcurrentExecutions, (s) => s.concurrentExecutions);
  gauge(M.lambdaDurationSeconds, (g) => {
    for (const [fn, s] of poller.recent)
      for (const [statistic, seconds] of s.durationSeconds) g.set({ function: fn, statistic }, seconds);
  });
  gauge(M.lambdaTimeoutSeconds, (g) => {
    for (const fn of poller.functions) g.set({ function: fn.name }, fn.timeoutSeconds);
  });
  gauge(M.lambdaMemoryMegabytes, (g) => {
    for (const fn of poller.functions) g.set({ function: fn.name }, fn.memoryMb);
  });
  gauge(M.lambdaInitDurationSeconds, (g) => {
    for (const [fn, s] of poller.recent)
      for (const [stat, seconds] of s.initDurationSeconds) g.set({ function: fn, stat }, seconds);
  });
  const memoryOf = new Map(poller.functions.map((fn) => [fn.name, fn.memoryMb]));
  gauge(M.lambdaMaxMemoryUsedRatio, (g) => {
    for (const [fn, s] of poller.recent) {
      const configured = memoryOf.get(fn);
      if (s.maxMemoryUsedMb !== undefined && configured)
        g.set({ function: fn }, s.maxMemoryUsedMb / configured);
    }
  });
  perFunction(M.lambdaTimeouts, (s) => s.timeouts);
  perFunction(M.lambdaOutOfMemory, (s) => s.outOfMemory);
  gauge(M.lambdaBilledGbSecondsMonthToDate, (g) => {
    for (const [fn, m] of poller.monthToDate)
      if (m.billedGbSeconds !== undefined) g.set({ function: fn }, m.billedGbSeconds);
  });
  gauge(M.lambdaGbSecondsMonthToDate, (g) => {
    for (const [fn, m] of poller.monthToDate) g.set({ function: fn }, m.gbSeconds);
  });
  gauge(M.lambdaInvocationsMonthToDate, (g) => {
    for (const [fn, m] of poller.monthToDate) g.set({ function: fn }, m.invocations);
  });
  gauge(M.cloudwatchUp, (g) => g.set(poller.lastPollOk ? 1 : 0));
  gauge(M.cloudwatchLastSuccessTimestampSeconds, (g) => g.set(poller.lastSuccessMs / 1000));
}
