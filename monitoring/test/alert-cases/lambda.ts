import type { AlertCase } from './inputs';

const CW = 'job="heroku-exporter",instance="exp:9595"';
const API = 'function="brainbytes-prod-api"';
/** The functions' own pushes (the runtime wrapper), through the gateway. */
const PUSHED = 'job="brainbytes-ai",environment="production",platform="lambda",instance=""';

const timeoutFired = (fn: string, n: number) => ({
  severity: 'warning' as const,
  labels: { function: fn },
  description: `${fn}: ${n} invocations ran into their configured timeout in the last period; Lambda killed them, billed them to the timeout, and the students got 503s. Look for a slow AI provider or database.`,
});
const memoryFired = (fn: string) => ({
  severity: 'warning' as const,
  labels: { function: fn },
  description: `${fn} used at least 90 % of its configured memory in an invocation for 10 minutes: the next larger request may be killed for memory. Raise its memorySize in serverless.yml (npm run review prices the next size).`,
});
const coldStartFired = (fn: string, seconds: string) => ({
  severity: 'warning' as const,
  labels: { function: fn },
  description: `${fn}: 95 % of cold starts took up to ${seconds} s of INIT (threshold 2 s, LAMBDA_COLD_START_P95_SECONDS): the first student after a quiet spell or a deploy waits that long, and AWS bills it. Look at what the module loads at start (imports, SSM, database connections).`,
});

/** CloudWatch's view of Lambda, as the exporter exposes it: gauges for the last 5-minute period. */
export const LAMBDA_CASES: AlertCase[] = [
  ...(
    [
      ['12x20', '200x20'],
      ['4x20', '200x20'], // 2 %: under the threshold
      ['3x20', '10x20'], // 30 % of 10: too few invocations to page
    ] as const
  ).map(
    ([errors, invocations], i): AlertCase => ({
      alert: 'LambdaErrors',
      evalTime: '15m',
      series: {
        [`brainbytes_lambda_errors{${CW},${API}}`]: errors,
        [`brainbytes_lambda_invocations{${CW},${API}}`]: invocations,
      },
      ...(i === 0
        ? {
            fires: [
              {
                severity: 'critical' as const,
                labels: { function: 'brainbytes-prod-api' },
                description:
                  'brainbytes-prod-api failed 6% of its invocations (threshold 5%) for two CloudWatch periods: errors, timeouts and crashes at start, including the ones that pushed no metrics.',
              },
            ],
          }
        : {}),
    }),
  ),
  ...(['3x20', '0x20'] as const).map(
    (throttles): AlertCase => ({
      alert: 'LambdaThrottled',
      evalTime: '15m',
      series: { [`brainbytes_lambda_throttles{${CW},${API}}`]: throttles },
      ...(throttles === '3x20'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { function: 'brainbytes-prod-api' },
                description:
                  'Lambda throttled 3 invocations of brainbytes-prod-api in the last period: students got 429/503 from API Gateway. Raise the account’s concurrency or the function’s reserved concurrency.',
              },
            ],
          }
        : {}),
    }),
  ),
  // Counted, not inferred: a long max duration under the timeout never fires.
  ...(
    [
      ['2x5', true],
      ['0x5', false],
    ] as const
  ).map(
    ([timeouts, fires]): AlertCase => ({
      alert: 'LambdaTimeouts',
      evalTime: '3m',
      series: {
        [`brainbytes_lambda_timeouts{${CW},${API}}`]: timeouts,
        [`brainbytes_lambda_duration_seconds{${CW},${API},statistic="max"}`]: '28.9x5',
        [`brainbytes_cloudwatch_up{${CW}}`]: '1x5',
      },
      ...(fires ? { fires: [timeoutFired('brainbytes-prod-api', 2)] } : {}),
    }),
  ),
  // Without CloudWatch, the runtime's own count (pushed before Lambda killed the invocation).
  ...(
    [
      ['0+1x15', true],
      ['0x15', false],
    ] as const
  ).map(
    ([pushed, fires]): AlertCase => ({
      alert: 'LambdaTimeouts',
      evalTime: '10m',
      series: { [`brainbytes_function_timeouts_total{${PUSHED},function="ai"}`]: pushed },
      ...(fires ? { fires: [timeoutFired('ai', 10)] } : {}),
    }),
  ),
  // CloudWatch is read: the pushed count does not fire a second alert for the same timeouts.
  {
    alert: 'LambdaTimeouts',
    evalTime: '10m',
    series: {
      [`brainbytes_function_timeouts_total{${PUSHED},function="ai"}`]: '0+1x15',
      [`brainbytes_lambda_timeouts{${CW},${API}}`]: '0x15',
      [`brainbytes_cloudwatch_up{${CW}}`]: '1x15',
    },
  },
  ...(['1x5', '0x5'] as const).map(
    (killed): AlertCase => ({
      alert: 'LambdaOutOfMemory',
      evalTime: '3m',
      series: { [`brainbytes_lambda_out_of_memory{${CW},${API}}`]: killed },
      ...(killed === '1x5'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { function: 'brainbytes-prod-api' },
                description:
                  'brainbytes-prod-api: 1 invocations were killed for memory (Runtime.OutOfMemory) in the last period. Raise its memorySize in serverless.yml, or find what holds memory across invocations.',
              },
            ],
          }
        : {}),
    }),
  ),
  ...(['0.93x20', '0.85x20'] as const).map(
    (ratio): AlertCase => ({
      alert: 'LambdaMemoryNearLimit',
      evalTime: '15m',
      series: {
        [`brainbytes_lambda_max_memory_used_ratio{${CW},${API}}`]: ratio,
        [`brainbytes_cloudwatch_up{${CW}}`]: '1x20',
      },
      ...(ratio === '0.93x20' ? { fires: [memoryFired('brainbytes-prod-api')] } : {}),
    }),
  ),
  // Without CloudWatch: invocations whose peak passed 0.9 of the configured memory (the histogram's le="0.9").
  ...(
    [
      ['0+10x20', '0+8x20', true],
      ['0+10x20', '0+10x20', false],
    ] as const
  ).map(
    ([count, under, fires]): AlertCase => ({
      alert: 'LambdaMemoryNearLimit',
      evalTime: '15m',
      series: {
        [`brainbytes_function_memory_used_ratio_count{${PUSHED},function="ai"}`]: count,
        [`brainbytes_function_memory_used_ratio_bucket{${PUSHED},function="ai",le="0.9"}`]: under,
      },
      ...(fires ? { fires: [memoryFired('ai')] } : {}),
    }),
  ),
  ...(['2.6x30', '1.4x30'] as const).map(
    (p95): AlertCase => ({
      alert: 'LambdaColdStartsSlow',
      evalTime: '20m',
      series: {
        [`brainbytes_lambda_init_duration_seconds{${CW},${API},stat="p95"}`]: p95,
        [`brainbytes_lambda_init_duration_seconds{${CW},${API},stat="max"}`]: '4x30',
        [`brainbytes_cloudwatch_up{${CW}}`]: '1x30',
      },
      ...(p95 === '2.6x30' ? { fires: [coldStartFired('brainbytes-prod-api', '2.6')] } : {}),
    }),
  ),
  // Without CloudWatch: the runtime's INIT histogram, every cold start 2.5–5 s (p95 4.75 s) or under 1 s.
  ...(
    [
      ['0+2x40', '0x40', true],
      ['0+2x40', '0+2x40', false],
    ] as const
  ).map(
    ([all, fast, fires]): AlertCase => ({
      alert: 'LambdaColdStartsSlow',
      evalTime: '35m',
      series: {
        [`brainbytes_function_init_duration_seconds_bucket{${PUSHED},function="ai",le="1"}`]: fast,
        [`brainbytes_function_init_duration_seconds_bucket{${PUSHED},function="ai",le="2"}`]: fast,
        [`brainbytes_function_init_duration_seconds_bucket{${PUSHED},function="ai",le="3"}`]: fast,
        [`brainbytes_function_init_duration_seconds_bucket{${PUSHED},function="ai",le="5"}`]: all,
        [`brainbytes_function_init_duration_seconds_bucket{${PUSHED},function="ai",le="+Inf"}`]: all,
      },
      ...(fires ? { fires: [coldStartFired('ai', '4.9')] } : {}),
    }),
  ),
  ...(['0x20', '1x20'] as const).map(
    (up): AlertCase => ({
      alert: 'CloudWatchPollStale',
      evalTime: '20m',
      series: { [`brainbytes_cloudwatch_up{${CW}}`]: up },
      ...(up === '0x20'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { job: 'heroku-exporter', instance: 'exp:9595' },
                description:
                  'The exporter’s CloudWatch polls have failed for 15 minutes: Lambda errors, throttles and month-to-date Lambda spend are frozen at their last values. Check its AWS credentials (cloudwatch:GetMetricData) and AWS_REGION.',
              },
            ],
          }
        : {}),
    }),
  ),
];
