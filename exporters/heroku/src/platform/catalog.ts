import { defineMetric as def, type MetricDefinition } from '@brainbytes/telemetry/metrics';

/** What the Platform API says of each app (`heroku_*`), and how the exporter's polls of it go (`heroku_exporter_*`). */
export const PLATFORM_METRICS = {
  appInfo: def(
    'heroku_app_info',
    'gauge',
    'Apps the token sees (or HEROKU_APPS), with region and stack; always 1.',
    ['app', 'region', 'stack'],
  ),
  dynos: def(
    'heroku_dynos',
    'gauge',
    'Dynos by process type, size and state (every state present, 0 when none).',
    ['app', 'type', 'size', 'state'],
  ),
  formationQuantity: def(
    'heroku_formation_quantity',
    'gauge',
    'Dynos the formation asks for, by process type and size.',
    ['app', 'type', 'size'],
  ),
  releaseVersion: def('heroku_release_version', 'gauge', 'Version of the latest release.', ['app', 'status']),
  releaseAgeSeconds: def(
    'heroku_release_age_seconds',
    'gauge',
    'Seconds since the latest release was created.',
    ['app'],
  ),
  addonMonthlyPriceDollars: def(
    'heroku_addon_monthly_price_dollars',
    'gauge',
    'Monthly price of each add-on from billed_price (0 for contract pricing).',
    ['app', 'service', 'plan'],
  ),
  appFeatureEnabled: def(
    'heroku_app_feature_enabled',
    'gauge',
    'App features, 1 when enabled (log-runtime-metrics feeds the dyno metrics).',
    ['app', 'feature'],
  ),
  apiRateLimitRemaining: def(
    'heroku_api_rate_limit_remaining',
    'gauge',
    'Platform API requests left in the current rate-limit window.',
    [],
  ),
  exporterLastSuccessTimestampSeconds: def(
    'heroku_exporter_last_success_timestamp_seconds',
    'gauge',
    'When a poll of the Platform API last fully succeeded.',
    [],
  ),
  exporterUp: def(
    'heroku_exporter_up',
    'gauge',
    '1 while the Platform API data is fresh (a full poll within 3 intervals), else 0.',
    [],
  ),
  exporterSourceConfigured: def(
    'heroku_exporter_source_configured',
    'gauge',
    '1 when a data source is set up (platform_api: HEROKU_API_TOKEN; cloudwatch: AWS_REGION and Lambda functions), 0 when it is off on purpose: its staleness alerts stay silent.',
    ['source'],
  ),
  exporterPollDurationSeconds: def(
    'heroku_exporter_poll_duration_seconds',
    'gauge',
    'How long the last poll of the Platform API took.',
    [],
  ),
  exporterApiRequestsTotal: def(
    'heroku_exporter_api_requests_total',
    'counter',
    'Platform API requests by endpoint template and HTTP code (or timeout/network).',
    ['endpoint', 'code'],
  ),
  exporterApiErrorsTotal: def(
    'heroku_exporter_api_errors_total',
    'counter',
    'Platform API calls that failed, by endpoint template and reason.',
    ['endpoint', 'reason'],
  ),
  exporterStateErrorsTotal: def(
    'heroku_exporter_state_errors_total',
    'counter',
    'Failed loads and saves of the accrued cost (HEROKU_EXPORTER_STATE), by action.',
    ['action'],
  ),
} as const satisfies Record<string, MetricDefinition>;
