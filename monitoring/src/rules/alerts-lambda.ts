import type { AlertRule } from './types';

/** At least this many invocations in a CloudWatch period before an error ratio pages anyone. */
export const MIN_LAMBDA_INVOCATIONS = 20;

/**
 * Lambda as CloudWatch sees it (the exporter's LAMBDA_FUNCTIONS): the invocations that push
 * nothing — timed out, throttled, failed to start — are only here.
 */
export const lambdaAlerts: AlertRule[] = [
  {
    alert: 'LambdaErrors',
    expr: `sum by (function) (brainbytes_lambda_errors) / sum by (function) (brainbytes_lambda_invocations) > 0.05
and on (function) sum by (function) (brainbytes_lambda_invocations) >= ${MIN_LAMBDA_INVOCATIONS}`,
    for: '10m',
    severity: 'critical',
    team: 'engineering',
    service: 'lambda',
    summary: 'A Lambda function fails too many invocations.',
    description:
      '{{ $labels.function }} failed {{ $value | humanizePercentage }} of its invocations (threshold 5%) for two CloudWatch periods: errors, timeouts and crashes at start, including the ones that pushed no metrics.',
  },
  {
    alert: 'LambdaThrottled',
    expr: 'sum by (function) (brainbytes_lambda_throttles) > 0',
    for: '10m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'lambda',
    summary: 'Lambda refuses invocations: the concurrency limit is reached.',
    description:
      'Lambda throttled {{ $value | humanize }} invocations of {{ $labels.function }} in the last period: students got 429/503 from API Gateway. Raise the account’s concurrency or the function’s reserved concurrency.',
  },
  {
    alert: 'LambdaTimeouts',
    expr: `max by (function) (brainbytes_lambda_duration_seconds{statistic="max"})
>= on (function) 0.98 * max by (function) (brainbytes_lambda_timeout_seconds)`,
    severity: 'warning',
    team: 'engineering',
    service: 'lambda',
    summary: 'A Lambda function ran into its timeout.',
    description:
      'An invocation of {{ $labels.function }} ran {{ $value | humanize }} s, its configured timeout: Lambda killed it, and it pushed nothing. Look for a slow AI provider or database.',
  },
  {
    alert: 'CloudWatchPollStale',
    expr: 'brainbytes_cloudwatch_up == 0',
    for: '15m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'lambda',
    summary: 'The exporter cannot read CloudWatch.',
    description:
      'The exporter’s CloudWatch polls have failed for 15 minutes: Lambda errors, throttles and month-to-date Lambda spend are frozen at their last values. Check its AWS credentials (cloudwatch:GetMetricData) and AWS_REGION.',
  },
];
