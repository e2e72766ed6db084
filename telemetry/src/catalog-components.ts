import { defineMetric as def, type MetricDefinition } from './catalog';

/**
 * The metrics of our two other deployables, beside the app's (catalog.ts): the Pushgateway's own
 * (`pushgateway_*`) and the Heroku exporter's (`heroku_*`). Each creates its metrics from here, so
 * their label names are types, and the rules and dashboards are checked against these names.
 */
export const GATEWAY_METRICS = {
  pushesTotal: def(
    'pushgateway_pushes_total',
    'counter',
    'Push requests (PUT, POST, DELETE) by method, mode and outcome.',
    ['method', 'mode', 'outcome'],
  ),
  pushRefusalsTotal: def(
    'pushgateway_push_refusals_total',
    'counter',
    'Pushes refused, by reason: a limit (byte_budget, series, series_per_push, groups, label_length, body_size), a reused push id, credentials, or invalid content.',
    ['reason'],
  ),
  pushDurationSeconds: def(
    'pushgateway_push_duration_seconds',
    'histogram',
    'Time to handle an accepted push, from the first byte read to the response.',
    ['mode'],
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  ),
  expiredGroupsTotal: def(
    'pushgateway_expired_groups_total',
    'counter',
    'Groups dropped because they were not pushed within their TTL.',
    ['mode'],
  ),
  persistenceWriteDurationSeconds: def(
    'pushgateway_persistence_write_duration_seconds',
    'histogram',
    'Time to make state durable: appending one operation, or writing a snapshot.',
    ['operation'],
    [0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  ),
  persistenceErrorsTotal: def(
    'pushgateway_persistence_errors_total',
    'counter',
    'Failures to write or load persisted state.',
    ['operation'],
  ),
  groups: def('pushgateway_groups', 'gauge', 'Groups held, by mode (ordinary or delta).', ['mode']),
  series: def(
    'pushgateway_series',
    'gauge',
    'Sample lines held across all groups (histogram buckets, sums and counts each count).',
    [],
  ),
  storedBytes: def(
    'pushgateway_stored_bytes',
    'gauge',
    'Estimated cost of the stored metrics, in memory or on disk, whichever is more; held under PUSHGATEWAY_MAX_BYTES.',
    [],
  ),
  maxBytes: def(
    'pushgateway_max_bytes',
    'gauge',
    'PUSHGATEWAY_MAX_BYTES: the most the stored metrics may cost.',
    [],
  ),
  pushIdsRemembered: def(
    'pushgateway_push_ids_remembered',
    'gauge',
    'Delta push ids remembered to apply retried pushes once.',
    [],
  ),
  buildInfo: def(
    'pushgateway_build_info',
    'gauge',
    'Always 1; labels say how this gateway persists its state.',
    ['persistence'],
  ),
} as const satisfies Record<string, MetricDefinition>;

export const HEROKU_EXPORTER_METRICS = {
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
  dynoSizeMonthlyPriceDollars: def(
    'heroku_dyno_size_monthly_price_dollars',
    'gauge',
    'Monthly price per dyno size: from /dyno-sizes (source="api"), else Heroku\'s list prices of 2025-06 (source="table").',
    ['size', 'source'],
  ),
  monthlyRunRateDollars: def(
    'heroku_monthly_run_rate_dollars',
    'gauge',
    'What the current formation and add-ons cost per month, by component.',
    ['app', 'component'],
  ),
  unpricedDynoSize: def(
    'heroku_unpriced_dyno_size',
    'gauge',
    'Dyno sizes in a formation with no known price (counted as 0 in the run-rate); 1 each.',
    ['app', 'size'],
  ),
  costAccruedDollarsTotal: def(
    'heroku_cost_accrued_dollars_total',
    'counter',
    'Dollars accrued this UTC month at the run-rate; starts from the month-to-date estimate, and from 0 each new month.',
    ['app'],
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
  routerRequests: def(
    'heroku_router_requests_total',
    'counter',
    'Requests through the Heroku router, by method and status.',
    ['app', 'method', 'status'],
  ),
  routerConnect: def(
    'heroku_router_connect_seconds',
    'histogram',
    'Router time to connect to a dyno.',
    ['app'],
    [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  ),
  routerService: def(
    'heroku_router_service_seconds',
    'histogram',
    'Time the dyno took to answer, as the router saw it.',
    ['app'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  ),
  routerBytes: def(
    'heroku_router_response_bytes_total',
    'counter',
    'Response bytes sent to clients: the data users pay for.',
    ['app'],
  ),
  routerErrors: def(
    'heroku_router_errors_total',
    'counter',
    'Router errors by H code (H10 crashed, H12 timeout, …).',
    ['app', 'code'],
  ),
  dynoMemory: def(
    'heroku_dyno_memory_bytes',
    'gauge',
    'Dyno memory from log-runtime-metrics, by kind (total, rss, cache, swap, quota).',
    ['app', 'process_type', 'source', 'kind'],
  ),
  dynoLoad: def('heroku_dyno_load_average', 'gauge', 'Dyno load average from log-runtime-metrics.', [
    'app',
    'process_type',
    'source',
    'window',
  ]),
  dynoErrors: def(
    'heroku_dyno_errors_total',
    'counter',
    'Dyno errors by R code (R10 boot timeout, R14 memory quota, R15 …).',
    ['app', 'process_type', 'code'],
  ),
  dynoCrashes: def('heroku_dyno_crashes_total', 'counter', 'Dynos that changed state to crashed.', [
    'app',
    'process_type',
  ]),
  dynoRestarts: def('heroku_dyno_restarts_total', 'counter', 'Dyno restarts and daily cycling.', [
    'app',
    'process_type',
  ]),
  postgresSample: def(
    'heroku_postgres_sample',
    'gauge',
    'Heroku Postgres metrics-log samples, converted to base units (bytes, ratios, counts).',
    ['app', 'source', 'metric'],
  ),
  postgresDbSize: def('heroku_postgres_db_size_bytes', 'gauge', 'Heroku Postgres database size.', [
    'app',
    'source',
  ]),
  postgresConnections: def('heroku_postgres_connections', 'gauge', 'Heroku Postgres connections by state.', [
    'app',
    'source',
    'state',
  ]),
  redisSample: def(
    'heroku_redis_sample',
    'gauge',
    'Heroku Key-Value Store (Redis) metrics-log samples, converted to base units.',
    ['app', 'source', 'metric'],
  ),
  redisMemory: def('heroku_redis_memory_bytes', 'gauge', 'Memory used by Redis.', ['app', 'source']),
  logplexErrors: def(
    'heroku_logplex_errors_total',
    'counter',
    'Logplex errors by L code (L10 buffer overflow, …).',
    ['app', 'code'],
  ),
  logplexDropped: def(
    'heroku_logplex_messages_dropped_total',
    'counter',
    'Log messages Logplex reported dropped.',
    ['app'],
  ),
  drainMessages: def('heroku_exporter_drain_messages_total', 'counter', 'Drain messages read, by kind.', [
    'kind',
  ]),
  drainMalformed: def(
    'heroku_exporter_drain_malformed_total',
    'counter',
    'Drain frames or messages that could not be read and were skipped.',
    [],
  ),
  drainDropped: def(
    'heroku_exporter_drain_dropped_total',
    'counter',
    'Drain data refused to keep labels bounded: add-on samples Heroku does not document (unknown_sample), process types past HEROKU_DRAIN_MAX_PROCESS_TYPES counted as `other` (process_type_cap).',
    ['reason'],
  ),
  drainDuplicates: def(
    'heroku_exporter_drain_duplicate_frames_total',
    'counter',
    'Drain requests skipped because their Logplex-Frame-Id was already counted.',
    [],
  ),
  drainRequests: def('heroku_exporter_drain_requests_total', 'counter', 'Drain requests by outcome.', [
    'outcome',
  ]),
  // Lambda, read from CloudWatch (LAMBDA_FUNCTIONS): named brainbytes_* as the app's own view of its functions.
  lambdaPeriodSeconds: def(
    'brainbytes_lambda_period_seconds',
    'gauge',
    'The CloudWatch period the brainbytes_lambda_* counts cover.',
    [],
  ),
  lambdaInvocations: def(
    'brainbytes_lambda_invocations',
    'gauge',
    'Invocations in the last complete CloudWatch period.',
    ['function'],
  ),
  lambdaErrors: def(
    'brainbytes_lambda_errors',
    'gauge',
    'Invocations that failed (function errors and timeouts) in the last period.',
    ['function'],
  ),
  lambdaThrottles: def(
    'brainbytes_lambda_throttles',
    'gauge',
    'Invocations Lambda refused (throttled) in the last period.',
    ['function'],
  ),
  lambdaConcurrentExecutions: def(
    'brainbytes_lambda_concurrent_executions',
    'gauge',
    'Most instances running at once in the last period.',
    ['function'],
  ),
  lambdaDurationSeconds: def(
    'brainbytes_lambda_duration_seconds',
    'gauge',
    'Invocation duration in the last period, by statistic (max, and p50, p95 where asked for).',
    ['function', 'statistic'],
  ),
  lambdaTimeoutSeconds: def(
    'brainbytes_lambda_timeout_seconds',
    'gauge',
    'The function’s configured timeout: a max duration at it is an invocation Lambda killed.',
    ['function'],
  ),
  lambdaGbSecondsMonthToDate: def(
    'brainbytes_lambda_gb_seconds_month_to_date',
    'gauge',
    'GB-seconds this UTC month (daily Duration sums since the 1st × configured memory): what Lambda bills.',
    ['function'],
  ),
  lambdaInvocationsMonthToDate: def(
    'brainbytes_lambda_invocations_month_to_date',
    'gauge',
    'Invocations this UTC month (daily sums since the 1st): Lambda bills each request.',
    ['function'],
  ),
  cloudwatchUp: def(
    'brainbytes_cloudwatch_up',
    'gauge',
    'Whether the last CloudWatch poll succeeded (1) or failed (0).',
    [],
  ),
  cloudwatchLastSuccessTimestampSeconds: def(
    'brainbytes_cloudwatch_last_success_timestamp_seconds',
    'gauge',
    'When CloudWatch last answered every query (Unix seconds); 0 before the first success.',
    [],
  ),
} as const satisfies Record<string, MetricDefinition>;
