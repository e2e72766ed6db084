import { readFileSync } from 'node:fs';
import { CATALOG } from '@brainbytes/telemetry';
import { inspectPromql, withGrafanaVariables } from '@brainbytes/testkit/promql';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { CloudWatchPoller } from '@brainbytes/heroku-exporter/lambda/cloudwatch';
import { registerLambdaMetrics } from '@brainbytes/heroku-exporter/lambda/lambda-metrics';
import { dashboardQueries, filesUnder, recorded, ruleQueries } from './helpers/queries';

/** What the exporter registers for Lambda (brainbytes_lambda_*, brainbytes_cloudwatch_*), read off a registry. */
function exporterLambdaNames(): string[] {
  const registry = new Registry();
  const idle = {
    recent: new Map(),
    monthToDate: new Map(),
    functions: [],
    lastPollOk: false,
    lastSuccessMs: 0,
  };
  registerLambdaMetrics(registry, idle as unknown as CloudWatchPoller, 300);
  return registry.getMetricsAsArray().map((m) => m.name);
}
/**
 * Every heroku_* and pushgateway_* name the exporter's and the gateway's code writes: the names they
 * register or render are string literals in their src/ (a name assembled at run time would escape this).
 */
function namesWritten(dir: string, prefix: string): Set<string> {
  const names = new Set<string>();
  const files = filesUnder(new URL(dir, import.meta.url).pathname).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  for (const file of files)
    for (const m of readFileSync(file, 'utf8').matchAll(new RegExp(`['"\`](${prefix}[a-z_]+)`, 'g')))
      names.add(m[1] as string);
  return names;
}
const componentNames = {
  heroku_: namesWritten('../../exporters/heroku/src', 'heroku_'),
  pushgateway_: namesWritten('../../pushgateway/src', 'pushgateway_'),
};
const written = (metric: string) =>
  Object.entries(componentNames).some(
    ([prefix, names]) =>
      metric.startsWith(prefix) &&
      (names.has(metric) || names.has(metric.replace(/_(bucket|sum|count)$/, ''))),
  );

const appMetricNames = new Set([
  ...Object.values(CATALOG).flatMap((m) =>
    m.kind === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
  ),
  ...exporterLambdaNames(),
]);

describe('the rules and dashboards select only metrics that something writes', () => {
  it('selects only app metrics of the catalog or recorded series', () => {
    const unknown = [...ruleQueries, ...dashboardQueries].flatMap(({ where, expr }) =>
      inspectPromql(withGrafanaVariables(expr))
        .metrics.filter((m) => m.startsWith('brainbytes') && !appMetricNames.has(m) && !recorded.has(m))
        .map((m) => `${where}: ${m}`),
    );
    expect(unknown).toEqual([]);
  });

  it('selects only heroku_* and pushgateway_* names the exporter and the gateway write', () => {
    expect(componentNames.heroku_.size).toBeGreaterThan(20);
    expect(componentNames.pushgateway_.size).toBeGreaterThan(5);
    const unknown = [...ruleQueries, ...dashboardQueries].flatMap(({ where, expr }) =>
      inspectPromql(withGrafanaVariables(expr))
        .metrics.filter((m) => /^(heroku|pushgateway)_/.test(m) && !written(m) && !recorded.has(m))
        .map((m) => `${where}: ${m}`),
    );
    expect(unknown).toEqual([]);
    expect(written('heroku_router_errrors_total'), 'a misspelt name is caught').toBe(false);
  });
});
