import { type AlertCase, upEveryFifthFails } from './inputs';

/** The monitoring itself. */
/**
 * Grafana's request histogram as its /metrics has it: `handler` is the route pattern. Ten requests
 * a minute, all answered in `seconds` (a bucket boundary or past it).
 */
const grafanaRequests = (handler: string, seconds: number) =>
  Object.fromEntries(
    ['0.5', '1', '2.5', '5', '10', '+Inf'].map((le) => [
      `grafana_http_request_duration_seconds_bucket{job="grafana",instance="grafana:3000",handler="${handler}",method="POST",status_code="200",le="${le}"}`,
      Number(le) >= seconds || le === '+Inf' ? '0+10x30' : '0x30',
    ]),
  );

export const META_CASES: AlertCase[] = [
  // --- the monitoring itself ---
  {
    alert: 'GrafanaSlow',
    recording: ['brainbytes-grafana.rules'],
    evalTime: '25m',
    series: { ...grafanaRequests('/api/ds/query', 10), ...grafanaRequests('/api/dashboards/uid/:uid', 0.5) },
    fires: [
      {
        severity: 'warning',
        labels: { handler: '/api/ds/query' },
        description:
          'p95 of Grafana’s /api/ds/query is 9.75s over 5 minutes (threshold 3 s): dashboards take long to load. Look at Prometheus’s query load and the dyno’s memory.',
      },
    ],
  },
  {
    alert: 'GrafanaSlow',
    recording: ['brainbytes-grafana.rules'],
    evalTime: '25m',
    series: { ...grafanaRequests('/api/ds/query', 1), ...grafanaRequests('/api/dashboards/uid/:uid', 2.5) },
  },
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
  // Pushing stopped (the group still there), the group expired from the gateway, and pushing.
  ...(['0x40', '0+60x5 _x40', '0+60x40'] as const).map(
    (pushed): AlertCase => ({
      alert: 'JobNotPushing',
      evalTime: '30m',
      series: {
        'push_time_seconds{job="brainbytes-jobs",environment="production",platform="lambda"}': pushed,
      },
      ...(pushed !== '0+60x40'
        ? {
            fires: [
              {
                severity: 'warning' as const,
                labels:
                  pushed === '0x40'
                    ? { job: 'brainbytes-jobs', environment: 'production', platform: 'lambda' }
                    : { job: 'brainbytes-jobs', environment: 'production' },
                description:
                  'brainbytes-jobs in production has not pushed for more than 15 minutes; it should push every 5 minutes. Business and spend numbers are going stale.',
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
