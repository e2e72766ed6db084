import { HistogramMap, SeriesMap } from './series';

const APP = ['app'];
const APP_SOURCE = ['app', 'source'];

/** Every series the drain produces, by metric; labels never carry a dyno UUID, request id, path or IP. */
export function createDrainMetrics() {
  return {
    routerRequests: new SeriesMap(
      'heroku_router_requests_total',
      'counter',
      'Requests through the Heroku router, by method and status.',
      ['app', 'method', 'status'],
    ),
    routerConnect: new HistogramMap(
      'heroku_router_connect_seconds',
      'Router time to connect to a dyno.',
      APP,
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    ),
    routerService: new HistogramMap(
      'heroku_router_service_seconds',
      'Time the dyno took to answer, as the router saw it.',
      APP,
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    ),
    routerBytes: new SeriesMap(
      'heroku_router_response_bytes_total',
      'counter',
      'Response bytes sent to clients: the data users pay for.',
      APP,
    ),
    routerErrors: new SeriesMap(
      'heroku_router_errors_total',
      'counter',
      'Router errors by H code (H10 crashed, H12 timeout, …).',
      ['app', 'code'],
    ),
    dynoMemory: new SeriesMap(
      'heroku_dyno_memory_bytes',
      'gauge',
      'Dyno memory from log-runtime-metrics, by kind (total, rss, cache, swap, quota).',
      ['app', 'process_type', 'source', 'kind'],
    ),
    dynoLoad: new SeriesMap(
      'heroku_dyno_load_average',
      'gauge',
      'Dyno load average from log-runtime-metrics.',
      ['app', 'process_type', 'source', 'window'],
    ),
    dynoErrors: new SeriesMap(
      'heroku_dyno_errors_total',
      'counter',
      'Dyno errors by R code (R10 boot timeout, R14 memory quota, R15 …).',
      ['app', 'process_type', 'code'],
    ),
    dynoCrashes: new SeriesMap(
      'heroku_dyno_crashes_total',
      'counter',
      'Dynos that changed state to crashed.',
      ['app', 'process_type'],
    ),
    dynoRestarts: new SeriesMap('heroku_dyno_restarts_total', 'counter', 'Dyno restarts and daily cycling.', [
      'app',
      'process_type',
    ]),
    postgresSample: new SeriesMap(
      'heroku_postgres_sample',
      'gauge',
      'Heroku Postgres metrics-log samples, converted to base units (bytes, ratios, counts).',
      ['app', 'source', 'metric'],
    ),
    postgresDbSize: new SeriesMap(
      'heroku_postgres_db_size_bytes',
      'gauge',
      'Heroku Postgres database size.',
      APP_SOURCE,
    ),
    postgresConnections: new SeriesMap(
      'heroku_postgres_connections',
      'gauge',
      'Heroku Postgres connections by state.',
      [...APP_SOURCE, 'state'],
    ),
    redisSample: new SeriesMap(
      'heroku_redis_sample',
      'gauge',
      'Heroku Key-Value Store (Redis) metrics-log samples, converted to base units.',
      ['app', 'source', 'metric'],
    ),
    redisMemory: new SeriesMap('heroku_redis_memory_bytes', 'gauge', 'Memory used by Redis.', APP_SOURCE),
    logplexErrors: new SeriesMap(
      'heroku_logplex_errors_total',
      'counter',
      'Logplex errors by L code (L10 buffer overflow, …).',
      ['app', 'code'],
    ),
    logplexDropped: new SeriesMap(
      'heroku_logplex_messages_dropped_total',
      'counter',
      'Log messages Logplex reported dropped.',
      APP,
    ),
    drainMessages: new SeriesMap(
      'heroku_exporter_drain_messages_total',
      'counter',
      'Drain messages read, by kind.',
      ['kind'],
    ),
    drainMalformed: new SeriesMap(
      'heroku_exporter_drain_malformed_total',
      'counter',
      'Drain frames or messages that could not be read and were skipped.',
      [],
    ),
    drainDropped: new SeriesMap(
      'heroku_exporter_drain_dropped_total',
      'counter',
      'Drain data refused to keep labels bounded: add-on samples Heroku does not document (unknown_sample), process types past HEROKU_DRAIN_MAX_PROCESS_TYPES counted as `other` (process_type_cap).',
      ['reason'],
    ),
    drainDuplicates: new SeriesMap(
      'heroku_exporter_drain_duplicate_frames_total',
      'counter',
      'Drain requests skipped because their Logplex-Frame-Id was already counted.',
      [],
    ),
    drainRequests: new SeriesMap(
      'heroku_exporter_drain_requests_total',
      'counter',
      'Drain requests by outcome.',
      ['outcome'],
    ),
  };
}

export type DrainMetrics = ReturnType<typeof createDrainMetrics>;

/** Each metric's exposition text as bytes, cached by the metric until its values change. */
export function renderDrainMetrics(metrics: DrainMetrics): Buffer[] {
  return Object.values(metrics).map((m) => m.render());
}
