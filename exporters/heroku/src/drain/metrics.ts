import { DRAIN_METRICS as M } from './catalog';
import { HistogramMap, SeriesBudget, SeriesMap } from './series';

/**
 * Every series the drain produces, by metric; labels never carry a dyno UUID, request id, path or
 * IP. Together they hold at most `maxSeries` series (HEROKU_DRAIN_MAX_SERIES); the exporter's own
 * drain counters, whose labels are a closed set, stand outside it.
 */
export function createDrainMetrics(maxSeries = Number.POSITIVE_INFINITY) {
  const drainDropped = new SeriesMap(M.drainDropped);
  const overBudget = drainDropped.key(['series_budget']);
  const budget = new SeriesBudget(maxSeries, () => drainDropped.add(overBudget, 1));
  return {
    routerRequests: new SeriesMap(M.routerRequests, budget),
    routerConnect: new HistogramMap(M.routerConnect, budget),
    routerService: new HistogramMap(M.routerService, budget),
    routerBytes: new SeriesMap(M.routerBytes, budget),
    routerErrors: new SeriesMap(M.routerErrors, budget),
    dynoMemory: new SeriesMap(M.dynoMemory, budget),
    dynoLoad: new SeriesMap(M.dynoLoad, budget),
    dynoErrors: new SeriesMap(M.dynoErrors, budget),
    dynoCrashes: new SeriesMap(M.dynoCrashes, budget),
    dynoRestarts: new SeriesMap(M.dynoRestarts, budget),
    postgresSample: new SeriesMap(M.postgresSample, budget),
    postgresDbSize: new SeriesMap(M.postgresDbSize, budget),
    postgresConnections: new SeriesMap(M.postgresConnections, budget),
    redisSample: new SeriesMap(M.redisSample, budget),
    redisMemory: new SeriesMap(M.redisMemory, budget),
    logplexErrors: new SeriesMap(M.logplexErrors, budget),
    logplexDropped: new SeriesMap(M.logplexDropped, budget),
    drainMessages: new SeriesMap(M.drainMessages),
    drainMalformed: new SeriesMap(M.drainMalformed),
    drainDropped,
    drainDuplicates: new SeriesMap(M.drainDuplicates),
    drainRequests: new SeriesMap(M.drainRequests),
  };
}

export type DrainMetrics = ReturnType<typeof createDrainMetrics>;

/** Each metric's exposition text as bytes, cached by the metric until its values change. */
export function renderDrainMetrics(metrics: DrainMetrics): Buffer[] {
  return Object.values(metrics).map((m) => m.render());
}
