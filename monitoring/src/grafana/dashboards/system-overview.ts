import { budgetGauge, dashboard, ENV, type PanelSpec } from '../panel';

/** A stat of 1 (passed, green) or 0 (failed, red) per `legend`. */
const passFail = (title: string, description: string, expr: string, legend: string): PanelSpec => ({
  title,
  type: 'stat',
  unit: 'short',
  description,
  queries: [{ expr, legend }],
  thresholds: [
    [0, 'red'],
    [1, 'green'],
  ],
  min: 0,
  max: 1,
  width: 8,
});

export const systemOverview = dashboard({
  uid: 'bb-system-overview',
  title: 'BrainBytes — System Overview',
  description: 'Is BrainBytes up, used and within budget? Start here.',
  tags: ['overview'],
  rows: [
    {
      // Symptoms first: what a student's phone gets from each public entry (the blackbox probes).
      title: 'The student’s view, from outside',
      panels: [
        passFail(
          'Public entries up',
          'Each public entry probed as a phone would (status, a body only a working app sends, TLS): 1 up, 0 failing. StudentPathDown after 2 minutes at 0.',
          `max by (entry) (probe_success{job="blackbox",${ENV}})`,
          '{{entry}}',
        ),
        {
          title: 'Probe time by phase',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `max by (entry, phase) (probe_http_duration_seconds{job="blackbox",${ENV}})`,
              legend: '{{entry}} {{phase}}',
            },
          ],
          stack: true,
          width: 8,
        },
        passFail(
          'Synthetic student: last journey by step',
          'Log in, open a session, ask, read the answer back (every SYNTHETIC_INTERVAL_SECONDS): 1 passed, 0 failed or not reached.',
          `max by (step) (brainbytes_synthetic_journey_success{${ENV}})`,
          '{{step}}',
        ),
        {
          title: 'Synthetic student: time per step',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `max by (step) (brainbytes_synthetic_journey_duration_seconds{${ENV}})`,
              legend: '{{step}}',
            },
          ],
          width: 8,
        },
        {
          title: 'Days to certificate expiry',
          type: 'stat',
          unit: 'd',
          description: 'HTTPS entries only: TlsCertificateExpiresSoon warns under 14 days, pages under 3.',
          queries: [
            {
              expr: `min by (entry) (probe_ssl_earliest_cert_expiry{job="blackbox",${ENV}} - time()) / 86400`,
              legend: '{{entry}}',
            },
          ],
          thresholds: [
            [0, 'red'],
            [3, 'orange'],
            [14, 'green'],
          ],
          width: 8,
        },
      ],
    },
    {
      title: 'Right now',
      panels: [
        {
          title: 'Targets up',
          type: 'stat',
          unit: 'percentunit',
          queries: [{ expr: 'sum(up) / count(up)' }],
          thresholds: [
            [0, 'red'],
            [0.99, 'green'],
          ],
          min: 0,
          max: 1,
        },
        {
          title: 'API requests',
          type: 'stat',
          unit: 'reqps',
          queries: [{ expr: `sum(job_route:brainbytes_http_requests:rate5m{job="brainbytes-api",${ENV}})` }],
        },
        {
          title: 'API 5xx ratio',
          type: 'stat',
          unit: 'percentunit',
          queries: [{ expr: `max(environment:brainbytes_api_errors:ratio_rate5m{${ENV}})` }],
          thresholds: [
            [0.005, 'orange'],
            [0.05, 'red'],
          ],
        },
        {
          title: 'Questions',
          type: 'stat',
          unit: 'reqps',
          queries: [
            {
              expr: `sum(rate(brainbytes_questions_total{${ENV},client_type!="synthetic"}[$__rate_interval]))`,
            },
          ],
        },
        {
          title: 'Active students (1 day)',
          type: 'stat',
          unit: 'short',
          queries: [{ expr: `sum(brainbytes_active_students{window="1d",${ENV}})` }],
        },
        budgetGauge('Budget used this month'),
      ],
    },
    {
      title: 'Traffic',
      panels: [
        {
          title: 'Requests by service',
          type: 'timeseries',
          unit: 'reqps',
          queries: [
            { expr: `sum by (job) (job_route:brainbytes_http_requests:rate5m{${ENV}})`, legend: '{{job}}' },
          ],
          stack: true,
        },
        {
          title: 'Questions by subject',
          type: 'timeseries',
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (subject) (rate(brainbytes_questions_total{${ENV},client_type!="synthetic"}[$__rate_interval]))`,
              legend: '{{subject}}',
            },
          ],
          stack: true,
        },
      ],
    },
    {
      title: 'Health at a glance',
      panels: [
        {
          title: 'API latency p95 by route',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: `max by (route) (job_route:brainbytes_http_request_duration_seconds:p95_5m{job="brainbytes-api",${ENV}})`,
              legend: '{{route}}',
            },
          ],
        },
        {
          title: 'Answers from the offline fallback (AI provider health)',
          type: 'timeseries',
          unit: 'percentunit',
          queries: [
            {
              expr: `environment:brainbytes_ai_fallback_answers:ratio_rate5m{${ENV}}`,
              legend: '{{environment}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Platform',
      panels: [
        {
          title: 'Firing alerts',
          type: 'table',
          unit: 'short',
          queries: [
            // The Watchdog always fires: listed, it would hide that nothing else does.
            {
              expr: 'sort_desc(count by (alertname, severity, team) (ALERTS{alertstate="firing",alertname!="Watchdog"}))',
            },
          ],
          width: 8,
        },
        {
          title: 'Heroku dynos by state',
          type: 'timeseries',
          unit: 'short',
          queries: [{ expr: 'sum by (app, state) (heroku_dynos)', legend: '{{app}} {{state}}' }],
          width: 8,
        },
        {
          title: 'Pushgateway groups and series',
          type: 'timeseries',
          unit: 'short',
          queries: [
            { expr: 'sum(pushgateway_groups)', legend: 'groups' },
            { expr: 'sum(pushgateway_series)', legend: 'series' },
          ],
          width: 8,
        },
      ],
    },
    {
      title: 'Monitoring the monitoring',
      panels: [
        {
          // GRAFANA_TARGET: empty until Grafana is scraped.
          title: 'Grafana: dashboard load and panel query latency p95',
          type: 'timeseries',
          unit: 's',
          queries: [{ expr: 'handler:grafana_http_request_duration_seconds:p95_5m', legend: '{{handler}}' }],
          width: 12,
        },
        {
          title: 'Prometheus: rule group evaluation time',
          type: 'timeseries',
          unit: 's',
          queries: [
            {
              expr: 'max by (rule_group) (prometheus_rule_group_last_duration_seconds)',
              legend: '{{rule_group}}',
            },
          ],
          width: 12,
        },
      ],
    },
  ],
});
