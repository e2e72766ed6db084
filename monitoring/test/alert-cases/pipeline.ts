import type { AlertCase } from './inputs';

const HEROKU = 'job="heroku-exporter",app="brainbytes-api"';

/** Each alerted Heroku code, as a person will read it; written out so a template change shows. */
const CODE_CASES: [
  alert: string,
  code: string,
  series: string,
  severity: 'critical' | 'warning',
  labels: Record<string, string>,
  description: string,
][] = [
  [
    'HerokuAppCrashedErrors',
    'H10',
    `heroku_router_errors_total{${HEROKU},code="H10"}`,
    'critical',
    { app: 'brainbytes-api' },
    'brainbytes-api answered "App crashed" (H10): students got an error page: 2 in 5m.',
  ],
  [
    'HerokuRequestTimeouts',
    'H12',
    `heroku_router_errors_total{${HEROKU},code="H12"}`,
    'warning',
    { app: 'brainbytes-api' },
    'brainbytes-api let requests run past the router’s 30 s limit (H12): students saw an error page: 2 in 10m.',
  ],
  [
    'HerokuDynoBootTimeout',
    'R10',
    `heroku_dyno_errors_total{${HEROKU},process_type="web",code="R10"}`,
    'warning',
    { app: 'brainbytes-api', process_type: 'web' },
    'A web dyno of brainbytes-api did not bind to $PORT within 60 s of starting (R10 boot timeout): 2 in 15m.',
  ],
  [
    'HerokuDynoMemoryQuotaExceeded',
    'R14',
    `heroku_dyno_errors_total{${HEROKU},process_type="web",code="R14"}`,
    'warning',
    { app: 'brainbytes-api', process_type: 'web' },
    'A web dyno of brainbytes-api is over its memory quota and swapping (R14): 2 in 15m.',
  ],
  [
    'HerokuDynoMemoryQuotaVastlyExceeded',
    'R15',
    `heroku_dyno_errors_total{${HEROKU},process_type="web",code="R15"}`,
    'critical',
    { app: 'brainbytes-api', process_type: 'web' },
    'A web dyno of brainbytes-api was killed for using far more than its memory quota (R15): 2 in 15m.',
  ],
  [
    'HerokuLogplexDrops',
    'L10',
    `heroku_logplex_errors_total{${HEROKU},code="L10"}`,
    'warning',
    { app: 'brainbytes-api' },
    'brainbytes-api lost log lines: the drain buffer overflowed (L10), so drain metrics undercount: 2 in 15m.',
  ],
];

/** The pipeline that carries the numbers. */
export const PIPELINE_CASES: AlertCase[] = [
  ...CODE_CASES.flatMap(([alert, code, series, severity, labels, description]): AlertCase[] => [
    {
      alert,
      evalTime: '5m',
      series: { [series]: '0 0 2 2 2 2' },
      fires: [{ severity, labels, description }],
    },
    // Another code, or the same one standing still, stays quiet.
    {
      alert,
      evalTime: '5m',
      series: { [series.replace(`code="${code}"`, 'code="H99"')]: '0 0 2 2 2 2', [series]: '0x5' },
    },
  ]),
  ...(['0+1x30', '0x30'] as const).map(
    (refused): AlertCase => ({
      alert: 'PushgatewayRefusingPushes',
      evalTime: '25m',
      series: {
        'pushgateway_push_refusals_total{job="pushgateway",reason="byte_budget"}': refused,
        'pushgateway_push_refusals_total{job="pushgateway",reason="unauthorized"}': '0+5x30',
      },
      ...(refused === '0+1x30'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { reason: 'byte_budget' },
                description:
                  'The gateway refused 10 pushes in 10 minutes for byte_budget (byte_budget, series and groups are its limits; invalid is a client sending bad data).',
              },
            ],
          }
        : {}),
    }),
  ),
  ...(['0 0 3 3 3 3', '0x5'] as const).map(
    (errors): AlertCase => ({
      alert: 'PushgatewayPersistenceFailing',
      evalTime: '5m',
      series: { 'pushgateway_persistence_errors_total{job="pushgateway",operation="append"}': errors },
      ...(errors !== '0x5'
        ? {
            fires: [
              {
                severity: 'critical' as const,
                labels: { operation: 'append' },
                description:
                  'The gateway failed to append its state 3 times in 5 minutes: pushes are refused (503) or a restart would lose totals.',
              },
            ],
          }
        : {}),
    }),
  ),
  // Stale while configured fires; fresh, or no Platform API at all (a newcomer's npm start), stays quiet.
  ...(
    [
      ['0x20', '1'],
      ['1x20', '1'],
      ['0x20', '0'],
    ] as const
  ).map(
    ([up, configured]): AlertCase => ({
      alert: 'HerokuExporterPollStale',
      evalTime: '15m',
      series: {
        'heroku_exporter_up{job="heroku-exporter",instance="exp:9595"}': up,
        'heroku_exporter_source_configured{job="heroku-exporter",instance="exp:9595",source="platform_api"}': `${configured}x20`,
        'heroku_exporter_source_configured{job="heroku-exporter",instance="exp:9595",source="cloudwatch"}':
          '0x20',
      },
      ...(up === '0x20' && configured === '1'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { job: 'heroku-exporter', instance: 'exp:9595' },
                description:
                  'The Heroku exporter has not polled the Platform API successfully for three intervals: dyno counts and Heroku spend are frozen at their last values.',
              },
            ],
          }
        : {}),
    }),
  ),
  // NaN: the remaining calls are not known (no token, or no answer yet).
  ...(['300x20', '4000x20', Array(21).fill('NaN').join(' ')] as const).map(
    (left): AlertCase => ({
      alert: 'HerokuApiRateLimitLow',
      evalTime: '15m',
      series: { 'heroku_api_rate_limit_remaining{job="heroku-exporter"}': left },
      ...(left === '300x20'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: {},
                description:
                  'Only 300 Platform API calls are left of the token’s 4,500 an hour: polls will fail soon (raise HEROKU_POLL_INTERVAL_SECONDS or use its own token).',
              },
            ],
          }
        : {}),
    }),
  ),
  {
    alert: 'UsageWithoutPrice',
    evalTime: '10m',
    series: {
      'brainbytes_ai_unpriced_requests_total{job="brainbytes-ai",provider="openai",model="gpt-9"}': '0+1x20',
      'heroku_unpriced_dyno_size{job="heroku-exporter",app="brainbytes-api",size="Quantum-XL"}': '1x20',
    },
    fires: [
      {
        severity: 'warning',
        labels: { category: 'budget', provider: 'openai', model: 'gpt-9' },
        description:
          'Usage without a price (openai gpt-9): it counts as $0 in month-to-date spend and the budget alerts. Add it to the price table.',
      },
      {
        severity: 'warning',
        labels: { category: 'budget', provider: 'heroku', app: 'brainbytes-api', size: 'Quantum-XL' },
        description:
          'Usage without a price (heroku Quantum-XL): it counts as $0 in month-to-date spend and the budget alerts. Add it to the price table.',
      },
    ],
  },
  {
    alert: 'UsageWithoutPrice',
    evalTime: '10m',
    series: {
      'brainbytes_ai_unpriced_requests_total{job="brainbytes-ai",provider="openai",model="gpt-9"}': '3x20',
      'heroku_unpriced_dyno_size{job="heroku-exporter",app="brainbytes-api",size="Quantum-XL"}': '0x20',
    },
  },
  ...(['0+5x20', '0x20'] as const).map(
    (failed): AlertCase => ({
      alert: 'PrometheusRemoteWriteFailing',
      evalTime: '15m',
      series: {
        'prometheus_remote_storage_samples_failed_total{job="prometheus",url="https://grafana.example/push"}':
          failed,
      },
      ...(failed === '0+5x20'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { url: 'https://grafana.example/push' },
                description:
                  'remote_write to https://grafana.example/push fails 83.33m samples/s: hosted dashboards have gaps, and what the dyno disk loses is gone.',
              },
            ],
          }
        : {}),
    }),
  ),
  ...(['0x10', '1x10'] as const).map(
    (ok): AlertCase => ({
      alert: 'MonitoringConfigReloadFailed',
      evalTime: '8m',
      series: { 'alertmanager_config_last_reload_successful{job="alertmanager",instance="am:9093"}': ok },
      ...(ok === '0x10'
        ? {
            fires: [
              {
                severity: 'critical' as const,
                labels: { job: 'alertmanager', instance: 'am:9093' },
                description:
                  'alertmanager at am:9093 failed to load its new configuration: the last good one is still in force, so recent rule or routing changes are not.',
              },
            ],
          }
        : {}),
    }),
  ),
];
