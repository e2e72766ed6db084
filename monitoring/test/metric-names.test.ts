import { HEROKU_EXPORTER_METRICS } from '@brainbytes/heroku-exporter/catalog';
import { DYNO_PRICE_TABLE_DATE } from '@brainbytes/heroku-exporter/cost/model';
import { createDrainMetrics } from '@brainbytes/heroku-exporter/drain/metrics';
import type { CloudWatchPoller } from '@brainbytes/heroku-exporter/lambda/cloudwatch';
import { registerLambdaMetrics } from '@brainbytes/heroku-exporter/lambda/metrics';
import { createPlatformMetrics } from '@brainbytes/heroku-exporter/platform/metrics';
import { GATEWAY_METRICS } from '@brainbytes/pushgateway/catalog';
import { createSelfMetrics } from '@brainbytes/pushgateway/self-metrics';
import { CATALOG, type MetricDefinition } from '@brainbytes/telemetry/metrics';
import { inspectPromql, withGrafanaVariables } from '@brainbytes/testkit/promql';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { dashboardQueries, recorded, ruleQueries } from './helpers/queries';

/** A catalog's names as series: a histogram's _bucket, _sum and _count. */
const seriesNames = (catalog: Record<string, MetricDefinition>) =>
  Object.values(catalog).flatMap((m) =>
    m.kind === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
  );
const known = new Set([
  ...seriesNames(CATALOG),
  ...seriesNames(HEROKU_EXPORTER_METRICS),
  ...seriesNames(GATEWAY_METRICS),
]);
const ours = /^(brainbytes|heroku|pushgateway)_/;

/** What each deployable registers or renders, read off the real objects (not its source). */
function registered(): { gateway: string[]; exporter: string[] } {
  const gateway = createSelfMetrics(() => ({}) as never, 'memory').registry.getMetricsAsArray();
  const platform = createPlatformMetrics(undefined, { pollIntervalMs: 1000, ecoPlanMonthlyDollars: 5 });
  const idle = {
    recent: new Map(),
    monthToDate: new Map(),
    functions: [],
    lastPollOk: false,
    lastSuccessMs: 0,
  };
  const lambda = new Registry();
  registerLambdaMetrics(lambda, idle as unknown as CloudWatchPoller, 300);
  return {
    gateway: gateway.map((m) => m.name).filter((n) => ours.test(n)),
    exporter: [
      ...platform.registry.getMetricsAsArray().map((m) => m.name),
      ...lambda.getMetricsAsArray().map((m) => m.name),
      ...Object.values(createDrainMetrics()).map((m) => m.name),
    ].filter((n) => ours.test(n)),
  };
}

describe('every metric the project exposes is in a catalog', () => {
  it('the gateway and the exporter register exactly their catalogs', () => {
    const { gateway, exporter } = registered();
    expect(gateway.sort()).toEqual(
      Object.values(GATEWAY_METRICS)
        .map((m) => m.name)
        .sort(),
    );
    expect(exporter.sort()).toEqual(
      Object.values(HEROKU_EXPORTER_METRICS)
        .map((m) => m.name)
        .sort(),
    );
  });

  it('names the dyno price table’s date the exporter uses', () => {
    expect(HEROKU_EXPORTER_METRICS.dynoSizeMonthlyPriceDollars.help).toContain(DYNO_PRICE_TABLE_DATE);
  });
});

describe('the rules and dashboards select only metrics of a catalog or recorded series', () => {
  it('each query names only known series', () => {
    const unknown = [...ruleQueries, ...dashboardQueries].flatMap(({ where, expr }) =>
      inspectPromql(withGrafanaVariables(expr))
        .metrics.filter((m) => ours.test(m) && !known.has(m) && !recorded.has(m))
        .map((m) => `${where}: ${m}`),
    );
    expect(unknown).toEqual([]);
  });

  it('catches a misspelt name (the check can fail)', () => {
    const names = inspectPromql('sum(rate(heroku_router_errrors_total[5m]))').metrics;
    expect(names.filter((m) => ours.test(m) && !known.has(m))).toEqual(['heroku_router_errrors_total']);
  });
});
