import { Gauge, type Registry } from 'prom-client';
import type { CloudWatchPoller, RecentStats } from './cloudwatch';

/**
 * `brainbytes_lambda_*`: CloudWatch's view of each function, labelled by its full name (a bounded,
 * configured list). Filled at scrape time from the poller's last good data.
 */
export function registerLambdaMetrics(registry: Registry, poller: CloudWatchPoller, periodSeconds: number) {
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge<string>) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this);
      },
    });
  const perFunction = (name: string, help: string, value: (s: RecentStats) => number | undefined) =>
    gauge(name, help, ['function'], (g) => {
      for (const [fn, stats] of poller.recent) {
        const v = value(stats);
        if (v !== undefined) g.set({ function: fn }, v);
      }
    });

  gauge(
    'brainbytes_lambda_period_seconds',
    'The CloudWatch period the brainbytes_lambda_* counts cover.',
    [],
    (g) => g.set(periodSeconds),
  );
  perFunction(
    'brainbytes_lambda_invocations',
    'Invocations in the last complete CloudWatch period.',
    (s) => s.invocations,
  );
  perFunction(
    'brainbytes_lambda_errors',
    'Invocations that failed (function errors and timeouts) in the last period.',
    (s) => s.errors,
  );
  perFunction(
    'brainbytes_lambda_throttles',
    'Invocations Lambda refused (throttled) in the last period.',
    (s) => s.throttles,
  );
  perFunction(
    'brainbytes_lambda_concurrent_executions',
    'Most instances running at once in the last period.',
    (s) => s.concurrentExecutions,
  );
  gauge(
    'brainbytes_lambda_duration_seconds',
    'Invocation duration in the last period, by statistic (max, and p50, p95 where asked for).',
    ['function', 'statistic'],
    (g) => {
      for (const [fn, s] of poller.recent)
        for (const [statistic, seconds] of s.durationSeconds) g.set({ function: fn, statistic }, seconds);
    },
  );
  gauge(
    'brainbytes_lambda_timeout_seconds',
    'The function’s configured timeout: a max duration at it is an invocation Lambda killed.',
    ['function'],
    (g) => {
      for (const fn of poller.functions) g.set({ function: fn.name }, fn.timeoutSeconds);
    },
  );
  gauge(
    'brainbytes_lambda_gb_seconds_month_to_date',
    'GB-seconds this UTC month (daily Duration sums since the 1st × configured memory): what Lambda bills.',
    ['function'],
    (g) => {
      for (const [fn, m] of poller.monthToDate) g.set({ function: fn }, m.gbSeconds);
    },
  );
  gauge(
    'brainbytes_lambda_invocations_month_to_date',
    'Invocations this UTC month (daily sums since the 1st): Lambda bills each request.',
    ['function'],
    (g) => {
      for (const [fn, m] of poller.monthToDate) g.set({ function: fn }, m.invocations);
    },
  );
  gauge(
    'brainbytes_cloudwatch_up',
    'Whether the last CloudWatch poll succeeded (1) or failed (0).',
    [],
    (g) => g.set(poller.lastPollOk ? 1 : 0),
  );
  gauge(
    'brainbytes_cloudwatch_last_success_timestamp_seconds',
    'When CloudWatch last answered every query (Unix seconds); 0 before the first success.',
    [],
    (g) => g.set(poller.lastSuccessMs / 1000),
  );
}
