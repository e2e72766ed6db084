import { ANSWER_ROUTE } from '../src/rules/recording';
import type { Severity } from '../src/rules/types';

/**
 * promtool unit tests for every alert: one case where it fires (with the labels and the
 * description a person will read) and one where it stays quiet. Times are from the Unix epoch,
 * a Thursday at 00:00 UTC.
 */
export interface AlertCase {
  alert: string;
  /** Which rule files (group names) the case loads besides the alert's own. */
  recording?: string[];
  /** Sample spacing of input series; promtool evaluates rules at the same step. */
  interval?: string;
  evalTime: string;
  series: Record<string, string>;
  /** Absent: the case expects silence. */
  fires?: {
    severity: Severity;
    labels: Record<string, string>;
    description: string;
    annotations?: Record<string, string>;
  }[];
}

const API = 'job="brainbytes-api",environment="production",platform="heroku"';
const AI = 'job="brainbytes-ai",environment="production",platform="lambda"';
const ASK = `route="${ANSWER_ROUTE}"`;
const production = { environment: 'production' };

const httpTotals = (ok: string, failed: string) => ({
  [`brainbytes_http_requests_total{${API},method="POST",${ASK},status_code="200",client_type="mobile"}`]: ok,
  [`brainbytes_http_requests_total{${API},method="POST",${ASK},status_code="500",client_type="mobile"}`]:
    failed,
});

const aiOutcomes = (success: string, outcome: string, other: string) => ({
  [`brainbytes_ai_requests_total{${AI},provider="openai",model="gpt-4o-mini",subject="math",outcome="success"}`]:
    success,
  [`brainbytes_ai_requests_total{${AI},provider="openai",model="gpt-4o-mini",subject="math",outcome="${outcome}"}`]:
    other,
});

const apiSlow = (fast: string, all: string) => ({
  [`brainbytes_http_request_duration_seconds_bucket{${API},method="POST",${ASK},status_code="200",le="1"}`]:
    fast,
  [`brainbytes_http_request_duration_seconds_count{${API},method="POST",${ASK},status_code="200"}`]: all,
});

const aiSlow = (fast: string, all: string) => ({
  [`brainbytes_ai_request_duration_seconds_bucket{${AI},provider="openai",model="gpt-4o-mini",le="10.24"}`]:
    fast,
  [`brainbytes_ai_request_duration_seconds_count{${AI},provider="openai",model="gpt-4o-mini"}`]: all,
});

const latencyBuckets = (le1: string, le25: string) => ({
  [`brainbytes_http_request_duration_seconds_bucket{${API},method="POST",${ASK},status_code="200",le="1"}`]:
    le1,
  [`brainbytes_http_request_duration_seconds_bucket{${API},method="POST",${ASK},status_code="200",le="2.5"}`]:
    le25,
  [`brainbytes_http_request_duration_seconds_bucket{${API},method="POST",${ASK},status_code="200",le="+Inf"}`]:
    le25,
});

const budgetInputs = (ratio: string) => ({
  'brainbytes:spend_budget:ratio': ratio,
  'provider:brainbytes_spend_dollars:month_to_date{provider="ai"}': '40x100',
  'provider:brainbytes_spend_dollars:month_to_date{provider="heroku"}': '20x100',
  'brainbytes:spend_dollars:forecast_month_end': '90x100',
  'brainbytes:budget_dollars:monthly': '100x100',
});
const BUDGET_SHOWN = { breakdown: 'ai: $40.00; heroku: $20.00; ', forecast: '$90.00', budget: '$100.00' };
const budgetLabels = { category: 'budget' };

const upEveryFifthFails = Array.from({ length: 40 }, (_, minute) => (minute % 5 === 4 ? 0 : 1)).join(' ');

export const ALERT_CASES: AlertCase[] = [
  // --- basic ---
  {
    alert: 'TargetDown',
    evalTime: '5m',
    series: { 'up{job="pushgateway",instance="localhost:9091"}': '0x10' },
    fires: [
      {
        severity: 'critical',
        labels: { job: 'pushgateway', instance: 'localhost:9091', service: 'pushgateway' },
        description:
          'pushgateway at localhost:9091 has not answered a scrape for 2 minutes: its metrics are missing and alerts that read them stay silent.',
      },
    ],
  },
  {
    alert: 'TargetDown',
    evalTime: '5m',
    series: { 'up{job="pushgateway",instance="localhost:9091"}': '1x10' },
  },
  {
    alert: 'ApiHighErrorRatio',
    recording: ['brainbytes-http.rules'],
    evalTime: '10m',
    series: httpTotals('0+54x20', '0+6x20'),
    fires: [
      {
        severity: 'critical',
        labels: { ...production, job: 'brainbytes-api', route: ANSWER_ROUTE },
        description: `10% of ${ANSWER_ROUTE} requests in production failed with 5xx over the last 5 minutes (threshold 5%).`,
      },
    ],
  },
  {
    alert: 'ApiHighErrorRatio',
    recording: ['brainbytes-http.rules'],
    evalTime: '10m',
    series: httpTotals('0+59x20', '0+1x20'),
  },
  {
    alert: 'ApiHighLatency',
    recording: ['brainbytes-http.rules'],
    evalTime: '15m',
    series: latencyBuckets('0x20', '0+60x20'),
    fires: [
      {
        severity: 'warning',
        labels: { ...production, job: 'brainbytes-api', route: ANSWER_ROUTE },
        description: `p95 latency of ${ANSWER_ROUTE} in production is 2.425s (threshold 2s); on 3G that is a question that feels broken.`,
      },
    ],
  },
  {
    alert: 'ApiHighLatency',
    recording: ['brainbytes-http.rules'],
    evalTime: '15m',
    series: latencyBuckets('0+60x20', '0+60x20'),
  },
  ...(
    [
      ['AiProviderErrors', 'error', 'critical', '10m', 'fails', '20%', '10%', '0+48x30', '0+12x30'],
      ['AiProviderTimeouts', 'timeout', 'warning', '15m', 'times out on', '10%', '5%', '0+54x30', '0+6x30'],
      [
        'AiProviderRateLimited',
        'rate_limited',
        'warning',
        '15m',
        'rate-limits',
        '10%',
        '5%',
        '0+54x30',
        '0+6x30',
      ],
    ] as const
  ).flatMap(([alert, outcome, severity, evalTime, verb, shown, threshold, ok, bad]): AlertCase[] => [
    {
      alert,
      recording: ['brainbytes-ai.rules'],
      evalTime,
      series: aiOutcomes(ok, outcome, bad),
      fires: [
        {
          severity,
          labels: { ...production, provider: 'openai', outcome },
          description: `openai ${verb} ${shown} of answers in production (threshold ${threshold}); students get the offline tutor instead.`,
        },
      ],
    },
    { alert, recording: ['brainbytes-ai.rules'], evalTime, series: aiOutcomes('0+99x30', outcome, '0+1x30') },
  ]),
  {
    alert: 'OfflineTutorInProduction',
    evalTime: '20m',
    series: {
      [`brainbytes_ai_requests_total{${AI},provider="offline",model="offline-curriculum",subject="math",outcome="success"}`]:
        '0+30x30',
    },
    fires: [
      {
        severity: 'warning',
        labels: production,
        description:
          'The AI tutor in production answers 0.50 questions/s from the offline curriculum: it has no OPENAI_API_KEY (or OPENAI_API_KEY_PARAMETER).',
      },
    ],
  },
  {
    alert: 'OfflineTutorInProduction',
    evalTime: '20m',
    series: {
      'brainbytes_ai_requests_total{job="brainbytes-ai",environment="development",platform="local",provider="offline",model="offline-curriculum",subject="math",outcome="success"}':
        '0+30x30',
    },
  },
  {
    alert: 'DbConnectionsNearPoolSize',
    evalTime: '10m',
    series: {
      [`brainbytes_db_connections_active{${API}}`]: '9x20',
      [`brainbytes_db_connections_max{${API}}`]: '10x20',
    },
    fires: [
      {
        severity: 'warning',
        labels: { ...production, job: 'brainbytes-api' },
        description:
          'brainbytes-api in production uses 90% of its database pool; requests will start to queue.',
      },
    ],
  },
  {
    alert: 'DbConnectionsNearPoolSize',
    evalTime: '10m',
    series: {
      [`brainbytes_db_connections_active{${API}}`]: '5x20',
      [`brainbytes_db_connections_max{${API}}`]: '10x20',
    },
  },
  {
    alert: 'HerokuDynoCrashed',
    evalTime: '5m',
    series: {
      'heroku_dyno_crashes_total{job="heroku-exporter",app="brainbytes-api",process_type="web"}':
        '0 0 0 1 1 1',
    },
    fires: [
      {
        severity: 'critical',
        labels: { app: 'brainbytes-api', process_type: 'web' },
        description:
          'A web dyno of brainbytes-api crashed (1 in 5 minutes); Heroku restarts it with backoff.',
      },
    ],
  },
  {
    alert: 'HerokuDynoCrashed',
    evalTime: '5m',
    series: {
      'heroku_dyno_crashes_total{job="heroku-exporter",app="brainbytes-api",process_type="web"}': '1x5',
    },
  },
  ...(
    [
      ['HerokuDynoMemoryQuotaExceeded', 'R14', 'warning', 'is over its memory quota and swapping'],
      [
        'HerokuDynoMemoryQuotaVastlyExceeded',
        'R15',
        'critical',
        'was killed for using far more than its memory quota',
      ],
    ] as const
  ).flatMap(([alert, code, severity, what]): AlertCase[] => [
    {
      alert,
      evalTime: '5m',
      series: {
        [`heroku_dyno_errors_total{job="heroku-exporter",app="brainbytes-api",process_type="web",code="${code}"}`]:
          '0 0 1 1 1 1',
      },
      fires: [
        {
          severity,
          labels: { app: 'brainbytes-api', process_type: 'web' },
          description: `A web dyno of brainbytes-api ${what} (${code}, 1 in 15 minutes).`,
        },
      ],
    },
    {
      alert,
      evalTime: '5m',
      series: {
        'heroku_dyno_errors_total{job="heroku-exporter",app="brainbytes-api",process_type="web",code="R10"}':
          '0 0 1 1 1 1',
      },
    },
  ]),
  {
    alert: 'HerokuRequestTimeouts',
    evalTime: '5m',
    series: {
      'heroku_router_errors_total{job="heroku-exporter",app="brainbytes-api",code="H12"}': '0 0 2 2 2 2',
    },
    fires: [
      {
        severity: 'warning',
        labels: { app: 'brainbytes-api' },
        description:
          'brainbytes-api let 2 requests run past the router’s 30 s limit in 10 minutes (H12): students saw an error page.',
      },
    ],
  },
  {
    alert: 'HerokuRequestTimeouts',
    evalTime: '5m',
    series: {
      'heroku_router_errors_total{job="heroku-exporter",app="brainbytes-api",code="H10"}': '0 0 2 2 2 2',
    },
  },
  {
    alert: 'HostMemoryPressure',
    evalTime: '15m',
    series: {
      'node_memory_MemAvailable_bytes{job="node",instance="host:9100"}': '500x20',
      'node_memory_MemTotal_bytes{job="node",instance="host:9100"}': '10000x20',
    },
    fires: [
      {
        severity: 'warning',
        labels: { job: 'node', instance: 'host:9100' },
        description: 'host:9100 has 5% of its memory available.',
      },
    ],
  },
  {
    alert: 'HostMemoryPressure',
    evalTime: '15m',
    series: {
      'node_memory_MemAvailable_bytes{job="node",instance="host:9100"}': '5000x20',
      'node_memory_MemTotal_bytes{job="node",instance="host:9100"}': '10000x20',
    },
  },
  ...(['ext4', 'tmpfs'] as const).map(
    (fstype): AlertCase => ({
      alert: 'HostDiskPressure',
      evalTime: '15m',
      series: {
        [`node_filesystem_avail_bytes{job="node",instance="host:9100",device="/dev/sda1",fstype="${fstype}",mountpoint="/"}`]:
          '50x20',
        [`node_filesystem_size_bytes{job="node",instance="host:9100",device="/dev/sda1",fstype="${fstype}",mountpoint="/"}`]:
          '1000x20',
        [`node_filesystem_readonly{job="node",instance="host:9100",device="/dev/sda1",fstype="${fstype}",mountpoint="/"}`]:
          '0x20',
      },
      ...(fstype === 'ext4'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { job: 'node', instance: 'host:9100', device: '/dev/sda1', fstype, mountpoint: '/' },
                description:
                  '/ on host:9100 has 5% free; Prometheus and the gateway stop writing when it is full.',
              },
            ],
          }
        : {}),
    }),
  ),

  // --- advanced: SLO burn rates (crit: 10 minutes of heavy burn; warn: 3 hours of steady burn) ---
  ...(
    [
      [
        'ApiErrorBudgetBurn',
        'API availability (99.5% of requests without a 5xx)',
        httpTotals,
        ['0+90x20', '0+10x20', '10%'],
        ['0+98x200', '0+2x200', '2%'],
        ['0+998x20', '0+2x20'],
      ],
      [
        'ApiLatencyBudgetBurn',
        'API latency (99% of requests within 1 s)',
        apiSlow,
        ['0+48x20', '0+60x20', '20%'],
        ['0+96x200', '0+100x200', '4%'],
        ['0+199x20', '0+200x20'],
      ],
      [
        'AiLatencyBudgetBurn',
        'AI answer latency (95% of answers within 10.24 s)',
        aiSlow,
        ['0+60x20', '0+100x20', '40%'],
        ['0+80x200', '0+100x200', '20%'],
        ['0+99x20', '0+100x20'],
      ],
    ] as const
  ).flatMap(([alert, what, series, crit, warn, quiet]): AlertCase[] => [
    {
      alert,
      recording: ['brainbytes-slo.rules'],
      evalTime: '10m',
      series: series(crit[0], crit[1]),
      fires: [
        {
          severity: 'critical',
          labels: production,
          description: `${what} in production: ${crit[2]} of requests miss the objective; at this rate the 30-day budget is gone in days.`,
        },
      ],
    },
    {
      alert,
      recording: ['brainbytes-slo.rules'],
      evalTime: '3h',
      series: series(warn[0], warn[1]),
      fires: [
        {
          severity: 'warning',
          labels: production,
          description: `${what} in production: ${warn[2]} of requests miss the objective, faster than the budget allows.`,
        },
      ],
    },
    { alert, recording: ['brainbytes-slo.rules'], evalTime: '3h', series: series(quiet[0], quiet[1]) },
  ]),

  // --- advanced: students ---
  ...(['3g', '4g'] as const).map(
    (connection): AlertCase => ({
      alert: 'SlowLcpOn3g',
      recording: ['brainbytes-web.rules'],
      evalTime: '40m',
      series: Object.fromEntries(
        (['4', '6', '+Inf'] as const).map((le) => [
          `brainbytes_web_vitals_seconds_bucket{${API},metric="LCP",page="/ask",client_type="mobile",connection="${connection}",le="${le}"}`,
          le === '4' ? '0x60' : '0+60x60',
        ]),
      ),
      ...(connection === '3g'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { ...production, connection: '3g', metric: 'LCP' },
                description: 'p75 Largest Contentful Paint on 3G in production is 5.5s (poor above 4s).',
              },
            ],
          }
        : {}),
    }),
  ),
  ...([10_000, 2_000] as const).map(
    (bytes): AlertCase => ({
      alert: 'DataPerAnswerOverBudget',
      recording: ['brainbytes-http.rules'],
      evalTime: '40m',
      series: {
        [`brainbytes_http_response_size_bytes_sum{${API},${ASK},client_type="mobile"}`]: `0+${bytes * 60}x60`,
        [`brainbytes_http_response_size_bytes_count{${API},${ASK},client_type="mobile"}`]: '0+60x60',
      },
      ...(bytes > 8192
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { ...production, client_type: 'mobile' },
                description:
                  'An answer costs mobile students 9.766kiB on average in production (budget 8 KiB): prepaid data runs out sooner.',
              },
            ],
          }
        : {}),
    }),
  ),
  ...(['0+6x40', '0+1x40'] as const).map(
    (aborted): AlertCase => ({
      alert: 'ConnectionDropRateHigh',
      recording: ['brainbytes-http.rules'],
      evalTime: '35m',
      series: {
        [`brainbytes_http_requests_aborted_total{${API},${ASK},client_type="mobile"}`]: aborted,
        [`brainbytes_http_requests_total{${API},method="POST",${ASK},status_code="200",client_type="mobile"}`]:
          '0+60x40',
      },
      ...(aborted === '0+6x40'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: production,
                description:
                  '10% of requests in production were abandoned before the answer arrived (threshold 5%).',
              },
            ],
          }
        : {}),
    }),
  ),
  // 08:00 UTC is 16:00 in Manila, a Thursday: study time. 03:00 UTC is 11:00, school time.
  ...(['8h', '3h'] as const).map(
    (evalTime): AlertCase => ({
      alert: 'TrafficMissingInManilaPeakHours',
      evalTime,
      series: { [`brainbytes_questions_total{${API},subject="math",client_type="mobile"}`]: '5x500' },
      ...(evalTime === '8h'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: production,
                description:
                  'Production has had no questions for 30 minutes on a weekday between 15:00 and 22:00 Manila time, when students study: check the web app, DNS and the API.',
              },
            ],
          }
        : {}),
    }),
  ),

  // --- budget: fed the recorded spend series (the spend rules have tests of their own) ---
  ...(
    [
      ['MonthlyBudgetHalfSpent', 'info', '0.6x10', '0.3x10', '60%'],
      ['MonthlyBudgetMostlySpent', 'warning', '0.85x10', '0.6x10', '85%'],
      ['MonthlyBudgetExceeded', 'critical', '1.2x10', '0.9x10', '120%'],
    ] as const
  ).flatMap(([alert, severity, high, low, shown]): AlertCase[] => [
    {
      alert,
      evalTime: '5m',
      series: budgetInputs(high),
      fires: [
        {
          severity,
          labels: budgetLabels,
          description: `Spend so far this month is ${shown} of the monthly budget (BRAINBYTES_MONTHLY_BUDGET_DOLLARS).`,
          annotations: BUDGET_SHOWN,
        },
      ],
    },
    { alert, evalTime: '5m', series: budgetInputs(low) },
  ]),
  ...(['150x100', '90x100'] as const).map(
    (forecast): AlertCase => ({
      alert: 'MonthlySpendForecastOverBudget',
      evalTime: '70m',
      series: { ...budgetInputs('0.5x100'), 'brainbytes:spend_dollars:forecast_month_end': forecast },
      ...(forecast === '150x100'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: budgetLabels,
                description:
                  'At the last day’s spend rate the month ends at $150.00, over the monthly budget.',
                annotations: { ...BUDGET_SHOWN, forecast: '$150.00' },
              },
            ],
          }
        : {}),
    }),
  ),
  ...(['0.01x100', '0.006x100'] as const).map(
    (hourly): AlertCase => ({
      alert: 'AiCostPerQuestionDoubled',
      evalTime: '70m',
      series: {
        ...budgetInputs('0.5x100'),
        'brainbytes:ai_cost_per_question_dollars:rate1h': hourly,
        'brainbytes:ai_cost_per_question_dollars:avg7d': '0.004x100',
      },
      ...(hourly === '0.01x100'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: budgetLabels,
                description:
                  'AI cost per question is $0.0100 over the last hour, more than double the 7-day average: a pricier model, longer prompts or retries.',
                annotations: BUDGET_SHOWN,
              },
            ],
          }
        : {}),
    }),
  ),

  // --- the monitoring itself ---
  {
    alert: 'Watchdog',
    evalTime: '1m',
    series: {},
    fires: [
      {
        severity: 'none',
        labels: {},
        description:
          'This alert always fires. The dead man’s switch (WATCHDOG_URL) pages when it stops arriving: then Prometheus or Alertmanager is down.',
      },
    ],
  },
  ...(['0x40', '0+60x40'] as const).map(
    (pushed): AlertCase => ({
      alert: 'JobNotPushing',
      evalTime: '30m',
      series: {
        'push_time_seconds{job="brainbytes-jobs",environment="production",platform="lambda"}': pushed,
      },
      ...(pushed === '0x40'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { job: 'brainbytes-jobs', environment: 'production', platform: 'lambda' },
                description:
                  'brainbytes-jobs (production, lambda) last pushed 30m 0s ago; it should push every 5 minutes. Business and spend numbers are going stale.',
              },
            ],
          }
        : {}),
    }),
  ),
  ...([upEveryFifthFails, '1x40'] as const).map(
    (up): AlertCase => ({
      alert: 'ScrapesFailingIntermittently',
      evalTime: '35m',
      series: { 'up{job="heroku-exporter",instance="localhost:9595"}': up },
      ...(up === upEveryFifthFails
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { job: 'heroku-exporter', instance: 'localhost:9595', service: 'heroku-exporter' },
                description:
                  'Only 81.25% of scrapes of heroku-exporter at localhost:9595 succeeded in 15 minutes: its graphs have gaps.',
              },
            ],
          }
        : {}),
    }),
  ),
  ...(['0 0 0 3 3 3', '0x5'] as const).map(
    (failures): AlertCase => ({
      alert: 'PrometheusRuleEvaluationFailures',
      evalTime: '5m',
      series: {
        'prometheus_rule_evaluation_failures_total{job="prometheus",instance="localhost:9090",rule_group="rules/brainbytes-spend.rules.yml;brainbytes-spend.rules"}':
          failures,
      },
      ...(failures === '0 0 0 3 3 3'
        ? {
            fires: [
              {
                severity: 'critical' as const,
                labels: { rule_group: 'rules/brainbytes-spend.rules.yml;brainbytes-spend.rules' },
                description:
                  '3 evaluations of rules/brainbytes-spend.rules.yml;brainbytes-spend.rules failed in 5 minutes: recorded series and alerts from it are missing.',
              },
            ],
          }
        : {}),
    }),
  ),
  ...(['0+6x20', '0x20'] as const).map(
    (failed): AlertCase => ({
      alert: 'AlertmanagerNotificationsFailing',
      evalTime: '10m',
      series: {
        'alertmanager_notifications_failed_total{job="alertmanager",instance="localhost:9093",integration="email"}':
          failed,
      },
      ...(failed === '0+6x20'
        ? {
            fires: [
              {
                severity: 'critical' as const,
                labels: { integration: 'email' },
                description:
                  'Alertmanager fails to send to email (0.10 failures/s): check the SMTP smarthost or the Slack webhook.',
              },
            ],
          }
        : {}),
    }),
  ),
  ...(['0x20', '1x20'] as const).map(
    (discovered): AlertCase => ({
      alert: 'PrometheusNotConnectedToAlertmanager',
      evalTime: '15m',
      series: {
        'prometheus_notifications_alertmanagers_discovered{job="prometheus",instance="localhost:9090"}':
          discovered,
      },
      ...(discovered === '0x20'
        ? {
            fires: [
              {
                severity: 'critical' as const,
                labels: { job: 'prometheus', instance: 'localhost:9090' },
                description:
                  'Prometheus discovered no Alertmanager for 5 minutes: every alert is going nowhere.',
              },
            ],
          }
        : {}),
    }),
  ),
];
