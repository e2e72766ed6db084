import type { AlertCase } from './inputs';

const CW = 'job="heroku-exporter",instance="exp:9595"';
const API = 'function="brainbytes-prod-api"';

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
  ...(['29x5', '12x5'] as const).map(
    (max): AlertCase => ({
      alert: 'LambdaTimeouts',
      evalTime: '3m',
      series: {
        [`brainbytes_lambda_duration_seconds{${CW},${API},statistic="max"}`]: max,
        [`brainbytes_lambda_duration_seconds{${CW},${API},statistic="p95"}`]: '2x5',
        [`brainbytes_lambda_timeout_seconds{${CW},${API}}`]: '29x5',
      },
      ...(max === '29x5'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { function: 'brainbytes-prod-api' },
                description:
                  'An invocation of brainbytes-prod-api ran 29 s, its configured timeout: Lambda killed it, and it pushed nothing. Look for a slow AI provider or database.',
              },
            ],
          }
        : {}),
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
