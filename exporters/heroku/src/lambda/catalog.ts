import { defineMetric as def, type MetricDefinition } from '@brainbytes/telemetry/metrics';

/** The Lambda functions as CloudWatch reports them (`brainbytes_lambda_*`), and how its polls go. */
export const LAMBDA_METRICS = {
  lambdaPeriodSeconds: def(
    'brainbytes_lambda_period_seconds',
    'gauge',
    'The CloudWatch period the brainbytes_lambda_* counts cover.',
    [],
  ),
  lambdaInvocations: def(
    'brainbytes_lambda_invocations',
    'gauge',
    'Invocations in the last complete CloudWatch period.',
    ['function'],
  ),
  lambdaErrors: def(
    'brainbytes_lambda_errors',
    'gauge',
    'Invocations that failed (function errors and timeouts) in the last period.',
    ['function'],
  ),
  lambdaThrottles: def(
    'brainbytes_lambda_throttles',
    'gauge',
    'Invocations Lambda refused (throttled) in the last period.',
    ['function'],
  ),
  lambdaConcurrentExecutions: def(
    'brainbytes_lambda_concurrent_executions',
    'gauge',
    'Most instances running at once in the last period.',
    ['function'],
  ),
  lambdaDurationSeconds: def(
    'brainbytes_lambda_duration_seconds',
    'gauge',
    'Invocation duration in the last period, by statistic (max, and p50, p95 where asked for).',
    ['function', 'statistic'],
  ),
  lambdaTimeoutSeconds: def(
    'brainbytes_lambda_timeout_seconds',
    'gauge',
    'The function’s configured timeout: a max duration at it is an invocation Lambda killed.',
    ['function'],
  ),
  lambdaGbSecondsMonthToDate: def(
    'brainbytes_lambda_gb_seconds_month_to_date',
    'gauge',
    'GB-seconds of handler time this UTC month (daily Duration sums since the 1st × configured memory), without INIT.',
    ['function'],
  ),
  lambdaBilledGbSecondsMonthToDate: def(
    'brainbytes_lambda_billed_gb_seconds_month_to_date',
    'gauge',
    'GB-seconds AWS bills this UTC month: billed duration (INIT included, rounded up per invocation) since the 1st × configured memory.',
    ['function'],
  ),
  lambdaInitDurationSeconds: def(
    'brainbytes_lambda_init_duration_seconds',
    'gauge',
    'Cold-start INIT duration in the last period, by statistic (max, and p50, p95 where asked for); absent without cold starts.',
    ['function', 'stat'],
  ),
  lambdaMaxMemoryUsedRatio: def(
    'brainbytes_lambda_max_memory_used_ratio',
    'gauge',
    'The most memory one invocation used in the last period over the configured memory.',
    ['function'],
  ),
  lambdaMemoryMegabytes: def(
    'brainbytes_lambda_memory_megabytes',
    'gauge',
    'The function’s configured memory (LAMBDA_FUNCTIONS): Lambda bills GB-seconds of it.',
    ['function'],
  ),
  lambdaTimeouts: def(
    'brainbytes_lambda_timeouts',
    'gauge',
    'Invocations Lambda stopped at their timeout in the last period (from their REPORT).',
    ['function'],
  ),
  lambdaOutOfMemory: def(
    'brainbytes_lambda_out_of_memory',
    'gauge',
    'Invocations Lambda killed for running out of memory in the last period (from their REPORT).',
    ['function'],
  ),
  lambdaInvocationsMonthToDate: def(
    'brainbytes_lambda_invocations_month_to_date',
    'gauge',
    'Invocations this UTC month (daily sums since the 1st): Lambda bills each request.',
    ['function'],
  ),
  cloudwatchUp: def(
    'brainbytes_cloudwatch_up',
    'gauge',
    'Whether the last CloudWatch poll succeeded (1) or failed (0).',
    [],
  ),
  cloudwatchLastSuccessTimestampSeconds: def(
    'brainbytes_cloudwatch_last_success_timestamp_seconds',
    'gauge',
    'When CloudWatch last answered every query (Unix seconds); 0 before the first success.',
    [],
  ),
} as const satisfies Record<string, MetricDefinition>;
