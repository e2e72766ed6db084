import { defineMetric as def, type MetricDefinition } from '@brainbytes/telemetry/metrics';

/** What the log drain reads from Heroku's router, dynos, Postgres, Redis and Logplex, and how the drain itself does. */
export const DRAIN_METRICS = {
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
    'Drain data refused to keep labels bounded: add-on samples Heroku does not document (unknown_sample), process types past HEROKU_DRAIN_MAX_PROCESS_TYPES counted as `other` (process_type_cap), new label sets past HEROKU_DRAIN_MAX_SERIES (series_budget).',
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
} as const satisfies Record<string, MetricDefinition>;
