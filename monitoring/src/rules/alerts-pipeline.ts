import { ALERTED_HEROKU_CODES } from '@brainbytes/telemetry/metrics/heroku-codes';
import type { AlertRule } from './types';

/** What each alerted Heroku code means for a person reading the page. */
const HEROKU_CODES: Record<string, { severity: AlertRule['severity']; what: string; window: string }> = {
  H10: {
    severity: 'critical',
    what: 'answered "App crashed" (H10): students got an error page',
    window: '5m',
  },
  H12: {
    severity: 'warning',
    what: 'let requests run past the router’s 30 s limit (H12): students saw an error page',
    window: '10m',
  },
  R10: {
    severity: 'warning',
    what: 'did not bind to $PORT within 60 s of starting (R10 boot timeout)',
    window: '15m',
  },
  R14: { severity: 'warning', what: 'is over its memory quota and swapping (R14)', window: '15m' },
  R15: {
    severity: 'critical',
    what: 'was killed for using far more than its memory quota (R15)',
    window: '15m',
  },
  L10: {
    severity: 'warning',
    what: 'lost log lines: the drain buffer overflowed (L10), so drain metrics undercount',
    window: '15m',
  },
};

const ALERT_NAMES: Record<string, string> = {
  H10: 'HerokuAppCrashedErrors',
  H12: 'HerokuRequestTimeouts',
  R10: 'HerokuDynoBootTimeout',
  R14: 'HerokuDynoMemoryQuotaExceeded',
  R15: 'HerokuDynoMemoryQuotaVastlyExceeded',
  L10: 'HerokuLogplexDrops',
};

/** One alert per code in ALERTED_HEROKU_CODES: the exporter starts these counters, these rules read them. */
function herokuCodeAlert(code: string, metric: string, by: string): AlertRule {
  const meaning = HEROKU_CODES[code];
  const alert = ALERT_NAMES[code];
  if (!meaning || !alert) throw new Error(`Heroku code ${code} is alerted on but has no alert text`);
  const who = by.includes('process_type')
    ? 'A {{ $labels.process_type }} dyno of {{ $labels.app }}'
    : '{{ $labels.app }}';
  return {
    alert,
    expr: `sum by (${by}) (increase(${metric}{code="${code}"}[${meaning.window}])) > 0`,
    severity: meaning.severity,
    team: 'infrastructure',
    service: 'heroku',
    summary: `Heroku reported ${code}.`,
    description: `${who} ${meaning.what}: {{ $value | humanize }} in ${meaning.window}.`,
  };
}

export const herokuCodeAlerts: AlertRule[] = [
  ...ALERTED_HEROKU_CODES.router.map((code) => herokuCodeAlert(code, 'heroku_router_errors_total', 'app')),
  ...ALERTED_HEROKU_CODES.dyno.map((code) =>
    herokuCodeAlert(code, 'heroku_dyno_errors_total', 'app, process_type'),
  ),
  ...ALERTED_HEROKU_CODES.logplex.map((code) => herokuCodeAlert(code, 'heroku_logplex_errors_total', 'app')),
];

/** The pipeline that carries the numbers: the gateway, the exporter, remote_write, configuration. */
export const pipelineAlerts: AlertRule[] = [
  {
    alert: 'PushgatewayRefusingPushes',
    expr: 'sum by (reason) (increase(pushgateway_push_refusals_total{reason!="unauthorized"}[10m])) > 0',
    for: '10m',
    severity: 'warning',
    team: 'engineering',
    service: 'pushgateway',
    summary: 'The gateway keeps refusing pushes: their metrics are lost.',
    description:
      'The gateway refused {{ $value | humanize }} pushes in 10 minutes for {{ $labels.reason }} (byte_budget, series and groups are its limits; invalid is a client sending bad data).',
  },
  {
    alert: 'PushgatewayPersistenceFailing',
    expr: 'sum by (operation) (increase(pushgateway_persistence_errors_total[5m])) > 0',
    severity: 'critical',
    team: 'infrastructure',
    service: 'pushgateway',
    summary: 'The gateway cannot persist its state.',
    description:
      'The gateway failed to {{ $labels.operation }} its state {{ $value | humanize }} times in 5 minutes: pushes are refused (503) or a restart would lose totals.',
  },
  {
    alert: 'HerokuExporterPollStale',
    // Only where the Platform API is set up: without HEROKU_API_TOKEN there is nothing to be stale.
    expr: 'heroku_exporter_up == 0 and on (job, instance) heroku_exporter_source_configured{source="platform_api"} == 1',
    for: '10m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'heroku',
    summary: 'The Heroku exporter’s Platform API data is stale.',
    description:
      'The Heroku exporter has not polled the Platform API successfully for three intervals: dyno counts and Heroku spend are frozen at their last values.',
  },
  {
    alert: 'HerokuApiRateLimitLow',
    expr: 'min(heroku_api_rate_limit_remaining) < 500',
    for: '10m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'heroku',
    summary: 'The Heroku API token is close to its rate limit.',
    description:
      'Only {{ $value | humanize }} Platform API calls are left of the token’s 4,500 an hour: polls will fail soon (raise HEROKU_POLL_INTERVAL_SECONDS or use its own token).',
  },
  {
    alert: 'UsageWithoutPrice',
    expr: `sum by (provider, model) (increase(brainbytes_ai_unpriced_requests_total[1h])) > 0
or
label_replace(max by (app, size) (heroku_unpriced_dyno_size), "provider", "heroku", "", "") > 0`,
    severity: 'warning',
    team: 'product',
    service: 'budget',
    labels: { category: 'budget' },
    summary: 'Something is used that has no price: spend reads lower than it is.',
    description:
      'Usage without a price ({{ $labels.provider }} {{ $labels.model }}{{ $labels.size }}): it counts as $0 in month-to-date spend and the budget alerts. Add it to the price table.',
  },
  {
    alert: 'PrometheusRemoteWriteFailing',
    expr: 'sum by (url) (rate(prometheus_remote_storage_samples_failed_total[5m])) > 0',
    for: '10m',
    severity: 'warning',
    team: 'infrastructure',
    service: 'prometheus',
    summary: 'Prometheus cannot send samples to hosted Grafana.',
    description:
      'remote_write to {{ $labels.url }} fails {{ $value | humanize }} samples/s: hosted dashboards have gaps, and what the dyno disk loses is gone.',
  },
  {
    alert: 'MonitoringConfigReloadFailed',
    expr: `prometheus_config_last_reload_successful == 0
or
alertmanager_config_last_reload_successful == 0`,
    for: '5m',
    severity: 'critical',
    team: 'infrastructure',
    service: 'monitoring',
    summary: 'Prometheus or Alertmanager runs on an old configuration.',
    description:
      '{{ $labels.job }} at {{ $labels.instance }} failed to load its new configuration: the last good one is still in force, so recent rule or routing changes are not.',
  },
];
