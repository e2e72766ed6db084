import { type AlertCase, API, ASK, aiSlow, apiSlow, httpTotals, production } from './inputs';

/** SLO burn rates and what students feel. */
export const ADVANCED_CASES: AlertCase[] = [
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
        'API latency (99% of requests within 1 s, the wait for the tutor aside)',
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
  // Night: 1 request in 5 fails, but 5 requests in 10 minutes page no one (MIN_REQUESTS_TO_ALERT).
  {
    alert: 'ApiErrorBudgetBurn',
    recording: ['brainbytes-slo.rules'],
    evalTime: '10m',
    series: httpTotals('0+0.4x20', '0+0.1x20'),
  },
  // A quiet stack: 4 % of requests slow for three hours (a ticket at this rate), but 20 requests in
  // all are not a trend (MIN_REQUESTS_TO_ALERT), for the slow burn as for the fast one.
  ...(['ApiLatencyBudgetBurn', 'ApiErrorBudgetBurn'] as const).map(
    (alert): AlertCase => ({
      alert,
      recording: ['brainbytes-slo.rules'],
      evalTime: '3h',
      series:
        alert === 'ApiLatencyBudgetBurn'
          ? apiSlow('0+0.096x200', '0+0.1x200')
          : httpTotals('0+0.098x200', '0+0.002x200'),
    }),
  ),
  // Asking waits for the tutor: four questions in five over 1 s burn the AI's budget, not the API's.
  {
    alert: 'ApiLatencyBudgetBurn',
    recording: ['brainbytes-slo.rules'],
    evalTime: '10m',
    series: { ...apiSlow('0+12x20', '0+60x20', ASK), ...apiSlow('0+60x20', '0+60x20') },
  },
  // Prometheus 3 stores the bucket bound 1 as "1.0": the latency SLO must still see it.
  {
    alert: 'ApiLatencyBudgetBurn',
    recording: ['brainbytes-slo.rules'],
    evalTime: '10m',
    series: Object.fromEntries(
      Object.entries(apiSlow('0+48x20', '0+60x20')).map(([k, v]) => [k.replace('le="1"', 'le="1.0"'), v]),
    ),
    fires: [
      {
        severity: 'critical',
        labels: production,
        description:
          'API latency (99% of requests within 1 s, the wait for the tutor aside) in production: 20% of requests miss the objective; at this rate the 30-day budget is gone in days.',
      },
    ],
  },

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
  ...(['0+300x40', '0+5x40'] as const).map(
    (refused): AlertCase => ({
      alert: 'ApiRateLimitsFiringOften',
      evalTime: '35m',
      series: { [`brainbytes_api_rate_limited_total{${API},limit="login_address"}`]: refused },
      ...(refused === '0+300x40'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels: { ...production, limit: 'login_address' },
                description:
                  'The login_address limit refused 300 requests a minute in production for 10 minutes (threshold 10): password guessing, a scripted account spending the AI budget, or a limit set too low for a classroom.',
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
                  'Production has had no questions for 30m in Manila study hours (15:00–22:00), when students study: check the web app, DNS and the API.',
              },
            ],
          }
        : {}),
    }),
  ),
];
