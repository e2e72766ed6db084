import { HEROKU_EXPORTER_METRICS } from '@brainbytes/telemetry';
import { HistogramMap, SeriesMap } from './series';

const M = HEROKU_EXPORTER_METRICS;

/** Every series the drain produces, by metric; labels never carry a dyno UUID, request id, path or IP. */
export function createDrainMetrics() {
  return {
    routerRequests: new SeriesMap(M.routerRequests),
    routerConnect: new HistogramMap(M.routerConnect),
    routerService: new HistogramMap(M.routerService),
    routerBytes: new SeriesMap(M.routerBytes),
    routerErrors: new SeriesMap(M.routerErrors),
    dynoMemory: new SeriesMap(M.dynoMemory),
    dynoLoad: new SeriesMap(M.dynoLoad),
    dynoErrors: new SeriesMap(M.dynoErrors),
    dynoCrashes: new SeriesMap(M.dynoCrashes),
    dynoRestarts: new SeriesMap(M.dynoRestarts),
    postgresSample: new SeriesMap(M.postgresSample),
    postgresDbSize: new SeriesMap(M.postgresDbSize),
    postgresConnections: new SeriesMap(M.postgresConnections),
    redisSample: new SeriesMap(M.redisSample),
    redisMemory: new SeriesMap(M.redisMemory),
    logplexErrors: new SeriesMap(M.logplexErrors),
    logplexDropped: new SeriesMap(M.logplexDropped),
    drainMessages: new SeriesMap(M.drainMessages),
    drainMalformed: new SeriesMap(M.drainMalformed),
    drainDropped: new SeriesMap(M.drainDropped),
    drainDuplicates: new SeriesMap(M.drainDuplicates),
    drainRequests: new SeriesMap(M.drainRequests),
  };
}

export type DrainMetrics = ReturnType<typeof createDrainMetrics>;

/** Each metric's exposition text as bytes, cached by the metric until its values change. */
export function renderDrainMetrics(metrics: DrainMetrics): Buffer[] {
  return Object.values(metrics).map((m) => m.render());
}
