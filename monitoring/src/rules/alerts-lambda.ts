import type { MonitoringConfig } from '../config';
import type { AlertRule } from './types';

/** At least this many invocations in a CloudWatch period before an error ratio pages anyone. */
export const MIN_LAMBDA_INVOCATIONS = 20;

/**
 * Lambda as CloudWatch sees it (the exporter's LAMBDA_FUNCTIONS): the invocations that push
 * nothing — timed out, throttled, failed to start — are only here.
 */
/** Without CloudWatch (serverless-offline, an account the exporter cannot read): the functions' own pushes. */
const WITHOUT_CLOUDWATCH = 'unless on () brainbytes_cloudwatch_up';
/** Memory used over configured at which a function is near Lambda's out-of-memory kill. */
export const MEMORY_NEAR_LIMIT_RATIO = 0.9;

/** From each invocation's REPORT (CloudWatch) or, where CloudWatch is not read, the runtime's own counts. */
const reportAlerts = (config: MonitoringConfig): AlertRule[] => [
  {
    alert: 'LambdaTimeouts',
    expr: `max by (function) (brainbytes_lambda_timeouts) > 0
or (sum by (function) (increase(brainbytes_function_timeouts_total{platform="lambda"}[10m])) > 0 ${WITHOUT_CLOUDWATCH})`,
    severity: 'warning',
    team: 'engineering',
    service: 'lambda',
    summary: 'Lambda stopped invocations at their timeout.',
    description:
      '{{ $labels.function }}: {{ $value | humanize }} invocations ran into their configured timeout in the last period; Lambda killed them, billed them to the timeout, and the students got 503s. Look for a slow AI provider or database.',
  },
  {
    alert: 'LambdaOutOfMemory',
    expr: 'max by (function) (brainbytes_lambda_out_of_memory) > 0',
    severity: 'warning',
    team: 'engineering',
    service: 'lambda',
    summary: 'Lambda killed invocations that ran out of memory.',
    description:
      '{{ $labels.function }}: {{ $value | humanize }} invocations were killed for memory (Runtime.OutOfMemory) in the last period. Raise its memorySize in serverless.yml, or find what holds memory across invocations.',
  },
  {
    alert: 'LambdaMemoryNearLimit',
    expr: `max by (function) (brainbytes_lambda_max_memory_used_ratio) >= ${MEMORY_NEAR_LIMIT_RATIO}
or (
  sum by (function) (increase(brainbytes_function_memory_used_ratio_count{platform="lambda"}[15m]))
  - sum by (function) (increase(brainbytes_function_memory_used_ratio_bucket{platform="lambda",le="${MEMORY_NEAR_LIMIT_RATIO}"}[15m]))
  > 0 ${WITHOUT_CLOUDWATCH}
)`,
    for: '10m',
    severity: 'warning',
    team: 'engineering',
    service: 'lambda',
    summary: 'A Lambda function uses nearly all its memory.',
    description: `{{ $labels.function }} used at least ${MEMORY_NEAR_LIMIT_RATIO * 100} % of its configured memory in an invocation for 10 minutes: the next larger request may be killed for memory. Raise its memorySize in serverless.yml (npm run review prices the next size).`,
  },
  {
    alert: 'LambdaColdStartsSlow',
    expr: `max by (function) (brainbytes_lambda_init_duration_seconds{stat="p95"}) > ${config.lambda.coldStartP95Seconds}
or (
  histogram_quantile(0.95, sum by (function, le) (rate(brainbytes_function_init_duration_seconds_bucket{platform="lambda"}[30m])))
  > ${config.lambda.coldStartP95Seconds} ${WITHOUT_CLOUDWATCH}
)`,
    for: '15m',
    severity: 'warning',
    team: 'engineering',
    service: 'lambda',
    summary: 'Lambda cold starts are slow.',
    description: `{{ $labels.function }}: 95 % of cold starts took up to {{ $value | humanize }} s of INIT (threshold ${config.lambda.coldStartP95Seconds} s, LAMBDA_COLD_START_P95_SECONDS): the first student after a quiet spell or a deploy waits that long, and AWS bills it. Look at what the module loads at start (imports, SSM, database connections).`,
  },
];

export const lambdaAlerts = (config: MonitoringConfig): AlertRule[] => [
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
  ...reportAlerts(config),
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
